// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenstore side of a virtual block device: what xpv-blkback reads from
 * the toolstack and the frontend, and what it advertises, in the order
 * Linux's xen-blkback does it:
 *   probe    params, mode, discard-enable (the toolstack's); open the disk;
 *            write the features a frontend reads before it connects
 *            (max-ring-page-order, multi-queue-max-queues, flush, discard,
 *            indirect segments)
 *   connect  protocol, multi-queue-num-queues, [queue-N/]ring-ref* and
 *            event-channel (the frontend's); map, bind; write sectors,
 *            info, sector-size, physical-sector-size
 * Every feature is advertised only when this daemon handles it, and used
 * as min(frontend, backend).
 *
 * We read the disk's path from "params", which libxl writes for
 * backendtype=phy; the hotplug script's physical-device (a loop device for
 * an image file) is what a kernel backend needs, not us. The image's
 * format comes from there too ("qcow2:/path", blk_format_split()), never
 * from the image's own bytes; a disk on an NBD server is its URI there.
 * After a snapshot (snapshot.c) the disk's image is the one our own
 * "xpv-image" names, in params' place.
 *
 * "sectors" counts 512-byte units whatever sector-size is, as Linux's
 * blkback writes it and Linux's blkfront reads it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"

struct blk_config blk_config;

static struct blk_vbd *vbd_of(struct xpv_bdev *d)
{
	return d->priv;
}

static int read_mode(struct xpv_bdev *d, bool *read_only)
{
	char *mode = xpv_bdev_read(d, false, "mode");

	if (!mode)
		return -ENOENT;
	*read_only = mode[0] != 'w';	/* "w", "w!" write; anything else reads */
	free(mode);
	return 0;
}

/* discard-enable: the toolstack may forbid discard; missing means yes. */
static bool discard_allowed(struct xpv_bdev *d)
{
	unsigned long long v = 1;

	xpv_bdev_read_uint(d, false, "discard-enable", 1, &v);
	return v && blk_config.discard;
}

static int open_disk(struct xpv_bdev *d, struct blk_vbd *v)
{
	char *params = blk_vbd_image(d);
	const char *fmt = "", *path = "";
	bool read_only;
	int err;

	if (!params)
		return -ENOENT;
	err = read_mode(d, &read_only);
	if (!err && blk_format_split(params, &fmt, &path))
		err = blk_disk_why(&v->disk, -EINVAL, "not /path, <format>:/path or nbd[+unix]://");
	if (!err)
		err = blk_disk_open(&v->disk, fmt, path, read_only,
				    blk_config.file_sector_size);
	if (!err)
		err = blk_disk_attach(&v->disk, d->be);
	if (err)
		xpv_log("%s: cannot open %s image \"%s\": %s", d->path, fmt, path,
			v->disk.why[0] ? v->disk.why : strerror(-err));
	free(params);
	return err;
}

static int advertise(struct xpv_bdev *d, struct blk_vbd *v)
{
	unsigned int order = d->be->limits.max_ring_order;
	int err = 0;

	if (order > XPV_RING_MAX_ORDER)
		order = XPV_RING_MAX_ORDER;
	err |= xpv_bdev_printf(d, "feature-flush-cache", "1");
	err |= xpv_bdev_printf(d, "feature-barrier", "0");
	err |= xpv_bdev_printf(d, "feature-persistent", "%d", blk_config.max_pgrants > 0);
	err |= xpv_bdev_printf(d, "max-ring-page-order", "%u", order);
	err |= xpv_bdev_printf(d, "multi-queue-max-queues", "%u", blk_config.max_queues);
	if (blk_config.max_indirect_segs)
		err |= xpv_bdev_printf(d, "feature-max-indirect-segments", "%u",
				       blk_config.max_indirect_segs);
	err |= xpv_bdev_printf(d, "feature-discard", "%d", v->discard);
	if (v->discard) {
		err |= xpv_bdev_printf(d, "discard-granularity", "%u",
				       v->disk.discard_granularity);
		err |= xpv_bdev_printf(d, "discard-alignment", "0");
		err |= xpv_bdev_printf(d, "discard-secure", "0");
	}
	return err ? -EIO : 0;
}

static int vbd_probe(struct xpv_bdev *d)
{
	struct blk_vbd *v = calloc(1, sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	v->dev = d;
	v->disk.fd = -1;
	d->priv = v;
	err = open_disk(d, v);
	if (err)
		return err;
	v->discard = discard_allowed(d) && !v->disk.read_only &&
		     v->disk.discard_granularity;
	return advertise(d, v);
}

/* Refuse what we would misread: another ABI, or sectors not in 512s. */
static int check_frontend_abi(struct xpv_bdev *d, struct blk_vbd *v)
{
	char *proto = xpv_bdev_read(d, true, "protocol");
	unsigned long long large = 0;
	int err = 0;

	if (proto && strcmp(proto, "x86_64-abi"))
		err = -EPROTONOSUPPORT;
	free(proto);
	xpv_bdev_read_uint(d, true, "feature-large-sector-size", 1, &large);
	if (large && v->disk.sector_size != 512)
		err = -EPROTONOSUPPORT;
	return err;
}

static int read_nr_queues(struct xpv_bdev *d, unsigned int *n)
{
	return xpv_bdev_read_nr_queues(d, blk_config.max_queues, n);
}

static void queue_dir(const struct blk_vbd *v, unsigned int i, char *buf, size_t len)
{
	xpv_queue_dir(v->nr_queues, i, buf, len);
}

static int read_port(struct xpv_bdev *d, const char *dir, uint32_t *port)
{
	return xpv_bdev_read_queue_u32(d, dir, "event-channel", port) ? -EINVAL : 0;
}

/* Requests in flight at most: what the disk takes, or the ring's size. */
static unsigned int max_inflight(const struct blk_queue *q)
{
	unsigned int n = q->vbd->disk.max_inflight;

	return n < q->ring.nr_ents ? n : q->ring.nr_ents;
}

static int connect_queue(struct blk_vbd *v, struct blk_queue *q)
{
	struct xpv_bdev *d = v->dev;
	unsigned int segs = blk_config.max_indirect_segs > XPV_BLKIF_MAX_SEGS ?
			    blk_config.max_indirect_segs : XPV_BLKIF_MAX_SEGS;
	char dir[32];
	int err;

	queue_dir(v, q->index, dir, sizeof(dir));
	err = read_port(d, dir, &q->remote_port);
	if (!err)
		err = xpv_ring_map_front(d, dir, "ring-ref", &q->map);
	if (err)
		return err;
	err = xpv_ring_resume_back(&q->ring, q->map.addr,
				   (size_t)q->map.pages * XPV_BLKIF_PAGE_SIZE,
				   sizeof(union xpv_blkif_req));
	if (!err)
		err = blk_queue_alloc(q, segs, max_inflight(q));
	if (!err)
		err = blk_pgrant_init(q, v->persistent ? blk_config.max_pgrants : 0);
	if (err)
		return err;
	q->evt = xpv_evt_bind(d->be, d->domid, q->remote_port, blk_queue_handler, q);
	return q->evt ? 0 : -errno;
}

/* Persistent grants when both ends offer them. */
static void negotiate(struct blk_vbd *v)
{
	unsigned long long persistent = 0;

	xpv_bdev_read_uint(v->dev, true, "feature-persistent", 1, &persistent);
	v->persistent = persistent && blk_config.max_pgrants;
	v->geom = (struct xpv_blkback_geom){
		.nr_sectors = v->disk.nr_sectors,
		.sector_size = v->disk.sector_size,
		.read_only = v->disk.read_only,
		.flush = true,
		.discard = v->discard,
		.max_indirect_segs = (u16)blk_config.max_indirect_segs,
	};
}

static int publish(struct xpv_bdev *d, struct blk_vbd *v)
{
	int err = 0;

	err |= xpv_bdev_printf(d, "sectors", "%" PRIu64, v->disk.nr_sectors);
	err |= xpv_bdev_printf(d, "info", "%u",
			       v->disk.read_only ? XPV_VDISK_READONLY : 0);
	err |= xpv_bdev_printf(d, "sector-size", "%u", v->disk.sector_size);
	err |= xpv_bdev_printf(d, "physical-sector-size", "%u",
			       v->disk.phys_sector_size);
	return err ? -EIO : 0;
}

/* On failure the caller (lib/backend.c) calls vbd_disconnect. */
static int vbd_connect(struct xpv_bdev *d)
{
	struct blk_vbd *v = vbd_of(d);
	unsigned int i;
	int err;

	err = check_frontend_abi(d, v);
	if (!err)
		err = read_nr_queues(d, &v->nr_queues);
	if (err)
		return err;
	v->queues = calloc(v->nr_queues, sizeof(*v->queues));
	if (!v->queues)
		return -ENOMEM;
	negotiate(v);
	for (i = 0; i < v->nr_queues && !err; i++) {
		v->queues[i].vbd = v;
		v->queues[i].index = i;
		err = connect_queue(v, &v->queues[i]);
	}
	return err ? err : publish(d, v);
}

static void add_stats(struct blk_stats *to, const struct blk_stats *s)
{
	unsigned int i;

	to->requests += s->requests;
	to->indirect += s->indirect;
	for (i = 0; i < XPV_BLKBACK_NR_VERDICTS; i++)
		to->bad[i] += s->bad[i];
	to->grant_errors += s->grant_errors;
	to->disk_errors += s->disk_errors;
	to->broken += s->broken;
	to->reads += s->reads;
	to->writes += s->writes;
	to->flushes += s->flushes;
	to->discards += s->discards;
	to->pgrants += s->pgrants;
	to->pgrants_refused += s->pgrants_refused;
	to->direct += s->direct;
}

static void vbd_disconnect(struct xpv_bdev *d)
{
	struct blk_vbd *v = vbd_of(d);
	unsigned int i;

	if (!v || !v->queues)
		return;
	blk_vbd_drain(v);	/* answered while the rings are still there */
	for (i = 0; i < v->nr_queues; i++) {
		struct blk_queue *q = &v->queues[i];

		xpv_evt_unbind(q->evt);
		xpv_ring_unmap(d, &q->map);
		blk_queue_free(q);
		add_stats(&v->closed, &q->stats);
	}
	free(v->queues);
	v->queues = NULL;
	v->nr_queues = 0;
}

static bool vbd_rings_changed(struct xpv_bdev *d)
{
	struct blk_vbd *v = vbd_of(d);
	unsigned int i, n;
	uint32_t port;
	char dir[32];

	if (!v->queues || read_nr_queues(d, &n) || n != v->nr_queues)
		return true;
	for (i = 0; i < n; i++) {
		queue_dir(v, i, dir, sizeof(dir));
		if (xpv_ring_map_changed(d, dir, "ring-ref", &v->queues[i].map) ||
		    read_port(d, dir, &port) || port != v->queues[i].remote_port)
			return true;
	}
	return false;
}

static void vbd_remove(struct xpv_bdev *d)
{
	struct blk_vbd *v = vbd_of(d);

	if (!v)
		return;
	vbd_disconnect(d);
	blk_disk_close(&v->disk);
	free(v);
	d->priv = NULL;
}

static void vbd_dump(struct xpv_bdev *d)
{
	struct blk_vbd *v = vbd_of(d);
	struct blk_stats s = v ? v->closed : (struct blk_stats){ 0 };
	unsigned int i, bad = 0;

	if (!v)
		return;
	for (i = 0; i < v->nr_queues; i++)
		add_stats(&s, &v->queues[i].stats);
	for (i = 0; i < XPV_BLKBACK_NR_VERDICTS; i++)
		bad += (unsigned int)s.bad[i];
	/* the e2e scenarios read "N <word>" off this line: no word twice */
	xpv_log("%s: %u queue(s), %" PRIu64 " requests, %u refused, %" PRIu64
		" grant errors, %" PRIu64 " disk errors, %" PRIu64 " ring violations; "
		"done: %" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64 " flushes, %"
		PRIu64 " discards; %" PRIu64 " indirect requests; %" PRIu64
		" persistent grants kept, %" PRIu64 " would not map; %" PRIu64
		" served direct",
		d->path, v->nr_queues, s.requests, bad, s.grant_errors,
		s.disk_errors, s.broken, s.reads, s.writes, s.flushes, s.discards,
		s.indirect, s.pgrants, s.pgrants_refused, s.direct);
}

const struct xpv_bdev_ops blk_vbd_ops = {
	.type = "vbd",
	.probe = vbd_probe,
	.connect = vbd_connect,
	.rings_changed = vbd_rings_changed,
	.disconnect = vbd_disconnect,
	.remove = vbd_remove,
	.dump = vbd_dump,
	.control = blk_vbd_control,
	.worker_init = blk_aio_init,
	.worker_exit = blk_aio_exit,
};
