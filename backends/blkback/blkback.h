/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv-blkback: a blkif backend in dom0 userspace, serving raw image files
 * and block devices to any blkfront (Linux's in the first place).
 *
 * One struct blk_vbd per virtual disk, one struct blk_queue per ring
 * (multi-queue-num-queues of them). Requests are copied off the ring,
 * checked by lib/blkif_back.c, and served synchronously: data moves
 * between the guest's granted pages and a per-queue bounce buffer by grant
 * copy, and between the buffer and the disk by pread/pwrite. Grant copy
 * rather than persistent grants: no guest-controlled mapping state lives
 * in the daemon (nothing to leak or to unmap when a guest dies mid-I/O),
 * and one hypercall per request costs less than map + unmap would.
 *
 * Everything runs on the event loop's thread (lib/loop.c).
 */
#ifndef XPV_BLKBACK_H
#define XPV_BLKBACK_H

#include <stdbool.h>
#include <stdint.h>

#include <xpv/blkif_back.h>
#include <xpv/ring.h>
#include <xpvback/backend.h>

/* What the daemon offers every disk (command line over Kconfig). */
struct blk_config {
	unsigned int max_queues;	/* multi-queue-max-queues */
	unsigned int max_indirect_segs;	/* feature-max-indirect-segments, 0: off */
	unsigned int file_sector_size;	/* sector-size of image files */
	bool discard;			/* offer feature-discard where it works */
};

extern struct blk_config blk_config;

/* The backing store: an image file or a block device. */
struct blk_disk {
	int fd;				/* -1 when closed */
	uint64_t nr_sectors;		/* size in 512-byte units */
	uint32_t sector_size;		/* logical, 512 or 4096 */
	uint32_t phys_sector_size;
	uint32_t discard_granularity;	/* bytes; 0: no discard here */
	bool read_only;
};

int blk_disk_open(struct blk_disk *k, const char *path, bool read_only,
		  unsigned int file_sector_size);
void blk_disk_close(struct blk_disk *k);
int blk_disk_read(struct blk_disk *k, void *buf, size_t len, uint64_t off);
int blk_disk_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off);
int blk_disk_flush(struct blk_disk *k);
int blk_disk_discard(struct blk_disk *k, uint64_t off, uint64_t len);

struct blk_stats {
	uint64_t requests;		/* taken off the ring */
	uint64_t indirect;		/* of which indirect, past the slot's checks */
	uint64_t bad[XPV_BLKBACK_NR_VERDICTS];	/* refused, by verdict */
	uint64_t grant_errors;		/* grant copy failed */
	uint64_t disk_errors;		/* the disk failed a request */
	uint64_t broken;		/* ring protocol violations */
	uint64_t reads, writes;		/* answered OKAY, by operation */
	uint64_t flushes, discards;
};

struct blk_vbd;

struct blk_queue {
	struct blk_vbd *vbd;
	unsigned int index;
	struct xpv_ring_map map;	/* the shared pages */
	struct xpv_ring ring;		/* our end of them */
	uint32_t remote_port;		/* the frontend's event channel */
	struct xpv_evt *evt;
	uint8_t *buf;			/* bounce buffer, max_segs pages */
	struct xpv_blkback_seg *segs;	/* checked segments, max_segs */
	struct xpv_blkif_seg *indirect;	/* copy of a request's indirect pages */
	struct xpv_gnt_copy *copies;	/* one per segment */
	unsigned int max_segs;
	struct blk_stats stats;
};

struct blk_vbd {
	struct xpv_bdev *dev;
	struct blk_disk disk;
	bool discard;			/* advertised */
	struct xpv_blkback_geom geom;	/* negotiated at connect */
	unsigned int nr_queues;
	struct blk_queue *queues;	/* NULL when not connected */
	struct blk_stats closed;	/* counters of queues already freed */
};

extern const struct xpv_bdev_ops blk_vbd_ops;

int blk_queue_alloc(struct blk_queue *q, unsigned int max_segs);
void blk_queue_free(struct blk_queue *q);
bool blk_queue_handler(struct xpv_evt *e);
s16 blk_handle(struct blk_queue *q, const union xpv_blkif_req *wire,
	       struct xpv_blkback_req *req);

#endif /* XPV_BLKBACK_H */
