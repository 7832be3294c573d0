// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device side of libxpvback: find devices under the backend root,
 * step each through the xenbus state machine (lib/xenbus_back.c) after
 * every watch, and forget them when the toolstack removes them.
 *
 * Watches are hints. An event only marks a device dirty; after the batch
 * of events is drained each dirty device reads its own state, the
 * frontend's and "online" afresh and takes one step. Two watches exist per
 * device type and per device: the backend root (the toolstack's writes,
 * including new devices and removal) and <frontend>/state.
 *
 * WHY the frontend path is checked: it is read from our backend dir, which
 * only the toolstack writes, but it must still be the frontend of the
 * domain named by the backend path, or one guest's device could be
 * connected to another guest's nodes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xpvback/backend.h>

#define ROOT_TOKEN	"xpv-root"

struct xpv_bdev *xpv_backend_find(struct xpv_backend *be, uint16_t domid,
				  uint32_t devid)
{
	struct xpv_bdev *d;

	for (d = be->devs; d; d = d->next)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

static unsigned int devices_of(struct xpv_backend *be, uint16_t domid)
{
	struct xpv_bdev *d;
	unsigned int n = 0;

	for (d = be->devs; d; d = d->next)
		n += d->domid == domid && d->life != XPV_BDEV_NEW &&
		     d->life != XPV_BDEV_GONE;
	return n;
}

/* Mark <domid>/<devid> dirty, creating it if it is new to us. */
static void mark(struct xpv_backend *be, unsigned long domid, unsigned long devid)
{
	struct xpv_bdev *d;

	if (domid == 0 || domid >= 0x7ff0 || devid > UINT32_MAX)
		return;		/* not a guest (DOMID_FIRST_RESERVED) */
	if (be->only_domid && domid != be->only_domid)
		return;		/* another worker's guest */
	d = xpv_backend_find(be, (uint16_t)domid, (uint32_t)devid);
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return;
		d->be = be;
		d->domid = (uint16_t)domid;
		d->devid = (uint32_t)devid;
		xpv_path(d->path, sizeof(d->path), "%s/%lu/%lu", be->root, domid, devid);
		d->next = be->devs;
		be->devs = d;
	}
	d->dirty = true;
}

/* "<domid>/<devid>[/...]" after the root, or ask for a rescan. */
static void mark_path(struct xpv_backend *be, const char *path)
{
	size_t n = strlen(be->root);
	unsigned long domid, devid;
	char *end;

	if (strncmp(path, be->root, n) || (path[n] && path[n] != '/'))
		return;
	path += n;
	domid = strtoul(path + (*path == '/'), &end, 10);
	if (*path != '/' || end == path + 1 || *end != '/') {
		be->rescan = true;
		return;
	}
	devid = strtoul(end + 1, &end, 10);
	if (*end && *end != '/') {
		be->rescan = true;
		return;
	}
	mark(be, domid, devid);
}

static void rescan(struct xpv_backend *be)
{
	struct xpv_transport *t = be->t;
	char path[XPV_PATH_MAX], **doms, **devs;
	unsigned int nd, nv, i, j;

	be->rescan = false;
	doms = t->ops->xs_directory(t, be->root, &nd);
	for (i = 0; doms && i < nd; i++) {
		if (xpv_path(path, sizeof(path), "%s/%s", be->root, doms[i]))
			continue;
		devs = t->ops->xs_directory(t, path, &nv);
		for (j = 0; devs && j < nv; j++) {
			if (!xpv_path(path, sizeof(path), "%s/%s/%s", be->root,
				      doms[i], devs[j]))
				mark_path(be, path);
		}
		free(devs);
	}
	free(doms);
	/* devices whose dirs vanished are found by their own update */
	for (struct xpv_bdev *d = be->devs; d; d = d->next)
		d->dirty = true;
}

/* Give back everything the device holds: rings, disk, frontend watch. */
static void release(struct xpv_bdev *d)
{
	struct xpv_backend *be = d->be;
	char path[XPV_PATH_MAX];

	if (d->life == XPV_BDEV_CONNECTED)
		be->ops->disconnect(d);
	if (d->life != XPV_BDEV_NEW && d->life != XPV_BDEV_GONE)
		be->ops->remove(d);
	if (d->fe_token[0] && !xpv_path(path, sizeof(path), "%s/state", d->fe_path))
		be->t->ops->xs_unwatch(be->t, path, d->fe_token);
	d->fe_token[0] = '\0';
}

static void destroy(struct xpv_bdev *d)
{
	struct xpv_backend *be = d->be;
	struct xpv_bdev **pp;

	release(d);
	for (pp = &be->devs; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	free(d);
}

/* The frontend dir must be /local/domain/<our domid>/device/<type>/... */
static int set_frontend(struct xpv_bdev *d)
{
	char *fe = xpv_bdev_read(d, false, "frontend");
	char want[64];
	int err = 0;

	snprintf(want, sizeof(want), "/local/domain/%u/device/", d->domid);
	if (!fe)
		return -ENOENT;
	if (strncmp(fe, want, strlen(want)) || strlen(fe) >= sizeof(d->fe_path) - 16 ||
	    strstr(fe, ".."))
		err = -EINVAL;
	else
		snprintf(d->fe_path, sizeof(d->fe_path), "%s", fe);
	free(fe);
	return err;
}

static int watch_frontend(struct xpv_bdev *d)
{
	struct xpv_transport *t = d->be->t;
	char path[XPV_PATH_MAX];

	if (xpv_path(path, sizeof(path), "%s/state", d->fe_path))
		return -ENAMETOOLONG;
	snprintf(d->fe_token, sizeof(d->fe_token), "xpv-fe:%u:%u", d->domid, d->devid);
	/* a watch fires once on registration: the first step needs no event */
	return t->ops->xs_watch(t, path, d->fe_token);
}

/* First sight of a device: check it, probe it, offer InitWait. */
static int probe(struct xpv_bdev *d)
{
	struct xpv_backend *be = d->be;
	char *state;
	int err;

	err = set_frontend(d);
	if (err)
		return err;
	if (devices_of(be, d->domid) >= be->limits.max_devices_per_domain) {
		d->life = XPV_BDEV_BROKEN;
		xpv_bdev_fail(d, -EDQUOT, "more than %u devices for domain %u",
			      be->limits.max_devices_per_domain, d->domid);
		return 0;
	}
	err = be->ops->probe(d);
	d->life = err ? XPV_BDEV_BROKEN : XPV_BDEV_READY;
	if (err)
		xpv_bdev_fail(d, err, "probing the backing store");
	if (watch_frontend(d))
		xpv_log("%s: cannot watch the frontend", d->path);
	if (err)
		return 0;
	/* a restarted daemon finds the state its predecessor left: keep it */
	state = xpv_bdev_read(d, false, "state");
	if (xpv_xb_parse_state(state) <= XPV_XB_INITIALISING)
		xpv_bdev_printf(d, "state", "%d", XPV_XB_INITWAIT);
	free(state);
	return 0;
}

static void read_input(struct xpv_bdev *d, struct xpv_xb_input *in)
{
	char *s;

	s = xpv_bdev_read(d, false, "state");
	in->back = xpv_xb_parse_state(s);
	free(s);
	s = xpv_bdev_read(d, true, "state");
	in->front = xpv_xb_parse_state(s);
	free(s);
	s = xpv_bdev_read(d, false, "online");
	in->online = s && !strcmp(s, "1");
	free(s);
	in->failed = d->life == XPV_BDEV_BROKEN;
}

static void disconnect(struct xpv_bdev *d)
{
	if (d->life != XPV_BDEV_CONNECTED)
		return;
	d->be->ops->disconnect(d);
	d->life = XPV_BDEV_READY;
}

/* Return false when a failed connect already moved us to Closing. */
static bool connect(struct xpv_bdev *d)
{
	int err;

	disconnect(d);
	err = d->be->ops->connect(d);
	if (err) {
		d->be->ops->disconnect(d);	/* undo a partial connect */
		xpv_bdev_fail(d, err, "connecting to the frontend");
		return false;
	}
	d->life = XPV_BDEV_CONNECTED;
	return true;
}

/* Return false when the device is gone (closed for good). */
static bool step(struct xpv_bdev *d)
{
	struct xpv_xb_input in;
	struct xpv_xb_step s;

	read_input(d, &in);
	s = xpv_xb_next(&in);
	switch (s.action) {
	case XPV_XB_CONNECT:
		if (!connect(d))
			return true;
		break;
	case XPV_XB_RECHECK:
		if ((d->life != XPV_BDEV_CONNECTED || d->be->ops->rings_changed(d)) &&
		    !connect(d))
			return true;
		break;
	case XPV_XB_DISCONNECT:
		disconnect(d);
		break;
	case XPV_XB_REMOVE:
		/*
		 * WHY not destroy: our dir stays until the toolstack removes
		 * it, and every write there (ours included) fires our watch;
		 * a forgotten device would be found, probed and closed again
		 * in a loop, reopening its disk each time.
		 */
		release(d);
		d->life = XPV_BDEV_GONE;
		xpv_bdev_printf(d, "state", "%d", XPV_XB_CLOSED);
		return false;
	default:
		break;
	}
	if (s.next != in.back)
		xpv_bdev_printf(d, "state", "%d", s.next);
	return true;
}

/*
 * A device we closed for good whose dir the toolstack removed and wrote
 * again between two of our looks (detach, then attach at the same vdev):
 * its state is the toolstack's Initialising again, not our Closed.
 */
static bool written_anew(struct xpv_bdev *d)
{
	char *state = xpv_bdev_read(d, false, "state");
	bool anew = xpv_xb_parse_state(state) <= XPV_XB_INITIALISING;

	free(state);
	return anew;
}

/* Re-read one device; it may be created, stepped, or destroyed. */
static void update(struct xpv_bdev *d)
{
	char *fe = xpv_bdev_read(d, false, "frontend");

	d->dirty = false;
	if (!fe) {		/* our dir is gone: the toolstack removed us */
		destroy(d);
		return;
	}
	free(fe);
	if (d->life == XPV_BDEV_GONE) {
		if (!written_anew(d))
			return;
		d->life = XPV_BDEV_NEW;	/* released already: as good as new */
	}
	if (d->life == XPV_BDEV_NEW && probe(d)) {
		destroy(d);
		return;
	}
	if (step(d) && d->be->ops->control &&
	    (d->life == XPV_BDEV_READY || d->life == XPV_BDEV_CONNECTED))
		d->be->ops->control(d);
}

static void update_dirty(struct xpv_backend *be)
{
	struct xpv_bdev *d, *next;

	if (be->rescan)
		rescan(be);
	for (d = be->devs; d; d = next) {
		next = d->next;
		if (d->dirty)
			update(d);
	}
}

static void handle_watch(struct xpv_backend *be, const char *path, const char *token)
{
	unsigned int domid, devid;

	if (!strcmp(token, ROOT_TOKEN)) {
		mark_path(be, path);
		return;
	}
	if (sscanf(token, "xpv-fe:%u:%u", &domid, &devid) == 2)
		mark(be, domid, devid);
}

/** xpv_backend_drain_watches() - take every pending watch, then step */
void xpv_backend_drain_watches(struct xpv_backend *be)
{
	struct xpv_transport *t = be->t;
	char path[XPV_PATH_MAX], token[64];

	while (t->ops->xs_next_watch(t, path, sizeof(path), token, sizeof(token)) > 0)
		handle_watch(be, path, token);
	update_dirty(be);
}

/**
 * xpv_backend_init() - start serving @ops devices of this domain
 * @self_domid: the backend domain, 0 in dom0
 *
 * Return: 0 or -errno (xenstore refused the watch).
 */
int xpv_backend_init(struct xpv_backend *be, struct xpv_transport *t,
		     const struct xpv_bdev_ops *ops, unsigned int self_domid,
		     const struct xpv_limits *limits)
{
	memset(be, 0, sizeof(*be));
	be->t = t;
	be->ops = ops;
	be->limits = *limits;
	snprintf(be->root, sizeof(be->root), "/local/domain/%u/backend/%s",
		 self_domid, ops->type);
	snprintf(be->error_root, sizeof(be->error_root),
		 "/local/domain/%u/error/backend/%s", self_domid, ops->type);
	be->rescan = true;
	return t->ops->xs_watch(t, be->root, ROOT_TOKEN);
}

/**
 * xpv_backend_close() - stop serving, leaving xenstore as it is
 *
 * Rings are unmapped and channels unbound, but no state node is written:
 * a daemon restarted later finds the devices where this one left them and
 * reconnects to the frontends, which never see a Closing.
 */
void xpv_backend_close(struct xpv_backend *be)
{
	struct xpv_evt *e, *next;

	while (be->devs) {
		struct xpv_bdev *d = be->devs;

		d->fe_token[0] = '\0';		/* watches die with the handle */
		destroy(d);
	}
	if (be->ops->worker_exit)	/* before the watches are freed */
		be->ops->worker_exit(be);
	for (e = be->evts; e; e = next) {
		next = e->next;
		xpv_evt_unbind(e);
		free(e);
	}
	be->evts = NULL;
	while (be->fdws) {		/* devices unwatched theirs already */
		struct xpv_fdw *w = be->fdws;

		be->fdws = w->next;
		free(w);
	}
	free(be->pfds);
	be->pfds = NULL;
	be->nr_pfds = 0;
	be->t->ops->xs_unwatch(be->t, be->root, ROOT_TOKEN);
}

void xpv_backend_dump(struct xpv_backend *be)
{
	struct xpv_bdev *d;

	for (d = be->devs; d; d = d->next)
		if (d->life != XPV_BDEV_NEW && be->ops->dump)
			be->ops->dump(d);
}
