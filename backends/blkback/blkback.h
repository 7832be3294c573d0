/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv-blkback: a blkif backend in dom0 userspace, serving image files
 * (raw, qcow2) and block devices to any blkfront (Linux's in the first
 * place).
 *
 * One struct blk_vbd per virtual disk, one struct blk_queue per ring
 * (multi-queue-num-queues of them). Requests are copied off the ring and
 * checked by lib/blkif_back.c; data moves between the guest's pages and a
 * bounce buffer, and between the buffer and the disk through its storage
 * driver (struct blk_driver: raw.c, qcow2.c, nbd.c). Guest pages are
 * reached by grant copy, or, when the frontend offers persistent grants,
 * by memcpy through its pool pages, mapped once and kept until the queue
 * goes (pgrant.c, bounded per queue; refs past the bound are copied).
 *
 * A driver with a submit op is served asynchronously when its disk says
 * how many requests may be in flight per queue (k->max_inflight, set when
 * the disk is attached to the loop): raw and qcow2 through the worker's
 * io_uring with -a N (aio.c; off by default: slower so far, see Kconfig;
 * qcow2 only for clusters already allocated, the rest synchronously once
 * the disk's I/O in flight is drained, qcow2.c), nbd through libnbd's
 * asynchronous calls (nbd.c; -N, on by default). Each
 * request in flight has its own buffer (struct blk_ioreq), and they are
 * answered in ring order (io.c); the other disks are served
 * synchronously, one request at a time, through a per-queue buffer. dom0
 * may move a running disk onto a new overlay (snapshot.c) once the disk's
 * requests in flight are drained.
 *
 * Everything runs on the event loop's thread (lib/loop.c); only the
 * kernel's io_uring workers run the asynchronous reads and writes.
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
	unsigned int nbd_retry_ms;	/* reconnect to a lost NBD server this long */
	unsigned int nbd_stall_ms;	/* a command without progress this long: lost */
	unsigned int max_inflight;	/* raw, qcow2: io_uring requests per queue; 0: sync */
	unsigned int nbd_max_inflight;	/* nbd: requests in flight per queue; 0: sync */
	unsigned int max_pgrants;	/* persistent grants per queue; 0: off */
};

extern struct blk_config blk_config;

struct blk_disk;
struct blk_ioreq;
struct iovec;
struct stat;

/*
 * A storage driver: one image format behind the request path. Offsets and
 * lengths are bytes inside the disk, already checked against its size by
 * lib/blkif_back.c; every call completes before it returns and answers 0
 * or -errno. open sizes the disk up (struct blk_disk's geometry) and says
 * in k->why why it refuses an image. attach, optional, ties an open disk
 * to the loop that serves it and sets k->max_inflight. submit, optional,
 * starts what a request still needs (raw, qcow2: on the worker's
 * io_uring, aio.c, qcow2 serving what touches metadata synchronously
 * first; nbd: libnbd's asynchronous calls) and returns at once, its end
 * reported through blk_ioreq_done(); a driver that has it is served
 * asynchronously when k->max_inflight > 0, through the synchronous calls
 * otherwise. wait blocks until some I/O it submitted ends and hands it on
 * (draining). readv and writev,
 * optional, move a request's data straight between the disk and the
 * guest's pages when they are all kept mapped (persistent grants), with
 * no bounce buffer; they consume @iov.
 */
struct blk_driver {
	const char *name;		/* the format, as the xl line spells it */
	int (*open)(struct blk_disk *k, const char *path);
	void (*close)(struct blk_disk *k);	/* optional; k->fd is closed after */
	int (*attach)(struct blk_disk *k, struct xpv_backend *be);
	int (*read)(struct blk_disk *k, void *buf, size_t len, uint64_t off);
	int (*write)(struct blk_disk *k, const void *buf, size_t len, uint64_t off);
	int (*flush)(struct blk_disk *k);
	int (*discard)(struct blk_disk *k, uint64_t off, uint64_t len);
	int (*submit)(struct blk_disk *k, struct blk_ioreq *r);
	void (*wait)(struct blk_disk *k);
	int (*readv)(struct blk_disk *k, struct iovec *iov, int n, uint64_t off);
	int (*writev)(struct blk_disk *k, struct iovec *iov, int n, uint64_t off);
};

extern const struct blk_driver blk_driver_raw, blk_driver_qcow2, blk_driver_nbd;

/* A virtual disk's store: an image of some format, or a block device. */
struct blk_disk {
	const struct blk_driver *drv;	/* NULL when closed */
	int fd;				/* the image's; -1 when closed */
	void *priv;			/* the driver's own state */
	const struct blk_disk *above;	/* the image this one backs, while
					 * opening (loops in chains); else NULL */
	uint64_t dev, ino;		/* of the open image, for loops in chains */
	unsigned int file_sector_size;	/* sector-size to present for a file */
	uint64_t nr_sectors;		/* size in 512-byte units */
	uint32_t sector_size;		/* logical, 512 or 4096 */
	uint32_t phys_sector_size;
	uint32_t discard_granularity;	/* bytes; 0: no discard here */
	bool read_only;
	unsigned int max_inflight;	/* per queue, asynchronously; 0: sync */
	unsigned int nr_aio;		/* its requests on the worker's io_uring */
	char why[160];			/* why open or a request last failed */
};

int blk_format_split(char *params, const char **fmt, const char **path);
int blk_disk_open(struct blk_disk *k, const char *fmt, const char *path,
		  bool read_only, unsigned int file_sector_size);
int blk_disk_open_backing(struct blk_disk *k, const struct blk_disk *above,
			  const char *fmt, const char *path);
int blk_disk_attach(struct blk_disk *k, struct xpv_backend *be);
void blk_disk_close(struct blk_disk *k);
void blk_disk_wait(struct blk_disk *k);
int blk_disk_read(struct blk_disk *k, void *buf, size_t len, uint64_t off);
int blk_disk_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off);
int blk_disk_readv(struct blk_disk *k, struct iovec *iov, int n, uint64_t off);
int blk_disk_writev(struct blk_disk *k, struct iovec *iov, int n, uint64_t off);
int blk_disk_flush(struct blk_disk *k);
int blk_disk_discard(struct blk_disk *k, uint64_t off, uint64_t len);
int blk_disk_snapshot(struct blk_disk *k, const char *path, struct blk_disk *top);
void blk_disk_switch(struct blk_disk *k, struct blk_disk *top);
int qcow2_check_overlay(struct blk_disk *k, const struct blk_disk *below);

/* For the drivers. */
int blk_disk_why(struct blk_disk *k, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int blk_open_fd(struct blk_disk *k, const char *path, struct stat *st);
int blk_pread_full(int fd, void *buf, size_t len, uint64_t off);
int blk_pwrite_full(int fd, const void *buf, size_t len, uint64_t off);
int blk_preadv_full(int fd, struct iovec *iov, int n, uint64_t off);
int blk_pwritev_full(int fd, struct iovec *iov, int n, uint64_t off);
int blk_fd_flush(struct blk_disk *k);
int blk_punch(int fd, uint64_t off, uint64_t len);
bool blk_can_punch(int fd, uint64_t size);

struct blk_stats {
	uint64_t requests;		/* taken off the ring */
	uint64_t indirect;		/* of which indirect, past the slot's checks */
	uint64_t bad[XPV_BLKBACK_NR_VERDICTS];	/* refused, by verdict */
	uint64_t grant_errors;		/* grant copy failed */
	uint64_t disk_errors;		/* the disk failed a request */
	uint64_t broken;		/* ring protocol violations */
	uint64_t reads, writes;		/* answered OKAY, by operation */
	uint64_t flushes, discards;
	uint64_t pgrants;		/* persistent grants mapped */
	uint64_t pgrants_refused;	/* and refs that would not map */
	uint64_t direct;		/* requests moved with no bounce buffer */
};

struct blk_vbd;

/*
 * A piece of a request's bounce buffer and where it goes in the disk's
 * file (aio.c): raw has one, a qcow2 request one per run of contiguous
 * host clusters.
 */
struct blk_extent {
	struct blk_ioreq *r;		/* the request it belongs to */
	uint64_t off;			/* in the file */
	uint32_t at;			/* in r->buf */
	uint32_t len;			/* bytes */
	uint32_t done;			/* of them, done (short I/O goes on) */
};

/* Extents of one request at most; a qcow2 request needing more: sync. */
#define BLK_EXTENTS	16

/*
 * A request in flight on the asynchronous path: taken off the ring,
 * checked, its I/O started by the driver's submit op (the worker's
 * io_uring, or NBD commands). Slots of a queue are used in ring order and
 * answered in that order (io.c). Loop thread only.
 */
struct blk_ioreq {
	struct blk_queue *q;
	struct xpv_blkback_req req;	/* checked */
	struct xpv_blkback_seg *segs;	/* its segments, q->max_segs of them */
	uint8_t *buf;			/* its bounce buffer, from start to answer */
	size_t buf_len;			/* buf's size, a page multiple >= len */
	size_t len;			/* bytes to read or write */
	struct blk_extent ext[BLK_EXTENTS];	/* io_uring: where the bytes go */
	unsigned int nr_ext;		/* of them, in use */
	unsigned int pending;		/* SQEs submitted, CQE not yet reaped;
					 * nbd: 1 until its command is answered */
	bool synced;			/* FLUSH: fsync done; DISCARD: punched */
	bool busy;			/* I/O not finished */
	bool finished;			/* status final, waits for earlier ones */
	int err;			/* the first failure */
	s16 status;
};

struct blk_pgrant;
struct blk_pregion;

/* Bounce buffers an asynchronous queue keeps for its next requests. */
#define BLK_SPARE_BUFS 8

/* A queue's persistent grants (pgrant.c): mapped once, kept till it goes. */
struct blk_pgrants {
	struct blk_pgrant *slots;	/* by ref, open addressing; NULL: off */
	unsigned int mask;		/* slots - 1 */
	unsigned int nr, max;		/* pages mapped; at most */
	unsigned int failed;		/* refs that did not map */
	struct blk_pregion *regions;	/* what each map call mapped */
	unsigned int nr_regions;
	uint32_t *want;			/* scratch: refs to map, max_segs */
};

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
	struct iovec *iov;		/* one per segment: kept pages, direct */
	unsigned int max_segs;
	struct blk_ioreq *slots;	/* async: a ring of max_inflight; or NULL */
	unsigned int max_inflight;
	unsigned int head;		/* oldest unanswered slot */
	unsigned int nr_inflight;	/* slots taken from head on */
	unsigned int nr_busy;		/* of them, with I/O not finished */
	size_t buf_bytes;		/* their bounce buffers, together */
	uint8_t *spare[BLK_SPARE_BUFS];	/* answered requests' buffers, kept */
	size_t spare_len[BLK_SPARE_BUFS];	/* their sizes */
	unsigned int nr_spare;
	size_t spare_bytes;		/* together, at most INFLIGHT_BYTES */
	bool stalled;			/* stopped at max_inflight: run again */
	struct blk_pgrants pgrants;	/* when the frontend offers them */
	struct blk_stats stats;
};

struct blk_vbd {
	struct xpv_bdev *dev;
	struct blk_disk disk;
	bool discard;			/* advertised */
	bool persistent;		/* feature-persistent, both ends */
	struct xpv_blkback_geom geom;	/* negotiated at connect */
	unsigned int nr_queues;
	struct blk_queue *queues;	/* NULL when not connected */
	struct blk_stats closed;	/* counters of queues already freed */
};

extern const struct xpv_bdev_ops blk_vbd_ops;

/* snapshot.c: dom0's requests in the backend dir */
char *blk_vbd_image(struct xpv_bdev *d);
void blk_vbd_control(struct xpv_bdev *d);

int blk_queue_alloc(struct blk_queue *q, unsigned int max_segs,
		    unsigned int max_inflight);
void blk_queue_free(struct blk_queue *q);
bool blk_queue_handler(struct xpv_evt *e);
s16 blk_handle(struct blk_queue *q, const union xpv_blkif_req *wire,
	       struct xpv_blkback_req *req);
void blk_ioreq_done(struct blk_ioreq *r);
void blk_queue_drain(struct blk_queue *q);
void blk_vbd_drain(struct blk_vbd *v);

/* pgrant.c */
int blk_pgrant_init(struct blk_queue *q, unsigned int max);
void blk_pgrant_free(struct blk_queue *q);
void blk_pgrant_prepare(struct blk_queue *q, const struct xpv_blkback_seg *segs,
			unsigned int n);
uint8_t *blk_pgrant_page(struct blk_queue *q, uint32_t ref);

/* aio.c: the worker's io_uring */
int blk_aio_init(struct xpv_backend *be);
void blk_aio_exit(struct xpv_backend *be);
bool blk_aio_ready(void);
int blk_aio_attach(struct blk_disk *k, struct xpv_backend *be);
int blk_aio_submit(struct blk_disk *k, struct blk_ioreq *r);
int blk_aio_submit_fd(struct blk_disk *k, struct blk_ioreq *r);
void blk_aio_flush(void);
void blk_aio_wait(void);
void blk_aio_disk_wait(struct blk_disk *k);
/* tests: see a CQE before it counts (may change its result); true
 * holds it until blk_aio_test_release() */
enum blk_aio_what { BLK_AIO_DATA, BLK_AIO_SYNC, BLK_AIO_PUNCH };
extern bool (*blk_aio_test_hook)(struct blk_ioreq *r, enum blk_aio_what what,
				 int *res);
void blk_aio_test_release(void);
struct io_uring *blk_aio_test_ring(void);

/* nbd.c, tests: each command as it is issued, with how many were on the
 * connection before it; an answer to a request kept back while the hold
 * hook says true, until blk_nbd_test_release() */
enum blk_nbd_op { BLK_NBD_READ, BLK_NBD_WRITE, BLK_NBD_FLUSH, BLK_NBD_TRIM };
extern void (*blk_nbd_test_issue)(enum blk_nbd_op op, unsigned int on_connection);
extern bool (*blk_nbd_test_hold)(const struct blk_ioreq *r);
void blk_nbd_test_release(struct blk_disk *k);

#endif /* XPV_BLKBACK_H */
