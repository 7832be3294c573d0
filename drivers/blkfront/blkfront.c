// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkfront: the block frontend of the xpv port.
 *
 * One xenbus device "vbd" becomes one disk, xvd<letter>, served over one
 * shared ring (one page) by whatever backend the toolstack named: dom0's
 * xen-blkback or our xpv-blkback daemon.
 *
 * Data never goes to the backend in the pages the block layer gave us:
 * each ring slot owns BLKFRONT_MAX_SEGS bounce pages, and a request's
 * bytes are packed into them (copied in for a write, out after a read).
 * The backend thus sees whole pages holding only the request's data, and
 * the grants of a slot are the same pages every time. A request is at
 * most BLKFRONT_MAX_SEGS pages long; the queue's limits say so.
 *
 * The backend is not trusted (XSA-376/391): lib/ring.c copies each
 * response out of the ring after checking the indices, and lib's
 * blkif_front judges it against our shadow of the slots: a response is
 * taken only if its id names a request in flight with the same
 * operation. Anything else latches the ring broken (the ring's own latch,
 * the only one): every request in flight and every later one fails with
 * an I/O error.
 *
 * xenbus, as the frontend sees it (the bus drives it from the backend's
 * state, drivers/xenbus/bus.c):
 *
 *	setup       ring, grants, event channel, nodes -> Initialised
 *	connect     read the disk's size and features, add it -> Connected
 *	disconnect  take the disk away, release the ring (the bus: -> Closed)
 */
#define pr_fmt(fmt) "xpv-blkfront: " fmt

#include <linux/kernel.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/xpv/events.h>
#include <xpv/blkif.h>
#include <xpv/blkif_front.h>
#include <xpv/grant.h>
#include <xpv/ring.h>
#include <xpv/xenbus.h>

#define BLKFRONT_MAJOR		202		/* Xen's virtual disks */
#define BLKFRONT_MINORS		16		/* partitions per disk */
#define BLKFRONT_MAX_SEGS	XPV_BLKIF_MAX_SEGS
#define BLKFRONT_RING_BYTES	PAGE_SIZE
#define BLKFRONT_RING_SLOT	sizeof(union xpv_blkif_req)

/* A ring slot's request and pages; whether it is in flight is the shadow's. */
struct blkfront_slot {
	struct request *rq;		/* in flight, or NULL */
	unsigned int nr_segs;
	struct page *bounce[BLKFRONT_MAX_SEGS];
	grant_ref_t gref[BLKFRONT_MAX_SEGS];	/* granted while in flight */
};

struct blkfront {
	struct xpv_xenbus_device *xd;
	spinlock_t lock;		/* ring, slots, shadow */
	struct xpv_ring ring;		/* broken: its latch is the device's */
	void *ring_page;
	int ring_ref;
	evtchn_port_t port;
	int irq;
	unsigned int depth;		/* slots: what the ring holds */
	struct blkfront_slot *slots;
	struct xpv_blkfront_shadow *shadow;	/* per slot: in flight, operation */

	unsigned int vdevice;
	unsigned int sector_size;	/* the disk's logical block size */
	u64 sectors;			/* in 512-byte units */
	bool readonly, flush;
	struct blk_mq_tag_set tags;
	struct gendisk *disk;
	bool connected;
};

static const struct block_device_operations blkfront_fops = {
	.owner = THIS_MODULE,
};

/* ---- requests ---- */

/* Copy the request's bytes into (@in) or out of the slot's bounce pages. */
static void bounce_copy(struct request *rq, struct blkfront_slot *s, bool in)
{
	struct req_iterator iter;
	struct bio_vec bv;
	size_t off = 0;

	rq_for_each_segment(bv, rq, iter) {
		size_t done = 0;

		while (done < bv.bv_len) {
			char *b = page_address(s->bounce[off / PAGE_SIZE]) + off % PAGE_SIZE;
			size_t n = min_t(size_t, bv.bv_len - done, PAGE_SIZE - off % PAGE_SIZE);
			char *p = bvec_kmap_local(&bv);

			if (in)
				memcpy(b, p + done, n);
			else
				memcpy(p + done, b, n);
			kunmap_local(p);
			done += n;
			off += n;
		}
	}
}

/*
 * slot_ungrant - end the slot's grants
 *
 * WHY: a backend may keep mapping a page after it answered (XSA-396). Such
 * a page is given up to the grant table, which frees it only once the
 * backend lets go, and a zeroed page takes its place: the next request
 * must not grant the backend a page that held other data. What the page
 * holds now is the backend's to change at any time, so the request fails.
 *
 * Return: 0; -EBUSY when a page was still mapped (and replaced); -ENOMEM
 * when a replacement could not be had (the slot has a NULL bounce page and
 * must not be used again).
 */
static int slot_ungrant(struct blkfront_slot *s)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < s->nr_segs; i++) {
		if (xpv_gnttab_end(s->gref[i]))
			continue;
		xpv_gnttab_end_free_page(s->gref[i], s->bounce[i]);
		s->bounce[i] = alloc_page(GFP_ATOMIC | __GFP_ZERO);
		if (rc != -ENOMEM)
			rc = s->bounce[i] ? -EBUSY : -ENOMEM;
	}
	s->nr_segs = 0;
	return rc;
}

/* End the slot's grants; the status its request may complete with. */
static blk_status_t slot_finish(struct blkfront *bf, struct blkfront_slot *s,
				blk_status_t status)
{
	int rc = slot_ungrant(s);

	if (!rc)
		return status;
	dev_warn_ratelimited(&bf->xd->dev,
			     "backend still maps a page of a finished request: failed\n");
	if (rc == -ENOMEM)
		xpv_ring_set_broken(&bf->ring);	/* a slot without pages: stop */
	return BLK_STS_IOERR;
}

static void slot_complete(struct blkfront *bf, struct blkfront_slot *s,
			  blk_status_t status)
{
	struct request *rq = s->rq;

	status = slot_finish(bf, s, status);
	if (status == BLK_STS_OK && req_op(rq) == REQ_OP_READ)
		bounce_copy(rq, s, false);
	s->rq = NULL;
	blk_mq_end_request(rq, status);
}

static void fail_all(struct blkfront *bf)
{
	unsigned int i;

	for (i = 0; i < bf->depth; i++) {
		bf->shadow[i].in_flight = false;
		if (bf->slots[i].rq)
			slot_complete(bf, &bf->slots[i], BLK_STS_IOERR);
	}
}

static blk_status_t status_of(struct blkfront *bf, enum xpv_blkfront_verdict v,
			      const struct xpv_blkif_rsp *rsp)
{
	switch (v) {
	case XPV_BLKFRONT_RSP_OKAY:
		return BLK_STS_OK;
	case XPV_BLKFRONT_RSP_NOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		dev_err_ratelimited(&bf->xd->dev, "backend: %s %d on operation %u\n",
				    xpv_blkfront_verdict_name(v), rsp->status,
				    rsp->operation);
		return BLK_STS_IOERR;
	}
}

/* Take every response there is; false when the backend broke the protocol. */
static bool take_responses(struct blkfront *bf)
{
	/* the ring copies out a whole slot, which is a request's size */
	union {
		struct xpv_blkif_rsp rsp;
		union xpv_blkif_req slot;
	} buf;
	struct xpv_blkif_rsp *rsp = &buf.rsp;
	enum xpv_blkfront_verdict v;
	int rc;

	do {
		while ((rc = xpv_ring_consume(&bf->ring, &buf)) == 1) {
			v = xpv_blkfront_check(bf->shadow, bf->depth, rsp);
			if (xpv_blkfront_violation(v)) {
				dev_err(&bf->xd->dev,
					"backend answered id %llu, op %u: %s: device broken\n",
					rsp->id, rsp->operation, xpv_blkfront_verdict_name(v));
				xpv_ring_set_broken(&bf->ring);
				return false;
			}
			slot_complete(bf, &bf->slots[rsp->id], status_of(bf, v, rsp));
		}
	} while (rc == 0 && xpv_ring_final_check(&bf->ring));
	if (rc < 0)
		dev_err(&bf->xd->dev, "backend broke the ring: device broken\n");
	return rc == 0 && !xpv_ring_is_broken(&bf->ring);
}

static irqreturn_t blkfront_interrupt(int irq, void *data)
{
	struct blkfront *bf = data;
	unsigned long flags;

	spin_lock_irqsave(&bf->lock, flags);
	if (bf->connected && !xpv_ring_is_broken(&bf->ring) && !take_responses(bf))
		fail_all(bf);
	spin_unlock_irqrestore(&bf->lock, flags);
	if (bf->disk)
		blk_mq_start_stopped_hw_queues(bf->disk->queue, true);
	return IRQ_HANDLED;
}

static u8 operation_of(struct request *rq)
{
	switch (req_op(rq)) {
	case REQ_OP_READ:
		return XPV_BLKIF_OP_READ;
	case REQ_OP_WRITE:
		return XPV_BLKIF_OP_WRITE;
	case REQ_OP_FLUSH:
		return XPV_BLKIF_OP_FLUSH_DISKCACHE;
	default:
		return 0xff;
	}
}

/* Fill the ring slot for @rq in slot @id; false when a grant failed. */
static bool build_request(struct blkfront *bf, struct request *rq, unsigned int id,
			  union xpv_blkif_req *req)
{
	struct blkfront_slot *s = &bf->slots[id];
	unsigned int bytes = blk_rq_bytes(rq), i;
	bool write = req_op(rq) == REQ_OP_WRITE;

	s->nr_segs = DIV_ROUND_UP(bytes, PAGE_SIZE);
	memset(req, 0, sizeof(*req));
	req->rw.operation = operation_of(rq);
	req->rw.handle = bf->vdevice;
	req->rw.id = id;
	req->rw.sector_number = blk_rq_pos(rq);
	req->rw.nr_segments = s->nr_segs;
	if (write)
		bounce_copy(rq, s, true);
	for (i = 0; i < s->nr_segs; i++) {
		unsigned int len = min_t(unsigned int, bytes - i * PAGE_SIZE, PAGE_SIZE);
		int ref = xpv_gnttab_grant_page(bf->xd->otherend_id, s->bounce[i], write);

		if (ref < 0) {
			s->nr_segs = i;
			slot_ungrant(s);	/* not yet sent: nothing maps them */
			return false;
		}
		s->gref[i] = ref;
		req->rw.seg[i].gref = ref;
		req->rw.seg[i].first_sect = 0;
		req->rw.seg[i].last_sect = (len >> XPV_BLKIF_SECTOR_SHIFT) - 1;
	}
	return true;
}

static blk_status_t blkfront_queue_rq(struct blk_mq_hw_ctx *hctx,
				      const struct blk_mq_queue_data *bd)
{
	struct blkfront *bf = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	union xpv_blkif_req req;
	unsigned long flags;
	unsigned int id = rq->tag;

	if (operation_of(rq) == 0xff)
		return BLK_STS_NOTSUPP;
	if (blk_rq_bytes(rq) > BLKFRONT_MAX_SEGS * PAGE_SIZE || id >= bf->depth)
		return BLK_STS_IOERR;	/* the queue's limits forbid both */
	blk_mq_start_request(rq);
	spin_lock_irqsave(&bf->lock, flags);
	if (xpv_ring_is_broken(&bf->ring) || !bf->connected) {
		spin_unlock_irqrestore(&bf->lock, flags);
		return BLK_STS_IOERR;
	}
	/* built aside, then copied into the ring: a failed grant costs no slot */
	if (!xpv_ring_free_slots(&bf->ring) || bf->slots[id].rq ||
	    !build_request(bf, rq, id, &req)) {
		spin_unlock_irqrestore(&bf->lock, flags);
		blk_mq_stop_hw_queue(hctx);
		return BLK_STS_DEV_RESOURCE;
	}
	memcpy(xpv_ring_produce(&bf->ring), &req, sizeof(req));
	bf->slots[id].rq = rq;
	/* free: the block layer gives a tag to one request at a time */
	xpv_blkfront_start(bf->shadow, bf->depth, id, req.rw.operation);
	if (xpv_ring_push(&bf->ring))
		xpv_evtchn_notify(bf->port);
	spin_unlock_irqrestore(&bf->lock, flags);
	return BLK_STS_OK;
}

static const struct blk_mq_ops blkfront_mq_ops = {
	.queue_rq = blkfront_queue_rq,
};

/* ---- connecting ---- */

static void free_slots(struct blkfront *bf)
{
	unsigned int i, j;

	kfree(bf->shadow);
	bf->shadow = NULL;
	if (!bf->slots)
		return;
	for (i = 0; i < bf->depth; i++)
		for (j = 0; j < BLKFRONT_MAX_SEGS; j++)
			if (bf->slots[i].bounce[j])
				__free_page(bf->slots[i].bounce[j]);
	kfree(bf->slots);
	bf->slots = NULL;
}

static int alloc_slots(struct blkfront *bf)
{
	unsigned int i, j;

	bf->slots = kcalloc(bf->depth, sizeof(*bf->slots), GFP_KERNEL);
	bf->shadow = kcalloc(bf->depth, sizeof(*bf->shadow), GFP_KERNEL);
	if (!bf->slots || !bf->shadow)
		return -ENOMEM;
	for (i = 0; i < bf->depth; i++)
		for (j = 0; j < BLKFRONT_MAX_SEGS; j++) {
			bf->slots[i].bounce[j] = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!bf->slots[i].bounce[j])
				return -ENOMEM;
		}
	return 0;
}

/* The ring page, granted; the event channel; the slots. */
static int setup_ring(struct blkfront *bf)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	int rc;

	if (!page)
		return -ENOMEM;
	bf->ring_page = page_address(page);
	rc = xpv_ring_init_front(&bf->ring, bf->ring_page, BLKFRONT_RING_BYTES,
				 BLKFRONT_RING_SLOT);
	if (rc)
		return rc;
	bf->depth = bf->ring.nr_ents;
	rc = alloc_slots(bf);
	if (rc)
		return rc;
	bf->ring_ref = xpv_gnttab_grant_page(bf->xd->otherend_id, page, false);
	if (bf->ring_ref < 0)
		return bf->ring_ref;
	rc = xpv_evtchn_alloc_unbound(bf->xd->otherend_id);
	if (rc < 0)
		return rc;
	bf->port = rc;
	bf->irq = xpv_evtchn_bind_irq(bf->port);
	if (bf->irq < 0)
		return bf->irq;
	return request_irq(bf->irq, blkfront_interrupt, 0, dev_name(&bf->xd->dev), bf);
}

static void release_ring(struct blkfront *bf)
{
	if (bf->irq > 0) {
		free_irq(bf->irq, bf);
		bf->irq = 0;
	}
	if (bf->port) {
		xpv_evtchn_close(bf->port);
		bf->port = 0;
	}
	if (bf->ring_ref > 0) {
		xpv_gnttab_end_free_page(bf->ring_ref, virt_to_page(bf->ring_page));
		bf->ring_ref = 0;
	} else if (bf->ring_page) {
		free_page((unsigned long)bf->ring_page);
	}
	bf->ring_page = NULL;
	free_slots(bf);
}

static int publish(struct blkfront *bf)
{
	const char *dir = bf->xd->nodename;
	xpv_xs_tx tx;
	int rc;

	do {
		rc = xpv_xs_transaction_start(&tx);
		if (rc)
			return rc;
		rc = xpv_xs_printf(tx, dir, "ring-ref", "%d", bf->ring_ref) ?:
		     xpv_xs_printf(tx, dir, "event-channel", "%u", bf->port) ?:
		     xpv_xs_printf(tx, dir, "protocol", "%s", "x86_64-abi");
		if (rc) {
			xpv_xs_transaction_end(tx, true);
			return rc;
		}
		rc = xpv_xs_transaction_end(tx, false);
	} while (rc == -EAGAIN);
	return rc;
}

static void blkfront_setup(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);
	int rc;

	if (bf->ring_page)
		return;		/* done already: the watch repeated */
	rc = setup_ring(bf) ?: publish(bf);
	if (rc) {
		dev_err(&bf->xd->dev, "cannot set up the ring: %d\n", rc);
		release_ring(bf);
		xpv_xenbus_switch_state(bf->xd, XenbusStateClosing);
		return;
	}
	xpv_xenbus_switch_state(bf->xd, XenbusStateInitialised);
}

/* xvda..xvdz, xvdaa.. from the index in the virtual-device number */
static void xvd_name(char *buf, size_t len, unsigned int index)
{
	if (index < 26)
		snprintf(buf, len, "xvd%c", 'a' + index);
	else
		snprintf(buf, len, "xvd%c%c", 'a' + index / 26 - 1, 'a' + index % 26);
}

static int read_disk(struct blkfront *bf)
{
	const char *be = bf->xd->otherend;
	unsigned long long sectors, ssize, info, flush = 0;
	int rc;

	rc = xpv_xs_read_uint(0, be, "sectors", &sectors) ?:
	     xpv_xs_read_uint(0, be, "sector-size", &ssize) ?:
	     xpv_xs_read_uint(0, be, "info", &info);
	if (rc)
		return rc;
	if (ssize != 512 && ssize != 4096) {
		dev_err(&bf->xd->dev, "backend says sector-size %llu\n", ssize);
		return -EINVAL;
	}
	xpv_xs_read_uint(0, be, "feature-flush-cache", &flush);
	bf->sector_size = ssize;
	bf->sectors = sectors;	/* 512-byte units, whatever sector-size says */
	bf->readonly = info & XPV_VDISK_READONLY;
	bf->flush = flush;
	return 0;
}

static int create_disk(struct blkfront *bf)
{
	struct gendisk *disk;
	unsigned int index;
	int rc;

	/* 202:(disk << 4 | partition), or 1 << 28 | disk << 8 | partition */
	if (bf->vdevice & (1u << 28))
		index = (bf->vdevice & ((1u << 28) - 1)) >> 8;
	else if ((bf->vdevice >> 8) == BLKFRONT_MAJOR)
		index = (bf->vdevice & 0xff) >> 4;
	else
		index = UINT_MAX;	/* hd, sd: emulated disks' numbers */
	if (index >= 26 * 27 || index * BLKFRONT_MINORS >= MINORMASK) {
		dev_err(&bf->xd->dev, "virtual-device %#x is not an xvd disk we can name\n",
			bf->vdevice);
		return -EINVAL;
	}
	memset(&bf->tags, 0, sizeof(bf->tags));
	bf->tags.ops = &blkfront_mq_ops;
	bf->tags.nr_hw_queues = 1;
	bf->tags.queue_depth = bf->depth;
	bf->tags.numa_node = NUMA_NO_NODE;
	bf->tags.flags = BLK_MQ_F_SHOULD_MERGE;
	rc = blk_mq_alloc_tag_set(&bf->tags);
	if (rc)
		return rc;
	disk = blk_mq_alloc_disk(&bf->tags, bf);
	if (IS_ERR(disk)) {
		blk_mq_free_tag_set(&bf->tags);
		return PTR_ERR(disk);
	}
	disk->major = BLKFRONT_MAJOR;
	disk->first_minor = index * BLKFRONT_MINORS;
	disk->minors = BLKFRONT_MINORS;
	disk->fops = &blkfront_fops;
	disk->private_data = bf;
	xvd_name(disk->disk_name, sizeof(disk->disk_name), index);
	blk_queue_logical_block_size(disk->queue, bf->sector_size);
	blk_queue_physical_block_size(disk->queue, bf->sector_size);
	blk_queue_max_hw_sectors(disk->queue, BLKFRONT_MAX_SEGS * (PAGE_SIZE >> 9));
	blk_queue_max_segments(disk->queue, BLKFRONT_MAX_SEGS);
	blk_queue_max_segment_size(disk->queue, PAGE_SIZE);
	blk_queue_segment_boundary(disk->queue, PAGE_SIZE - 1);
	blk_queue_write_cache(disk->queue, bf->flush, false);
	set_capacity(disk, bf->sectors);
	set_disk_ro(disk, bf->readonly);
	bf->disk = disk;
	bf->connected = true;
	rc = device_add_disk(&bf->xd->dev, disk, NULL);
	if (rc) {
		bf->connected = false;
		put_disk(disk);
		blk_mq_free_tag_set(&bf->tags);
		bf->disk = NULL;
		return rc;
	}
	dev_info(&bf->xd->dev, "%s: %llu sectors of %u bytes%s%s\n", disk->disk_name,
		 bf->sectors * 512 / bf->sector_size, bf->sector_size,
		 bf->readonly ? ", read-only" : "", bf->flush ? ", flush" : "");
	return 0;
}

static void blkfront_connect(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);
	int rc;

	if (bf->connected || !bf->ring_page)
		return;
	rc = read_disk(bf) ?: create_disk(bf);
	if (rc) {
		dev_err(&bf->xd->dev, "cannot connect: %d\n", rc);
		xpv_xenbus_switch_state(bf->xd, XenbusStateClosing);
		return;
	}
	xpv_xenbus_switch_state(bf->xd, XenbusStateConnected);
}

static void blkfront_disconnect(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);
	unsigned long flags;

	if (bf->disk) {
		spin_lock_irqsave(&bf->lock, flags);
		bf->connected = false;
		fail_all(bf);
		spin_unlock_irqrestore(&bf->lock, flags);
		del_gendisk(bf->disk);
		put_disk(bf->disk);
		blk_mq_free_tag_set(&bf->tags);
		bf->disk = NULL;
	}
	release_ring(bf);
}

static bool blkfront_set_up(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);

	return bf->ring_page;
}

static int blkfront_probe(struct xpv_xenbus_device *xd)
{
	unsigned long long vdev;
	struct blkfront *bf;
	int rc;

	rc = xpv_xs_read_uint(0, xd->nodename, "virtual-device", &vdev);
	if (rc) {
		dev_err(&xd->dev, "no virtual-device: %d\n", rc);
		return rc;
	}
	bf = kzalloc(sizeof(*bf), GFP_KERNEL);
	if (!bf)
		return -ENOMEM;
	spin_lock_init(&bf->lock);
	bf->xd = xd;
	bf->vdevice = vdev;
	dev_set_drvdata(&xd->dev, bf);
	return xpv_xenbus_switch_state(xd, XenbusStateInitialising);
}

static void blkfront_remove(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);

	blkfront_disconnect(xd);
	kfree(bf);
}

static struct xpv_xenbus_driver blkfront_driver = {
	.type = "vbd",
	.probe = blkfront_probe,
	.remove = blkfront_remove,
	.setup = blkfront_setup,
	.connect = blkfront_connect,
	.disconnect = blkfront_disconnect,
	.set_up = blkfront_set_up,
	.driver = { .name = "xpv-blkfront" },
};

static int __init blkfront_init(void)
{
	int rc = register_blkdev(BLKFRONT_MAJOR, "xvd");

	if (rc)
		return rc;
	rc = xpv_xenbus_register_driver(&blkfront_driver);
	if (rc)
		unregister_blkdev(BLKFRONT_MAJOR, "xvd");
	return rc;
}
module_init(blkfront_init);
MODULE_LICENSE("GPL");

#if IS_ENABLED(CONFIG_XPV_BLKFRONT_KUNIT_TEST)
#include "blkfront_test.c"
#endif
