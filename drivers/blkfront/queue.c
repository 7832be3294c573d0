// SPDX-License-Identifier: GPL-2.0-only
/*
 * blkfront's queues: one shared ring of 2^ring_order pages and one event
 * channel per blk-mq hardware queue; a request's tag is its ring slot id.
 *
 * Data never goes to the backend in the pages the block layer gave us: a
 * request's bytes are packed into bounce pages, copied in for a write and
 * out after a read, so the backend sees only the disk's data. Without
 * persistent grants those are zeroed pages of the request's own, granted
 * for it and freed after it. With them (both ends offer feature-persistent)
 * they are lent by the queue's pool: pages zeroed and granted read-write
 * once, kept until the queue is released, which the backend maps once and
 * keeps mapped (every ref a request names, so every page of the request
 * comes from the pool, its indirect page too). The pool grows as requests
 * need, up to BLKFRONT_KEPT_PER_QUEUE pages; a request it cannot serve now
 * waits for one in flight to give its pages back. Pool pages only ever
 * hold this disk's data. A request of at most XPV_BLKIF_MAX_SEGS
 * pages names them in its ring slot; a longer one (indirect descriptors,
 * up to max_segs pages) names one more page that holds their segments.
 * A request whose pages or grants cannot be had now is handed back to the
 * block layer, which retries it (BLK_STS_RESOURCE): nothing waits on a
 * stopped queue.
 *
 * The backend is not trusted (XSA-376/391/396): lib/ring.c copies each
 * response out of the ring after checking the indices, and lib's
 * blkif_front judges it against our shadow of the slots. Anything else
 * latches the ring broken and fails the device (blkfront_fail). So does
 * a page of a request's own that the backend still maps after answering
 * (only the pool's may stay mapped): the page goes to the grant table,
 * which frees it once released, and its request fails with the others.
 */
#define pr_fmt(fmt) "xpv-blkfront: " fmt

#include <linux/kernel.h>
#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/slab.h>
#include "blkfront.h"

/* ---- a request's pages ---- */

static unsigned int rq_data_pages(struct request *rq)
{
	if (req_op(rq) != REQ_OP_READ && req_op(rq) != REQ_OP_WRITE)
		return 0;
	return DIV_ROUND_UP(blk_rq_bytes(rq), PAGE_SIZE);
}

/*
 * Whole pages go by copy_page(), the kernel's own page copy, not by a
 * memcpy() of a size gcc cannot see: built for size (-Os, as our kernel
 * once was) that is an inline `rep movsb`, slow on a CPU without ERMS and
 * a byte at a time under QEMU's TCG: 40% of the guest's time in a
 * sequential write.
 */
static void bounce_bytes(void *to, void *from, size_t n)
{
	if (n == PAGE_SIZE && PAGE_ALIGNED(to) && PAGE_ALIGNED(from))
		copy_page(to, from);
	else
		memcpy(to, from, n);
}

/* Copy the request's bytes into (@in) or out of the slot's pages. */
static void bounce_copy(struct request *rq, struct blkfront_slot *s, bool in)
{
	struct req_iterator iter;
	struct bio_vec bv;
	size_t off = 0;

	rq_for_each_segment(bv, rq, iter) {
		size_t done = 0;

		while (done < bv.bv_len) {
			char *b = page_address(s->page[off / PAGE_SIZE]) + off % PAGE_SIZE;
			size_t n = min_t(size_t, bv.bv_len - done, PAGE_SIZE - off % PAGE_SIZE);
			char *p = bvec_kmap_local(&bv);

			if (in)
				bounce_bytes(b, p + done, n);
			else
				bounce_bytes(p + done, b, n);
			kunmap_local(p);
			done += n;
			off += n;
		}
	}
}

/* ---- persistent grants: the queue's pool of kept pages ---- */

/* One more kept page, zeroed and granted read-write. Called with q->lock held. */
static int pool_grow(struct blkfront_queue *q)
{
	struct page *page = alloc_page(GFP_NOWAIT | __GFP_NOWARN | __GFP_ZERO);
	int ref;

	if (!page)
		return -ENOMEM;
	ref = xpv_gnttab_grant_page(q->bf->xd->otherend_id, page, false);
	if (ref < 0) {
		__free_page(page);
		return ref;
	}
	q->pool[q->pool_free++] = (struct blkfront_kept){ .page = page, .ref = ref };
	q->pool_kept++;
	return 0;
}

/*
 * Lend @n kept pages to slot @s, growing the pool within its bound.
 * Called with q->lock held.
 * Return: 0; -EBUSY when the pool cannot serve @n pages until requests in
 * flight give theirs back; -ENOMEM or a grant error when no new page or
 * grant could be had now.
 */
static int pool_lend(struct blkfront_queue *q, struct blkfront_slot *s, unsigned int n)
{
	unsigned int i;
	int rc;

	if (q->pool_free + (q->pool_max - q->pool_kept) < n)
		return -EBUSY;
	while (q->pool_free < n) {
		rc = pool_grow(q);
		if (rc)
			return rc;
	}
	for (i = 0; i < n; i++) {
		q->pool_free--;
		s->page[i] = q->pool[q->pool_free].page;
		s->gref[i] = q->pool[q->pool_free].ref;
	}
	s->nr_pages = n;
	s->lent = true;
	return 0;
}

/*
 * At release, nothing lent: every kept page's grant ends, and the page is
 * freed (by the grant table once unmapped, if the backend still maps it).
 */
static void pool_release(struct blkfront_queue *q)
{
	struct blkfront_kept *k;

	while (q->pool_free) {
		k = &q->pool[--q->pool_free];
		xpv_gnttab_end_free_page(k->ref, k->page);
	}
	q->pool_kept = 0;
}

/*
 * The request is done with the slot's pages: its own are freed, the
 * pool's go back to it (then with q->lock held).
 */
static void slot_free_pages(struct blkfront_queue *q, struct blkfront_slot *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_pages; i++) {
		if (s->lent)
			q->pool[q->pool_free++] = (struct blkfront_kept){
				.page = s->page[i], .ref = s->gref[i] };
		else if (s->page[i])
			__free_page(s->page[i]);
		s->page[i] = NULL;
	}
	s->lent = false;
	s->nr_pages = 0;
	s->nr_data = 0;
}

/*
 * Pages for @rq's data and, when @indirect, its segments: lent by the
 * pool (persistent grants), or zeroed pages of the request's own.
 */
static int slot_alloc_pages(struct blkfront_queue *q, struct blkfront_slot *s,
			    struct request *rq, bool indirect)
{
	unsigned long flags;
	unsigned int n;
	int rc;

	s->nr_data = rq_data_pages(rq);
	n = s->nr_data + indirect;
	if (q->bf->persistent) {
		spin_lock_irqsave(&q->lock, flags);
		rc = pool_lend(q, s, n);
		spin_unlock_irqrestore(&q->lock, flags);
		return rc;
	}
	for (s->nr_pages = 0; s->nr_pages < n; s->nr_pages++) {
		s->page[s->nr_pages] = alloc_page(GFP_NOWAIT | __GFP_NOWARN | __GFP_ZERO);
		if (!s->page[s->nr_pages]) {
			slot_free_pages(q, s);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * slot_end_grants - end the slot's grants
 *
 * WHY: a backend may keep mapping a page after it answered (XSA-396).
 * Such a page is given to the grant table, which frees it only once the
 * backend lets go; what it holds is the backend's to change at any time,
 * so the request must fail.
 *
 * Return: 0, or -EBUSY when a page was still mapped.
 */
static int slot_end_grants(struct blkfront_slot *s)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < s->nr_grants; i++) {
		if (xpv_gnttab_end(s->gref[i]))
			continue;
		xpv_gnttab_end_free_page(s->gref[i], s->page[i]);
		s->page[i] = NULL;
		rc = -EBUSY;
	}
	s->nr_grants = 0;
	return rc;
}

/*
 * Grant the request's own pages: data writable for a read, the rest
 * read-only. The pool's are granted already: nr_grants stays 0, nothing
 * to end when the request is answered.
 */
static int slot_grant(struct blkfront_queue *q, struct blkfront_slot *s, bool read)
{
	int ref;

	for (s->nr_grants = 0; !s->lent && s->nr_grants < s->nr_pages; s->nr_grants++) {
		bool ro = !read || s->nr_grants >= s->nr_data;

		ref = xpv_gnttab_grant_page(q->bf->xd->otherend_id,
					    s->page[s->nr_grants], ro);
		if (ref < 0) {
			slot_end_grants(s);	/* not sent: nothing maps them */
			return ref;
		}
		s->gref[s->nr_grants] = ref;
	}
	return 0;
}

/* ---- responses ---- */

/*
 * End the request of slot @s with @status (what the backend said).
 * Return: false when the backend still maps one of its pages (the request
 * failed; the caller is to fail the device).
 */
static bool slot_complete(struct blkfront_queue *q, struct blkfront_slot *s,
			  blk_status_t status)
{
	struct request *rq = s->rq;
	bool ended = !slot_end_grants(s);

	if (!ended) {
		dev_err_ratelimited(&q->bf->xd->dev,
				    "queue %u: backend still maps a page of a finished request\n",
				    q->index);
		status = BLK_STS_IOERR;
	} else if (status == BLK_STS_OK && req_op(rq) == REQ_OP_READ) {
		bounce_copy(rq, s, false);
	}
	slot_free_pages(q, s);
	s->rq = NULL;
	blk_mq_end_request(rq, status);
	return ended;
}

/* Fail every request in flight on @q. Called with q->lock held. */
static void fail_all(struct blkfront_queue *q)
{
	unsigned int i;

	for (i = 0; q->slots && i < q->bf->depth; i++) {
		q->shadow[i].in_flight = false;
		if (q->slots[i].rq)
			slot_complete(q, &q->slots[i], BLK_STS_IOERR);
	}
}

static blk_status_t status_of(struct blkfront_queue *q, enum xpv_blkfront_verdict v,
			      const struct xpv_blkif_rsp *rsp)
{
	switch (v) {
	case XPV_BLKFRONT_RSP_OKAY:
		return BLK_STS_OK;
	case XPV_BLKFRONT_RSP_NOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		dev_err_ratelimited(&q->bf->xd->dev, "backend: %s %d on operation %u\n",
				    xpv_blkfront_verdict_name(v), rsp->status,
				    rsp->operation);
		return BLK_STS_IOERR;
	}
}

/* Take every response there is; false when the backend broke the protocol. */
static bool take_responses(struct blkfront_queue *q)
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
		while ((rc = xpv_ring_consume(&q->ring, &buf)) == 1) {
			v = xpv_blkfront_check(q->shadow, q->bf->depth, rsp);
			if (xpv_blkfront_violation(v)) {
				dev_err(&q->bf->xd->dev,
					"queue %u: backend answered id %llu, op %u: %s\n",
					q->index, rsp->id, rsp->operation,
					xpv_blkfront_verdict_name(v));
				xpv_ring_set_broken(&q->ring);
				return false;
			}
			if (!slot_complete(q, &q->slots[rsp->id], status_of(q, v, rsp))) {
				xpv_ring_set_broken(&q->ring);
				return false;
			}
		}
	} while (rc == 0 && xpv_ring_final_check(&q->ring));
	if (rc < 0)
		dev_err(&q->bf->xd->dev, "queue %u: backend broke the ring\n", q->index);
	return rc == 0 && !xpv_ring_is_broken(&q->ring);
}

static irqreturn_t blkfront_interrupt(int irq, void *data)
{
	struct blkfront_queue *q = data;
	unsigned long flags;
	bool broke;

	spin_lock_irqsave(&q->lock, flags);
	broke = q->connected && !xpv_ring_is_broken(&q->ring) && !take_responses(q);
	spin_unlock_irqrestore(&q->lock, flags);
	if (broke)
		blkfront_fail(q->bf, "the backend broke the protocol");
	return IRQ_HANDLED;
}

/**
 * blkfront_fail() - fail the device: every ring broken, every request -EIO
 * @bf: the device
 * @why: for the log and xenstore's error node (a string constant)
 *
 * Any context; xenstore is written later, from a work item. The device
 * stays failed until the toolstack removes it (xpv_xenbus_dev_fatal()).
 */
void blkfront_fail(struct blkfront *bf, const char *why)
{
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < BLKFRONT_MAX_QUEUES; i++) {
		struct blkfront_queue *q = &bf->queues[i];

		spin_lock_irqsave(&q->lock, flags);
		xpv_ring_set_broken(&q->ring);
		fail_all(q);
		spin_unlock_irqrestore(&q->lock, flags);
	}
	if (!cmpxchg(&bf->fail_why, NULL, why))
		schedule_work(&bf->fail_work);
}

/*
 * WHY: a backend that never answers must not hang the guest: after
 * blkfront.timeout seconds the device fails, and its requests with it.
 */
static enum blk_eh_timer_return blkfront_rq_timeout(struct request *rq)
{
	struct blkfront_queue *q = rq->mq_hctx->driver_data;

	dev_err(&q->bf->xd->dev, "queue %u: no answer from the backend in %u s\n",
		q->index, blkfront_timeout);
	blkfront_fail(q->bf, "the backend did not answer in time");
	return BLK_EH_DONE;
}

/* ---- requests ---- */

/* The wire operation of a block-layer request, or 0xff. */
static u8 operation_of(struct blkfront *bf, struct request *rq)
{
	switch (req_op(rq)) {
	case REQ_OP_READ:
		return XPV_BLKIF_OP_READ;
	case REQ_OP_WRITE:
		return XPV_BLKIF_OP_WRITE;
	case REQ_OP_FLUSH:
		return bf->flush ? XPV_BLKIF_OP_FLUSH_DISKCACHE : 0xff;
	case REQ_OP_DISCARD:
		return bf->discard ? XPV_BLKIF_OP_DISCARD : 0xff;
	default:
		return 0xff;
	}
}

static void fill_segs(struct xpv_blkif_seg *seg, const struct blkfront_slot *s,
		      unsigned int bytes)
{
	unsigned int i, len;

	for (i = 0; i < s->nr_data; i++) {
		len = min_t(unsigned int, bytes - i * PAGE_SIZE, PAGE_SIZE);
		seg[i].gref = s->gref[i];
		seg[i].first_sect = 0;
		seg[i].last_sect = (len >> XPV_BLKIF_SECTOR_SHIFT) - 1;
	}
}

/* Fill ring slot @req for @rq, whose pages are granted. */
static void build_request(struct blkfront_queue *q, struct request *rq,
			  struct blkfront_slot *s, u8 op, union xpv_blkif_req *req)
{
	memset(req, 0, sizeof(*req));
	if (op == XPV_BLKIF_OP_DISCARD) {
		req->discard.operation = op;
		req->discard.handle = q->bf->vdevice;
		req->discard.id = rq->tag;
		req->discard.sector_number = blk_rq_pos(rq);
		req->discard.nr_sectors = blk_rq_sectors(rq);
	} else if (s->nr_pages > s->nr_data) {
		req->indirect.operation = XPV_BLKIF_OP_INDIRECT;
		req->indirect.indirect_op = op;
		req->indirect.nr_segments = s->nr_data;
		req->indirect.handle = q->bf->vdevice;
		req->indirect.id = rq->tag;
		req->indirect.sector_number = blk_rq_pos(rq);
		req->indirect.indirect_grefs[0] = s->gref[s->nr_data];
		fill_segs(page_address(s->page[s->nr_data]), s, blk_rq_bytes(rq));
	} else {
		req->rw.operation = op;
		req->rw.nr_segments = s->nr_data;
		req->rw.handle = q->bf->vdevice;
		req->rw.id = rq->tag;
		req->rw.sector_number = blk_rq_pos(rq);
		fill_segs(req->rw.seg, s, blk_rq_bytes(rq));
	}
}

/* Put the slot's request on the ring. Called with q->lock held. */
static blk_status_t submit(struct blkfront_queue *q, struct request *rq,
			   struct blkfront_slot *s, u8 op)
{
	union xpv_blkif_req req;

	if (!q->connected || xpv_ring_is_broken(&q->ring))
		return BLK_STS_IOERR;
	/* one slot per tag: a tag in flight twice is ours to catch */
	if (WARN_ON_ONCE(s->rq || !xpv_ring_free_slots(&q->ring)))
		return BLK_STS_IOERR;
	if (slot_grant(q, s, op == XPV_BLKIF_OP_READ))
		return BLK_STS_RESOURCE;	/* no grant now: retried later */
	build_request(q, rq, s, op, &req);
	memcpy(xpv_ring_produce(&q->ring), &req, sizeof(req));
	s->rq = rq;
	xpv_blkfront_start(q->shadow, q->bf->depth, rq->tag, xpv_blkfront_rsp_op(&req));
	if (xpv_ring_push(&q->ring))
		xpv_evtchn_notify(q->port);
	return BLK_STS_OK;
}

static blk_status_t check_request(struct blkfront *bf, struct request *rq, u8 op)
{
	if (op == 0xff)
		return BLK_STS_NOTSUPP;
	if (bf->readonly && (op == XPV_BLKIF_OP_WRITE || op == XPV_BLKIF_OP_DISCARD))
		return BLK_STS_IOERR;	/* the block layer lets writes through */
	/* after a reconnect with a smaller max_segs, a requeued one may be */
	if (rq_data_pages(rq) > bf->max_segs || rq->tag >= bf->depth)
		return BLK_STS_IOERR;
	return BLK_STS_OK;
}

static blk_status_t blkfront_queue_rq(struct blk_mq_hw_ctx *hctx,
				      const struct blk_mq_queue_data *bd)
{
	struct blkfront_queue *q = hctx->driver_data;
	struct request *rq = bd->rq;
	u8 op = operation_of(q->bf, rq);
	struct blkfront_slot *s;
	unsigned long flags;
	blk_status_t st;

	/* the slots change only while the disk's queue is quiesced */
	if (!READ_ONCE(q->connected) || !q->slots)
		return BLK_STS_IOERR;
	st = check_request(q->bf, rq, op);
	if (st)
		return st;
	s = &q->slots[rq->tag];		/* a tag not in flight: ours alone */
	if (slot_alloc_pages(q, s, rq, rq_data_pages(rq) > XPV_BLKIF_MAX_SEGS))
		return BLK_STS_RESOURCE;	/* retried by the block layer */
	if (op == XPV_BLKIF_OP_WRITE)
		bounce_copy(rq, s, true);
	blk_mq_start_request(rq);
	spin_lock_irqsave(&q->lock, flags);
	st = submit(q, rq, s, op);
	if (st)
		slot_free_pages(q, s);
	spin_unlock_irqrestore(&q->lock, flags);
	return st;
}

static int blkfront_init_hctx(struct blk_mq_hw_ctx *hctx, void *data,
			      unsigned int index)
{
	struct blkfront *bf = data;

	hctx->driver_data = &bf->queues[index];
	return 0;
}

const struct blk_mq_ops blkfront_mq_ops = {
	.queue_rq = blkfront_queue_rq,
	.timeout = blkfront_rq_timeout,
	.init_hctx = blkfront_init_hctx,
};

/* ---- setting up and tearing down ---- */

void blkfront_queue_set_connected(struct blkfront_queue *q, bool connected)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	q->connected = connected;
	spin_unlock_irqrestore(&q->lock, flags);
}

/**
 * blkfront_queue_take_back() - take every request off a queue going away
 * @q: its interrupt stopped already (nothing completes them behind us)
 * @requeue: hand them back to the block layer for the next ring (a
 *           reconnect), or fail them
 *
 * A request whose page the backend still maps fails either way.
 * Return: how many requests were in flight.
 */
unsigned int blkfront_queue_take_back(struct blkfront_queue *q, bool requeue)
{
	unsigned long flags;
	unsigned int i, n = 0;

	spin_lock_irqsave(&q->lock, flags);
	q->connected = false;
	for (i = 0; q->slots && i < q->bf->depth; i++) {
		struct blkfront_slot *s = &q->slots[i];
		struct request *rq = s->rq;
		bool mapped;

		q->shadow[i].in_flight = false;
		if (!rq)
			continue;
		n++;
		mapped = slot_end_grants(s);
		slot_free_pages(q, s);
		s->rq = NULL;
		if (requeue && !mapped)
			blk_mq_requeue_request(rq, false);
		else
			blk_mq_end_request(rq, BLK_STS_IOERR);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

void blkfront_queue_stop_irq(struct blkfront_queue *q)
{
	if (q->irq > 0) {
		free_irq(q->irq, q);	/* waits for a handler running */
		xpv_evtchn_unbind(q->irq);
		q->port = 0;
	}
	q->irq = 0;
}

static void free_ring_pages(struct blkfront_queue *q)
{
	unsigned int i, n = 1u << q->bf->ring_order;
	struct page *first;

	if (!q->ring_pages)
		return;
	first = virt_to_page(q->ring_pages);
	for (i = 0; i < n; i++) {
		if (i < q->nr_ring_refs)
			xpv_gnttab_end_free_page(q->ring_ref[i], first + i);
		else
			__free_page(first + i);
	}
	q->nr_ring_refs = 0;
	q->ring_pages = NULL;
}

/*
 * The interrupt stopped and nothing in flight: free the ring, the slots
 * and the pool (vmalloc'd arrays freed outside the lock: vfree may sleep).
 */
void blkfront_queue_release(struct blkfront_queue *q)
{
	struct blkfront_slot *slots;
	struct xpv_blkfront_shadow *shadow;
	struct blkfront_kept *pool;
	unsigned long flags;

	blkfront_queue_stop_irq(q);
	if (q->port)		/* allocated, never given an irq */
		xpv_evtchn_close(q->port);
	q->port = 0;
	free_ring_pages(q);
	spin_lock_irqsave(&q->lock, flags);
	q->connected = false;
	pool_release(q);
	pool = q->pool;
	slots = q->slots;
	shadow = q->shadow;
	q->pool = NULL;
	q->slots = NULL;
	q->shadow = NULL;
	spin_unlock_irqrestore(&q->lock, flags);
	kvfree(pool);
	kvfree(slots);
	kfree(shadow);
}

/* 2^ring_order zeroed pages, each freeable on its own, granted. */
static int setup_ring_pages(struct blkfront_queue *q)
{
	unsigned int n = 1u << q->bf->ring_order;
	struct page *first = alloc_pages(GFP_KERNEL | __GFP_ZERO, q->bf->ring_order);
	int ref;

	if (!first)
		return -ENOMEM;
	split_page(first, q->bf->ring_order);
	q->ring_pages = page_address(first);
	for (q->nr_ring_refs = 0; q->nr_ring_refs < n; q->nr_ring_refs++) {
		ref = xpv_gnttab_grant_page(q->bf->xd->otherend_id,
					    first + q->nr_ring_refs, false);
		if (ref < 0)
			return ref;
		q->ring_ref[q->nr_ring_refs] = ref;
	}
	return xpv_ring_init_front(&q->ring, q->ring_pages, n * PAGE_SIZE,
				   BLKFRONT_RING_SLOT);
}

/* The slots, their shadow, and the pool's stack (empty: it grows as used). */
static int setup_slots(struct blkfront_queue *q)
{
	struct blkfront_slot *slots = kvcalloc(q->bf->depth, sizeof(*slots), GFP_KERNEL);
	struct xpv_blkfront_shadow *shadow = kcalloc(q->bf->depth, sizeof(*shadow),
						     GFP_KERNEL);
	struct blkfront_kept *pool = kvcalloc(BLKFRONT_KEPT_PER_QUEUE, sizeof(*pool),
					      GFP_KERNEL);
	unsigned long flags;

	if (!slots || !shadow || !pool) {
		kvfree(slots);
		kfree(shadow);
		kvfree(pool);
		return -ENOMEM;
	}
	spin_lock_irqsave(&q->lock, flags);
	q->slots = slots;
	q->shadow = shadow;
	q->pool = pool;
	q->pool_free = 0;
	q->pool_kept = 0;
	q->pool_max = BLKFRONT_KEPT_PER_QUEUE;
	spin_unlock_irqrestore(&q->lock, flags);
	return 0;
}

/**
 * blkfront_queue_setup() - the ring, its slots, its event channel
 * @q: released; bf->ring_order and bf->depth say the ring's size
 *
 * On error, blkfront_queue_release() frees what was set up.
 */
int blkfront_queue_setup(struct blkfront_queue *q)
{
	int rc = setup_ring_pages(q) ?: setup_slots(q);
	int irq;

	if (rc)
		return rc;
	rc = xpv_evtchn_alloc_unbound(q->bf->xd->otherend_id);
	if (rc < 0)
		return rc;
	q->port = rc;
	irq = xpv_evtchn_bind_irq(q->port);
	if (irq < 0)
		return irq;
	snprintf(q->irq_name, sizeof(q->irq_name), "%s-q%u",
		 dev_name(&q->bf->xd->dev), q->index);
	rc = request_irq(irq, blkfront_interrupt, 0, q->irq_name, q);
	if (rc)
		return rc;
	q->irq = irq;
	xpv_evtchn_irq_spread(irq, q->index);
	return 0;
}

#if IS_ENABLED(CONFIG_XPV_BLKFRONT_KUNIT_TEST)
#include "blkfront_test.c"
#endif
