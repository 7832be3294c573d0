// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real transport: xenstore through libxenstore, grants through
 * libxengnttab (/dev/xen/gntdev), event channels through libxenevtchn
 * (/dev/xen/evtchn), as Debian's libxen-dev ships them. Each operation is
 * a thin translation to -errno conventions; nothing here decides anything.
 *
 * The xenstore and event channel fds are what the event loop polls: watch
 * events are drained with xs_check_watch() (which never blocks) and the
 * event channel fd is made non-blocking so evt_pending() can say "none".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#include <xpvback/transport.h>

struct xen_transport {
	struct xpv_transport t;
	struct xs_handle *xs;
	xengnttab_handle *gnt;
	xenevtchn_handle *evt;
};

static struct xen_transport *xt(struct xpv_transport *t)
{
	return (struct xen_transport *)t;
}

static int neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static char *xen_xs_read(struct xpv_transport *t, const char *path)
{
	unsigned int len;

	return xs_read(xt(t)->xs, XBT_NULL, path, &len);	/* NUL-terminated */
}

static int xen_xs_write(struct xpv_transport *t, const char *path, const char *val)
{
	return xs_write(xt(t)->xs, XBT_NULL, path, val, strlen(val)) ? 0 : neg_errno();
}

static int xen_xs_rm(struct xpv_transport *t, const char *path)
{
	return xs_rm(xt(t)->xs, XBT_NULL, path) ? 0 : neg_errno();
}

static char **xen_xs_directory(struct xpv_transport *t, const char *path,
			       unsigned int *num)
{
	return xs_directory(xt(t)->xs, XBT_NULL, path, num);
}

static int xen_xs_watch(struct xpv_transport *t, const char *path, const char *token)
{
	return xs_watch(xt(t)->xs, path, token) ? 0 : neg_errno();
}

static int xen_xs_unwatch(struct xpv_transport *t, const char *path, const char *token)
{
	return xs_unwatch(xt(t)->xs, path, token) ? 0 : neg_errno();
}

static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int xen_xs_next_watch(struct xpv_transport *t, char *path, size_t path_len,
			     char *token, size_t token_len)
{
	char **ev = xs_check_watch(xt(t)->xs);

	if (!ev)
		return errno == EAGAIN ? 0 : neg_errno();
	copy_str(path, path_len, ev[XS_WATCH_PATH]);
	copy_str(token, token_len, ev[XS_WATCH_TOKEN]);
	free(ev);
	return 1;
}

static int xen_xs_fd(struct xpv_transport *t)
{
	return xs_fileno(xt(t)->xs);
}

static void *xen_gnt_map(struct xpv_transport *t, uint16_t domid, uint32_t count,
			 const uint32_t *refs, bool writable)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);

	/* libxengnttab takes a non-const array it only reads */
	return xengnttab_map_domain_grant_refs(xt(t)->gnt, count, domid,
					       (uint32_t *)refs, prot);
}

static int xen_gnt_unmap(struct xpv_transport *t, void *addr, uint32_t count)
{
	return xengnttab_unmap(xt(t)->gnt, addr, count) ? neg_errno() : 0;
}

static void to_xen_seg(const struct xpv_gnt_copy *c, xengnttab_grant_copy_segment_t *s)
{
	union xengnttab_copy_ptr *guest = c->to_guest ? &s->dest : &s->source;
	union xengnttab_copy_ptr *local = c->to_guest ? &s->source : &s->dest;

	memset(s, 0, sizeof(*s));
	guest->foreign.ref = c->ref;
	guest->foreign.offset = c->offset;
	guest->foreign.domid = c->domid;
	local->virt = c->local;
	s->len = c->len;
	s->flags = c->to_guest ? GNTCOPY_dest_gref : GNTCOPY_source_gref;
}

#define COPY_BATCH 64

static int xen_gnt_copy(struct xpv_transport *t, uint32_t count,
			struct xpv_gnt_copy *segs)
{
	xengnttab_grant_copy_segment_t batch[COPY_BATCH];
	uint32_t done, n, i;

	for (done = 0; done < count; done += n) {
		n = count - done < COPY_BATCH ? count - done : COPY_BATCH;
		for (i = 0; i < n; i++)
			to_xen_seg(&segs[done + i], &batch[i]);
		if (xengnttab_grant_copy(xt(t)->gnt, n, batch))
			return neg_errno();
		for (i = 0; i < n; i++)
			segs[done + i].status = batch[i].status;
	}
	return 0;
}

static int xen_evt_bind(struct xpv_transport *t, uint16_t domid, uint32_t remote_port)
{
	xenevtchn_port_or_error_t p;

	p = xenevtchn_bind_interdomain(xt(t)->evt, domid, remote_port);
	return p < 0 ? neg_errno() : p;
}

static int xen_evt_unbind(struct xpv_transport *t, uint32_t port)
{
	return xenevtchn_unbind(xt(t)->evt, port) ? neg_errno() : 0;
}

static int xen_evt_notify(struct xpv_transport *t, uint32_t port)
{
	return xenevtchn_notify(xt(t)->evt, port) ? neg_errno() : 0;
}

static int xen_evt_pending(struct xpv_transport *t)
{
	xenevtchn_port_or_error_t p = xenevtchn_pending(xt(t)->evt);

	return p < 0 ? (errno == EAGAIN ? -EAGAIN : neg_errno()) : p;
}

static int xen_evt_unmask(struct xpv_transport *t, uint32_t port)
{
	return xenevtchn_unmask(xt(t)->evt, port) ? neg_errno() : 0;
}

static int xen_evt_fd(struct xpv_transport *t)
{
	return xenevtchn_fd(xt(t)->evt);
}

static void xen_close(struct xpv_transport *t)
{
	struct xen_transport *x = xt(t);

	if (x->evt)
		xenevtchn_close(x->evt);
	if (x->gnt)
		xengnttab_close(x->gnt);
	if (x->xs)
		xs_close(x->xs);
	free(x);
}

static const struct xpv_transport_ops xen_ops = {
	.xs_read = xen_xs_read,
	.xs_write = xen_xs_write,
	.xs_rm = xen_xs_rm,
	.xs_directory = xen_xs_directory,
	.xs_watch = xen_xs_watch,
	.xs_unwatch = xen_xs_unwatch,
	.xs_next_watch = xen_xs_next_watch,
	.xs_fd = xen_xs_fd,
	.gnt_map = xen_gnt_map,
	.gnt_unmap = xen_gnt_unmap,
	.gnt_copy = xen_gnt_copy,
	.evt_bind = xen_evt_bind,
	.evt_unbind = xen_evt_unbind,
	.evt_notify = xen_evt_notify,
	.evt_pending = xen_evt_pending,
	.evt_unmask = xen_evt_unmask,
	.evt_fd = xen_evt_fd,
	.close = xen_close,
};

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

/**
 * xpv_transport_xen_open() - open xenstore, /dev/xen/gntdev, /dev/xen/evtchn
 *
 * Return: the transport, or NULL with errno set (no Xen, not dom0, or
 * the xen_gntdev / xen_evtchn modules not loaded).
 */
struct xpv_transport *xpv_transport_xen_open(void)
{
	struct xen_transport *x = calloc(1, sizeof(*x));
	int err;

	if (!x)
		return NULL;
	x->t.ops = &xen_ops;
	x->xs = xs_open(0);
	x->gnt = xengnttab_open(NULL, 0);
	x->evt = xenevtchn_open(NULL, 0);
	if (!x->xs || !x->gnt || !x->evt)
		goto close_all;
	err = set_nonblock(xenevtchn_fd(x->evt));
	if (err) {
		errno = -err;
		goto close_all;
	}
	return &x->t;

close_all:
	err = errno;
	xen_close(&x->t);
	errno = err;
	return NULL;
}

/**
 * xpv_transport_xen_restrict() - event channels with @domid only, for good
 *
 * For a worker serving one guest: its evtchn handle can no longer bind,
 * or notify through, a port of any other domain.
 *
 * Return: 0 or -errno.
 */
int xpv_transport_xen_restrict(struct xpv_transport *t, uint16_t domid)
{
	return xenevtchn_restrict(xt(t)->evt, domid) ? neg_errno() : 0;
}
