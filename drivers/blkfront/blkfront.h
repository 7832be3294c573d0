/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the parts of drivers/blkfront: the device and its queues. */
#ifndef _XPV_BLKFRONT_H
#define _XPV_BLKFRONT_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>
#include <asm/xpv/events.h>
#include <xpv/blkif.h>
#include <xpv/blkif_front.h>
#include <xpv/grant.h>
#include <xpv/ring.h>
#include <xpv/xenbus.h>

/* What we offer at most; each is used as min(ours, the backend's). */
#define BLKFRONT_MAX_QUEUES	4
#define BLKFRONT_MAX_RING_ORDER	4		/* 16 ring pages */
#define BLKFRONT_MAX_RING_PAGES	(1u << BLKFRONT_MAX_RING_ORDER)
/* 1 MiB in one indirect request: 256 pages, named by one indirect page */
#define BLKFRONT_MAX_INDIRECT	256u
/*
 * WHY 32 by default, as Linux's blkfront: the backends' persistent grants
 * (1056 per queue) are sized for 32 slots of 32 pages plus an indirect
 * page, and a 1 MiB transfer as four requests that the backend works on
 * at once beat it as one: 1.2-1.5x in blk-front's sequential rows.
 */
#define BLKFRONT_DEFAULT_INDIRECT	32u
#define BLKFRONT_RING_SLOT	sizeof(union xpv_blkif_req)
/*
 * Persistent grants: pages a queue keeps granted at most, as many as the
 * backends keep mapped per queue (xpv-blkback -p, Linux's xen-blkback):
 * 32 requests of 32 pages with their indirect pages fit, or four of 1 MiB.
 */
#define BLKFRONT_KEPT_PER_QUEUE	1056u

/*
 * A ring slot's request and the pages granted for it: the data pages, then
 * (indirect requests) the page holding their segments. The pages are
 * allocated for the request and go with it, or (persistent grants) lent
 * by the queue's pool. Guarded by the queue's lock while rq is set;
 * before, the slot is the request's that holds its tag.
 */
struct blkfront_slot {
	struct request *rq;		/* in flight, or NULL */
	unsigned int nr_data;		/* data pages */
	unsigned int nr_pages;		/* allocated: data, then indirect */
	unsigned int nr_grants;		/* the first nr_grants pages are granted */
	bool lent;			/* the pages are the pool's, granted */
	struct page *page[BLKFRONT_MAX_INDIRECT + 1];
	grant_ref_t gref[BLKFRONT_MAX_INDIRECT + 1];
};

/* A page the pool keeps granted read-write to the backend, and its ref. */
struct blkfront_kept {
	struct page *page;
	grant_ref_t ref;
};

/*
 * One ring with its event channel, serving one blk-mq hardware queue.
 * Set up and torn down by the xenbus callbacks (serialised by the bus
 * under the device lock) with the interrupt unbound; in between, lock
 * guards the rest.
 */
struct blkfront_queue {
	struct blkfront *bf;			/* const */
	unsigned int index;			/* const */
	spinlock_t lock;			/* guards the fields below it */
	bool connected;				/* lock: requests may go on the ring */
	struct xpv_ring ring;			/* lock; broken: the queue's latch */
	struct blkfront_slot *slots;		/* lock, per ring slot id */
	struct xpv_blkfront_shadow *shadow;	/* lock, per id: in flight, operation */
	/* persistent grants: kept pages not lent, a stack of pool_max */
	struct blkfront_kept *pool;		/* lock */
	unsigned int pool_free;			/* lock: on the stack */
	unsigned int pool_kept;			/* lock: granted, lent or not */
	unsigned int pool_max;			/* lock: kept at most */
	/* set up / torn down with the interrupt unbound (device lock) */
	void *ring_pages;
	grant_ref_t ring_ref[BLKFRONT_MAX_RING_PAGES];
	unsigned int nr_ring_refs;		/* granted */
	evtchn_port_t port;
	int irq;				/* requested, or 0 */
	char irq_name[32];
};

/* The device's life, as the xenbus callbacks see it. */
enum blkfront_life {
	BLKFRONT_CLOSED,	/* no rings; the disk, if any, is quiesced */
	BLKFRONT_READY,		/* rings published, waiting for Connected */
	BLKFRONT_CONNECTED,
};

struct blkfront {
	struct xpv_xenbus_device *xd;		/* const */
	unsigned int vdevice;			/* const */
	/* the device lock (xenbus callbacks, remove) guards these */
	enum blkfront_life life;
	unsigned int nr_queues;			/* rings set up */
	unsigned int ring_order;		/* of each ring */
	unsigned int depth;			/* slots per ring */
	unsigned int max_segs;			/* data pages per request */
	unsigned int sector_size;		/* the disk's logical block size */
	u64 sectors;				/* in 512-byte units */
	bool readonly, flush;
	bool persistent;			/* both ends offer persistent grants */
	bool discard;
	unsigned int discard_granularity;	/* bytes */
	struct blk_mq_tag_set tags;
	struct gendisk *disk;			/* from the first connect to remove */
	bool quiesced;				/* the disk's queue is */
	struct blkfront_queue queues[BLKFRONT_MAX_QUEUES];	/* [nr_queues] in use */
	/*
	 * Failed (a violation, a timeout): every ring latched broken, and
	 * fail_work says so in xenstore (it sleeps). fail_why is set once,
	 * by cmpxchg, from any context; cleared by setup (device lock).
	 */
	struct work_struct fail_work;
	const char *fail_why;
};

extern unsigned int blkfront_timeout;
extern const struct blk_mq_ops blkfront_mq_ops;

void blkfront_init(struct blkfront *bf, struct xpv_xenbus_device *xd, unsigned int vdevice);
int blkfront_queue_setup(struct blkfront_queue *q);
void blkfront_queue_release(struct blkfront_queue *q);
void blkfront_queue_stop_irq(struct blkfront_queue *q);
unsigned int blkfront_queue_take_back(struct blkfront_queue *q, bool requeue);
void blkfront_queue_set_connected(struct blkfront_queue *q, bool connected);
void blkfront_fail(struct blkfront *bf, const char *why);

/*
 * A number the backend wrote, at most @cap: compared whole, before it is
 * narrowed (2^32 + 1 is more than any cap, not 1).
 */
static inline unsigned int blkfront_cap(unsigned long long v, unsigned int cap)
{
	return v < cap ? (unsigned int)v : cap;
}

#endif /* _XPV_BLKFRONT_H */
