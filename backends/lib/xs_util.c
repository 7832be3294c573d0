// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenstore helpers for backend devices: read a node of ours or of the
 * frontend, parse it as a bounded number, write formatted values, and
 * report a failure the way Linux's xenbus_dev_fatal() does (an error node
 * under /local/domain/0/error/backend/..., then Closing).
 *
 * WHY the bounds: the frontend's nodes are written by the guest. A value
 * is parsed strictly (decimal, no sign, no trailing junk, at most @max),
 * so a guest cannot smuggle a huge count or a negative port past here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xpvback/backend.h>

int xpv_log_quiet;

/*
 * One line, one write: the supervisor and every worker share stderr (one
 * log file), and a line written in pieces came out spliced with another
 * process's, which broke the counters' lines scripts read.
 */
void xpv_vlog(const char *fmt, va_list ap)
{
	static const char prefix[] = "xpv-backend: ";
	char line[1024];
	size_t n = sizeof(prefix) - 1, room = sizeof(line) - n - 1;
	int m;

	if (xpv_log_quiet)
		return;
	memcpy(line, prefix, n);
	m = vsnprintf(line + n, room, fmt, ap);
	if (m < 0)
		return;
	n += (size_t)m < room ? (size_t)m : room - 1;	/* cut, not lost */
	line[n++] = '\n';
	fwrite(line, 1, n, stderr);
}

void xpv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xpv_vlog(fmt, ap);
	va_end(ap);
}

/** xpv_path() - format a path; -ENAMETOOLONG rather than a cut one */
int xpv_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int node_path(char *buf, size_t len, const char *dir, const char *node)
{
	return xpv_path(buf, len, "%s/%s", dir, node);
}

char *xpv_bdev_read(struct xpv_bdev *d, bool fe, const char *node)
{
	char path[XPV_PATH_MAX];
	const char *dir = fe ? d->fe_path : d->path;

	if (!dir[0] || node_path(path, sizeof(path), dir, node))
		return NULL;
	return d->be->t->ops->xs_read(d->be->t, path);
}

/**
 * xpv_parse_ull() - a guest's number: strict decimal, at most @max
 *
 * Digits only (no sign, space, prefix or trailing junk), no overflow.
 * Return: 0, -EINVAL when not a number, -ERANGE when above @max (@val
 * untouched either way).
 */
int xpv_parse_ull(const char *s, unsigned long long max, unsigned long long *val)
{
	unsigned long long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int digit = (unsigned int)(*s - '0');

		if (*s < '0' || *s > '9')
			return -EINVAL;
		/* v * 10 + digit <= max, without letting max - digit wrap */
		if (digit > max || v > (max - digit) / 10)
			return -ERANGE;
		v = v * 10 + digit;
	}
	*val = v;
	return 0;
}

/**
 * xpv_bdev_read_uint() - read a node as a decimal number in [0, @max]
 *
 * Return: 0, -ENOENT when the node is missing, -EINVAL or -ERANGE when it
 * is not such a number (@val untouched).
 */
int xpv_bdev_read_uint(struct xpv_bdev *d, bool fe, const char *node,
		       unsigned long long max, unsigned long long *val)
{
	char *s = xpv_bdev_read(d, fe, node);
	int err;

	if (!s)
		return -ENOENT;
	err = xpv_parse_ull(s, max, val);
	free(s);
	return err;
}

int xpv_bdev_printf(struct xpv_bdev *d, const char *node, const char *fmt, ...)
{
	char path[XPV_PATH_MAX], val[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val) ||
	    node_path(path, sizeof(path), d->path, node))
		return -ENAMETOOLONG;
	return d->be->t->ops->xs_write(d->be->t, path, val);
}

/**
 * xpv_bdev_fail() - report why the device stops, and move it to Closing
 * @err: a negative errno, written first as the toolstack expects
 *
 * The message goes to stderr and to
 * /local/domain/<self>/error/backend/<type>/<domid>/<devid>/error.
 */
void xpv_bdev_fail(struct xpv_bdev *d, int err, const char *fmt, ...)
{
	struct xpv_transport *t = d->be->t;
	char path[XPV_PATH_MAX], msg[200];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = snprintf(msg, sizeof(msg), "%d ", -err);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	xpv_log("%s: %s (%s)", d->path, msg + n, strerror(-err));
	if (!xpv_path(path, sizeof(path), "%s/%u/%u/error", d->be->error_root,
		      d->domid, d->devid))
		t->ops->xs_write(t, path, msg);
	xpv_bdev_printf(d, "state", "%d", XPV_XB_CLOSING);
}

/**
 * xpv_bdev_read_nr_queues() - the frontend's multi-queue-num-queues
 * @max: what we advertised as multi-queue-max-queues
 *
 * Return: 0 with *@n in 1..@max (1 when the node is missing), or -EINVAL.
 */
int xpv_bdev_read_nr_queues(struct xpv_bdev *d, unsigned int max, unsigned int *n)
{
	unsigned long long q = 1;
	int err;

	err = xpv_bdev_read_uint(d, true, "multi-queue-num-queues", max, &q);
	if (err == -ENOENT)
		q = 1;
	else if (err || !q)
		return -EINVAL;
	*n = (unsigned int)q;
	return 0;
}

/* The frontend's dir of queue @i: its own with one queue, else queue-<i>. */
void xpv_queue_dir(unsigned int nr_queues, unsigned int i, char *buf, size_t len)
{
	if (nr_queues == 1)
		buf[0] = '\0';
	else
		snprintf(buf, len, "queue-%u", i);
}

/**
 * xpv_bdev_read_queue_u32() - the frontend's <@dir/>@name, a u32
 *
 * Return: 0, -ENOENT when missing, -EINVAL when not a number that fits.
 */
int xpv_bdev_read_queue_u32(struct xpv_bdev *d, const char *dir, const char *name,
			    uint32_t *val)
{
	unsigned long long v;
	char node[96];
	int err;

	snprintf(node, sizeof(node), "%.32s%s%.48s", dir, *dir ? "/" : "", name);
	err = xpv_bdev_read_uint(d, true, node, UINT32_MAX, &v);
	if (!err)
		*val = (uint32_t)v;
	return err;
}
