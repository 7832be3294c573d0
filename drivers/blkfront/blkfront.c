// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkfront: the block frontend of the xpv port.
 *
 * One xenbus device "vbd" becomes one disk, xvd<letter>, served by
 * whatever backend the toolstack named: dom0's xen-blkback or our
 * xpv-blkback daemon, over 1..BLKFRONT_MAX_QUEUES rings (queue.c). What
 * the backend offers is used as min(ours, its): ring pages
 * (max-ring-page-order), queues (multi-queue-max-queues), pages per
 * request (feature-max-indirect-segments), flush, discard and persistent
 * grants (feature-persistent: queue.c); its disk may be read-only and
 * have 512- or 4096-byte sectors.
 *
 * xenbus, as the frontend sees it (the bus drives it from the backend's
 * state, drivers/xenbus/bus.c; the device lock serialises the calls):
 *
 *	setup       rings, grants, event channels, nodes -> Initialised
 *	connect     read the disk's size and features; add the disk, or
 *	            resume it on the new rings -> Connected
 *	disconnect  the backend closes: quiesce the disk, stop the
 *	            interrupts, hand what was in flight back to the block
 *	            layer, release the rings. The disk stays: a backend that
 *	            comes back (a restarted daemon) gets them again on its
 *	            new rings, so no acknowledged write is lost - a write is
 *	            acknowledged only once the backend answered it.
 *	remove      stop the interrupts, fail what is outstanding, then
 *	            remove the disk
 *
 * A failed device (blkfront_fail: a protocol violation, or no answer
 * within blkfront.timeout seconds) fails its requests with -EIO, writes
 * error/<nodename>/error and moves to Closing; the rest of the kernel
 * goes on.
 */
#define pr_fmt(fmt) "xpv-blkfront: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "blkfront.h"

#define BLKFRONT_MAJOR		202		/* Xen's virtual disks */
#define BLKFRONT_MINORS		16		/* partitions per disk */

unsigned int blkfront_timeout = 30;
module_param_named(timeout, blkfront_timeout, uint, 0444);
MODULE_PARM_DESC(timeout, "Seconds a request may wait for the backend before the device fails");

static unsigned int max_queues;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "Queues (rings) per disk at most (0: one per CPU), up to 4");

static unsigned int max_ring_page_order = 2;
module_param(max_ring_page_order, uint, 0444);
MODULE_PARM_DESC(max_ring_page_order, "log2 of the pages of each ring at most, up to 4");

static unsigned int max_indirect_segments = BLKFRONT_DEFAULT_INDIRECT;
module_param(max_indirect_segments, uint, 0444);
MODULE_PARM_DESC(max_indirect_segments, "Pages per request at most (indirect), up to 256 (default 32)");

static bool persistent = true;
module_param(persistent, bool, 0444);
MODULE_PARM_DESC(persistent, "Offer persistent grants (used if the backend offers them too)");

static const struct block_device_operations blkfront_fops = {
	.owner = THIS_MODULE,
};

/* ---- setup: the rings ---- */

/* An unsigned node of the backend's, @def when it has none. */
static unsigned long long backend_uint(struct blkfront *bf, const char *node,
				       unsigned long long def)
{
	unsigned long long v;

	return xpv_xs_read_uint(0, bf->xd->otherend, node, &v) ? def : v;
}

/*
 * Ring pages and queues, min(ours, the backend's); ours is a queue per
 * online CPU unless max_queues says otherwise. A disk that exists already
 * keeps its queues (blk-mq's hardware queues), whatever CPUs are online
 * now, and needs rings as deep as its tags.
 */
static int negotiate_rings(struct blkfront *bf)
{
	unsigned int order = blkfront_cap(backend_uint(bf, "max-ring-page-order", 0),
					  min(max_ring_page_order, BLKFRONT_MAX_RING_ORDER));
	unsigned int ours = bf->disk ? bf->nr_queues : max_queues ?: num_online_cpus();
	unsigned int nr = blkfront_cap(max(backend_uint(bf, "multi-queue-max-queues", 1), 1ull),
				       min(ours, BLKFRONT_MAX_QUEUES));

	if (bf->disk && (order < bf->ring_order || nr < bf->nr_queues))
		return -EPROTO;		/* the backend came back smaller */
	if (bf->disk) {
		order = bf->ring_order;
		nr = bf->nr_queues;
	}
	bf->ring_order = order;
	bf->nr_queues = nr;
	bf->depth = xpv_ring_nr_ents(PAGE_SIZE << order, BLKFRONT_RING_SLOT);
	return 0;
}

static void release_queues(struct blkfront *bf)
{
	unsigned int i;

	for (i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		blkfront_queue_release(&bf->queues[i]);
}

static int setup_queues(struct blkfront *bf)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; !rc && i < bf->nr_queues; i++)
		rc = blkfront_queue_setup(&bf->queues[i]);
	return rc;
}

/* ring-ref or ring-ref0.., event-channel of queue @q under @dir. */
static int publish_queue(struct blkfront *bf, xpv_xs_tx tx, const char *dir,
			 struct blkfront_queue *q)
{
	unsigned int i;
	int rc = 0;

	if (!bf->ring_order)
		rc = xpv_xs_printf(tx, dir, "ring-ref", "%u", q->ring_ref[0]);
	for (i = 0; !rc && bf->ring_order && i < q->nr_ring_refs; i++) {
		char node[16];

		snprintf(node, sizeof(node), "ring-ref%u", i);
		rc = xpv_xs_printf(tx, dir, node, "%u", q->ring_ref[i]);
	}
	return rc ?: xpv_xs_printf(tx, dir, "event-channel", "%u", q->port);
}

static int publish_nodes(struct blkfront *bf, xpv_xs_tx tx)
{
	const char *dir = bf->xd->nodename;
	unsigned int i;
	int rc;

	rc = xpv_xs_printf(tx, dir, "protocol", "%s", "x86_64-abi");
	if (!rc)
		rc = xpv_xs_printf(tx, dir, "feature-persistent", "%u", persistent);
	if (!rc && bf->ring_order)
		rc = xpv_xs_printf(tx, dir, "ring-page-order", "%u", bf->ring_order);
	if (!rc && bf->nr_queues == 1)
		return publish_queue(bf, tx, dir, &bf->queues[0]);
	if (!rc)
		rc = xpv_xs_printf(tx, dir, "multi-queue-num-queues", "%u", bf->nr_queues);
	for (i = 0; !rc && i < bf->nr_queues; i++) {
		char *qdir = kasprintf(GFP_KERNEL, "%s/queue-%u", dir, i);

		rc = qdir ? publish_queue(bf, tx, qdir, &bf->queues[i]) : -ENOMEM;
		kfree(qdir);
	}
	return rc;
}

static int publish(struct blkfront *bf)
{
	xpv_xs_tx tx;
	int rc;

	do {
		rc = xpv_xs_transaction_start(&tx);
		if (rc)
			return rc;
		rc = publish_nodes(bf, tx);
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

	if (bf->life != BLKFRONT_CLOSED)
		return;		/* done already: the watch repeated */
	WRITE_ONCE(bf->fail_why, NULL);
	rc = negotiate_rings(bf) ?: setup_queues(bf) ?: publish(bf);
	if (rc) {
		release_queues(bf);
		xpv_xenbus_dev_fatal(xd, rc, "setting up %u rings of %u pages",
				     bf->nr_queues, 1u << bf->ring_order);
		return;
	}
	bf->life = BLKFRONT_READY;
	xpv_xenbus_switch_state(xd, XenbusStateInitialised);
}

/* ---- connect: the disk ---- */

static void read_features(struct blkfront *bf)
{
	unsigned long long granularity = backend_uint(bf, "discard-granularity", 0);

	bf->flush = backend_uint(bf, "feature-flush-cache", 0);
	bf->discard = backend_uint(bf, "feature-discard", 0);
	bf->persistent = persistent && backend_uint(bf, "feature-persistent", 0);
	bf->discard_granularity = granularity <= (1u << 30) && is_power_of_2(granularity) ?
				  granularity : bf->sector_size;
	bf->max_segs = blkfront_cap(backend_uint(bf, "feature-max-indirect-segments", 0),
				    min(max_indirect_segments, BLKFRONT_MAX_INDIRECT));
	bf->max_segs = max_t(unsigned int, bf->max_segs, XPV_BLKIF_MAX_SEGS);
}

static int read_disk(struct blkfront *bf)
{
	const char *be = bf->xd->otherend;
	unsigned long long sectors, ssize, info;
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
	if (bf->disk && ssize != bf->sector_size)
		return -EPROTO;		/* the disk changed under its users */
	bf->sector_size = ssize;
	bf->sectors = sectors;	/* 512-byte units, whatever sector-size says */
	bf->readonly = info & XPV_VDISK_READONLY;
	read_features(bf);
	return 0;
}

/* xvda..xvdz, xvdaa.. from the index in the virtual-device number */
static void xvd_name(char *buf, size_t len, unsigned int index)
{
	if (index < 26)
		snprintf(buf, len, "xvd%c", 'a' + index);
	else
		snprintf(buf, len, "xvd%c%c", 'a' + index / 26 - 1, 'a' + index % 26);
}

/* The disk's index from 202:(disk << 4 | part) or 1 << 28 | disk << 8 | part. */
static int disk_index(struct blkfront *bf, unsigned int *index)
{
	if (bf->vdevice & (1u << 28))
		*index = (bf->vdevice & ((1u << 28) - 1)) >> 8;
	else if ((bf->vdevice >> 8) == BLKFRONT_MAJOR)
		*index = (bf->vdevice & 0xff) >> 4;
	else
		*index = UINT_MAX;	/* hd, sd: emulated disks' numbers */
	if (*index < 26 * 27 && *index * BLKFRONT_MINORS < MINORMASK)
		return 0;
	dev_err(&bf->xd->dev, "virtual-device %#x is not an xvd disk we can name\n",
		bf->vdevice);
	return -EINVAL;
}

/* What the queue accepts: the negotiated features and the disk's geometry. */
static void set_limits(struct blkfront *bf, struct request_queue *rq)
{
	blk_queue_logical_block_size(rq, bf->sector_size);
	blk_queue_physical_block_size(rq, bf->sector_size);
	blk_queue_max_hw_sectors(rq, bf->max_segs * (PAGE_SIZE >> 9));
	blk_queue_max_segments(rq, bf->max_segs);
	blk_queue_max_segment_size(rq, PAGE_SIZE);
	blk_queue_segment_boundary(rq, PAGE_SIZE - 1);
	blk_queue_write_cache(rq, bf->flush, false);
	blk_queue_max_discard_sectors(rq, bf->discard ? UINT_MAX >> 9 : 0);
	if (bf->discard)
		rq->limits.discard_granularity = bf->discard_granularity;
	set_capacity_and_notify(bf->disk, bf->sectors);
	set_disk_ro(bf->disk, bf->readonly);
}

static int alloc_tags(struct blkfront *bf)
{
	memset(&bf->tags, 0, sizeof(bf->tags));
	bf->tags.ops = &blkfront_mq_ops;
	bf->tags.nr_hw_queues = bf->nr_queues;
	bf->tags.queue_depth = bf->depth;
	bf->tags.numa_node = NUMA_NO_NODE;
	bf->tags.flags = BLK_MQ_F_SHOULD_MERGE;
	bf->tags.driver_data = bf;
	bf->tags.timeout = max(blkfront_timeout, 1u) * HZ;
	return blk_mq_alloc_tag_set(&bf->tags);
}

static void connect_queues(struct blkfront *bf, bool connected)
{
	unsigned int i;

	for (i = 0; i < bf->nr_queues; i++)
		blkfront_queue_set_connected(&bf->queues[i], connected);
}

static int create_disk(struct blkfront *bf)
{
	struct gendisk *disk;
	unsigned int index;
	int rc = disk_index(bf, &index) ?: alloc_tags(bf);

	if (rc)
		return rc;
	disk = blk_mq_alloc_disk(&bf->tags, bf);
	if (IS_ERR(disk)) {
		rc = PTR_ERR(disk);
		goto free_tags;
	}
	disk->major = BLKFRONT_MAJOR;
	disk->first_minor = index * BLKFRONT_MINORS;
	disk->minors = BLKFRONT_MINORS;
	disk->fops = &blkfront_fops;
	disk->private_data = bf;
	xvd_name(disk->disk_name, sizeof(disk->disk_name), index);
	bf->disk = disk;
	set_limits(bf, disk->queue);
	connect_queues(bf, true);	/* adding it reads the partition table */
	rc = device_add_disk(&bf->xd->dev, disk, NULL);
	if (rc)
		goto put_disk;
	return 0;

put_disk:
	connect_queues(bf, false);
	bf->disk = NULL;
	put_disk(disk);
free_tags:
	blk_mq_free_tag_set(&bf->tags);
	return rc;
}

/* The disk again, on new rings: what was handed back goes out again. */
static void resume_disk(struct blkfront *bf)
{
	set_limits(bf, bf->disk->queue);
	connect_queues(bf, true);
	if (bf->quiesced)
		blk_mq_unquiesce_queue(bf->disk->queue);
	bf->quiesced = false;
	blk_mq_kick_requeue_list(bf->disk->queue);
}

static void blkfront_connect(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);
	bool resumed = bf->disk;
	int rc;

	if (bf->life != BLKFRONT_READY)
		return;
	rc = read_disk(bf);
	if (!rc && resumed)
		resume_disk(bf);
	else if (!rc)
		rc = create_disk(bf);
	if (rc) {
		xpv_xenbus_dev_fatal(xd, rc, "connecting to the backend");
		return;
	}
	bf->life = BLKFRONT_CONNECTED;
	dev_info(&xd->dev, "%s%s: %llu sectors of %u bytes, %u queue(s), ring of %u pages, %u pages per request%s%s%s%s\n",
		 resumed ? "reconnected " : "", bf->disk->disk_name,
		 bf->sectors * 512 / bf->sector_size, bf->sector_size, bf->nr_queues,
		 1u << bf->ring_order, bf->max_segs, bf->readonly ? ", read-only" : "",
		 bf->flush ? ", flush" : "", bf->discard ? ", discard" : "",
		 bf->persistent ? ", persistent grants" : "");
	xpv_xenbus_switch_state(xd, XenbusStateConnected);
}

/* ---- disconnect, remove ---- */

static void stop_irqs(struct blkfront *bf)
{
	unsigned int i;

	for (i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		blkfront_queue_stop_irq(&bf->queues[i]);
}

/* Every queue's requests in flight, handed back (@requeue) or failed. */
static unsigned int take_back(struct blkfront *bf, bool requeue)
{
	unsigned int i, n = 0;

	for (i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		n += blkfront_queue_take_back(&bf->queues[i], requeue);
	return n;
}

/*
 * The backend closes. Its rings go; the disk waits, quiesced, for the next
 * connect with what was in flight - unless the device failed, whose
 * requests keep failing: the bus does not connect a device we gave up on
 * again, it stays until the toolstack removes it.
 */
static void blkfront_disconnect(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);
	bool failed = READ_ONCE(bf->fail_why);
	unsigned int n;

	/* queue_rq reads the slots: they go only while it cannot run */
	if (bf->disk && !bf->quiesced) {
		blk_mq_quiesce_queue(bf->disk->queue);
		bf->quiesced = true;
	}
	stop_irqs(bf);
	n = take_back(bf, !failed);
	release_queues(bf);
	if (bf->disk && failed) {
		blk_mq_unquiesce_queue(bf->disk->queue);	/* -EIO from now */
		bf->quiesced = false;
	}
	if (bf->life != BLKFRONT_CLOSED && bf->disk)
		dev_info(&xd->dev, "backend closed: %u request(s) %s\n", n,
			 failed ? "failed" : "kept for the next connection");
	bf->life = BLKFRONT_CLOSED;
}

static bool blkfront_set_up(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);

	return bf->life != BLKFRONT_CLOSED;
}

static void blkfront_fail_work(struct work_struct *work)
{
	struct blkfront *bf = container_of(work, struct blkfront, fail_work);

	xpv_xenbus_dev_fatal(bf->xd, -EIO, "%s: device failed", READ_ONCE(bf->fail_why));
}

void blkfront_init(struct blkfront *bf, struct xpv_xenbus_device *xd, unsigned int vdevice)
{
	unsigned int i;

	bf->xd = xd;
	bf->vdevice = vdevice;
	INIT_WORK(&bf->fail_work, blkfront_fail_work);
	for (i = 0; i < BLKFRONT_MAX_QUEUES; i++) {
		spin_lock_init(&bf->queues[i].lock);
		bf->queues[i].bf = bf;
		bf->queues[i].index = i;
	}
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
	blkfront_init(bf, xd, vdev);
	dev_set_drvdata(&xd->dev, bf);
	rc = xpv_xenbus_switch_state(xd, XenbusStateInitialising);
	if (rc) {
		dev_set_drvdata(&xd->dev, NULL);
		kfree(bf);
	}
	return rc;
}

/* In order: no interrupt, nothing outstanding, then no disk. */
static void blkfront_remove(struct xpv_xenbus_device *xd)
{
	struct blkfront *bf = dev_get_drvdata(&xd->dev);

	stop_irqs(bf);
	take_back(bf, false);
	if (bf->disk) {
		/* what waits in the requeue list meets !connected: -EIO */
		if (bf->quiesced)
			blk_mq_unquiesce_queue(bf->disk->queue);
		blk_mq_kick_requeue_list(bf->disk->queue);
		del_gendisk(bf->disk);
		put_disk(bf->disk);
		blk_mq_free_tag_set(&bf->tags);
	}
	cancel_work_sync(&bf->fail_work);
	release_queues(bf);
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

static int __init blkfront_module_init(void)
{
	int rc = register_blkdev(BLKFRONT_MAJOR, "xvd");

	if (rc)
		return rc;
	rc = xpv_xenbus_register_driver(&blkfront_driver);
	if (rc)
		unregister_blkdev(BLKFRONT_MAJOR, "xvd");
	return rc;
}
module_init(blkfront_module_init);
MODULE_LICENSE("GPL");
