// SPDX-License-Identifier: GPL-2.0-only
/*
 * The request path of xpv-blkback, modelled on QEMU's xen-block dataplane:
 * copy a request off the ring (xpv_ring_consume), check it
 * (xpv_blkback_parse), move its data, and answer it. Data reaches the
 * guest's pages by grant copy, or by memcpy through the pages of its
 * persistent grants, mapped when the request is taken and kept (pgrant.c);
 * it goes through a bounce buffer, except that a raw disk served
 * synchronously reads and writes straight into the kept pages when all of
 * a request's pages are kept (direct()). Every failure - a malformed
 * request, a grant the guest revoked, a disk error - becomes the status of
 * that one response and a counter; none stops the queue. Only a ring whose
 * indices break the protocol stops it: the ring latches broken, the device
 * reports the error and moves to Closing.
 *
 * Two ways to serve, chosen per turn of a queue:
 *   synchronous  the request is read or written through the disk's driver
 *                before the next is taken, through the queue's one bounce
 *                buffer or direct (raw and qcow2 without -a N, off by
 *                default, or without the worker's io_uring; nbd with -N 0)
 *   asynchronous the driver's submit op starts the I/O (raw, qcow2: on the
 *                worker's io_uring, aio.c, qcow2 serving what changes its
 *                metadata synchronously once the disk's I/O on the ring is
 *                done; nbd: libnbd's commands, nbd.c) and the next request
 *                is taken:
 *                up to max_inflight per queue, each in a slot of its own
 *                with its own bounce buffer (struct blk_ioreq), given back
 *                when it is answered (a few are kept for the next ones:
 *                get_buf). The fairness budget bounds what a turn takes
 *                either way.
 *
 * Restart safety: a daemon killed and started again reads every slot past
 * rsp_prod as a request. So responses are published in ring order: a
 * request done early waits in its slot until every earlier one is
 * answered, and no response ever goes past an unanswered request. Each is
 * pushed as it is written, so none is left written but unpublished.
 * Whatever needs no request in flight drains first (blk_queue_drain):
 * disconnect, remove, a snapshot, the worker's exit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "blkback.h"

#define PAGE	XPV_BLKIF_PAGE_SIZE
/*
 * The bounce buffers of a queue's requests in flight, at most (past it
 * one more request is taken, then no other until some are answered):
 * a guest's memory in dom0 stays bounded whatever -a and -i say.
 */
#define INFLIGHT_BYTES	(4u << 20)

/* The slots of the asynchronous path, their segments in one array. */
static int alloc_slots(struct blk_queue *q, unsigned int n)
{
	struct xpv_blkback_seg *segs;
	unsigned int i;

	q->slots = calloc(n, sizeof(*q->slots));
	segs = calloc((size_t)n * q->max_segs, sizeof(*segs));
	if (!q->slots || !segs) {
		free(segs);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		q->slots[i].segs = segs + (size_t)i * q->max_segs;
	q->max_inflight = n;
	return 0;
}

/**
 * blk_queue_alloc() - buffers of a queue
 * @max_inflight: requests in flight at most (asynchronous path); 0: none
 */
int blk_queue_alloc(struct blk_queue *q, unsigned int max_segs,
		    unsigned int max_inflight)
{
	q->max_segs = max_segs;
	q->buf = aligned_alloc(PAGE, (size_t)max_segs * PAGE);
	q->segs = calloc(max_segs, sizeof(*q->segs));
	q->copies = calloc(max_segs, sizeof(*q->copies));
	q->iov = calloc(max_segs, sizeof(*q->iov));
	q->indirect = aligned_alloc(PAGE, XPV_BLKIF_MAX_INDIRECT_PAGES * PAGE);
	if (!q->buf || !q->segs || !q->copies || !q->iov || !q->indirect ||
	    (max_inflight && alloc_slots(q, max_inflight))) {
		blk_queue_free(q);
		return -ENOMEM;
	}
	return 0;
}

/* Drained first (blk_queue_drain): no slot holds a buffer then. */
void blk_queue_free(struct blk_queue *q)
{
	blk_pgrant_free(q);
	while (q->nr_spare)
		free(q->spare[--q->nr_spare]);
	q->spare_bytes = 0;
	if (q->slots)
		free(q->slots[0].segs);
	free(q->slots);
	q->slots = NULL;
	q->max_inflight = 0;
	free(q->buf);
	free(q->segs);
	free(q->copies);
	free(q->iov);
	free(q->indirect);
	q->buf = NULL;
	q->segs = NULL;
	q->copies = NULL;
	q->iov = NULL;
	q->indirect = NULL;
}

static uint16_t domid_of(struct blk_queue *q)
{
	return q->vbd->dev->domid;
}

/* One segment through its persistent grant's page; false: not mapped. */
static bool copy_kept(struct blk_queue *q, const struct xpv_blkback_seg *seg,
		      uint8_t *local, bool to_guest)
{
	uint8_t *page = blk_pgrant_page(q, seg->gref);

	if (!page)
		return false;
	/* offset + len within the page: checked by xpv_blkback_parse */
	if (to_guest)
		memcpy(page + seg->offset, local, seg->len);
	else
		memcpy(local, page + seg->offset, seg->len);
	return true;
}

/*
 * Copy @n segments between the guest and buf: through kept pages where
 * the frontend gave persistent grants (mapped by blk_pgrant_prepare when
 * the request was taken), the rest in one grant copy batch; 0 or -EFAULT.
 */
static int copy_segs(struct blk_queue *q, const struct xpv_blkback_seg *segs,
		     unsigned int n, uint8_t *buf, bool to_guest)
{
	struct xpv_transport *t = q->vbd->dev->be->t;
	unsigned int i, nc = 0;
	size_t off = 0;

	for (i = 0; i < n; off += segs[i].len, i++) {
		if (copy_kept(q, &segs[i], buf + off, to_guest))
			continue;
		q->copies[nc++] = (struct xpv_gnt_copy){
			.local = buf + off, .ref = segs[i].gref,
			.domid = domid_of(q), .offset = segs[i].offset,
			.len = segs[i].len, .to_guest = to_guest,
		};
	}
	if (nc && t->ops->gnt_copy(t, nc, q->copies))
		goto fault;
	for (i = 0; i < nc; i++)
		if (q->copies[i].status)
			goto fault;
	return 0;

fault:
	q->stats.grant_errors++;
	return -EFAULT;
}

/* The indirect pages, copied whole into q->indirect, then checked. */
static enum xpv_blkback_verdict fetch_indirect(struct blk_queue *q,
					       struct xpv_blkback_req *req,
					       struct xpv_blkback_seg *segs)
{
	struct xpv_blkback_seg pages[XPV_BLKIF_MAX_INDIRECT_PAGES];
	unsigned int i;

	if (req->nr_segs > q->max_segs)	/* our buffers, whatever was negotiated */
		return XPV_BLKBACK_BAD_NSEG;
	for (i = 0; i < req->nr_indirect; i++)
		pages[i] = (struct xpv_blkback_seg){ req->indirect_grefs[i], 0, PAGE };
	blk_pgrant_prepare(q, pages, req->nr_indirect);
	if (copy_segs(q, pages, req->nr_indirect, (uint8_t *)q->indirect, false))
		return XPV_BLKBACK_BAD_GREF;
	return xpv_blkback_parse_indirect(req, &q->vbd->geom, q->indirect, segs);
}

/* Copy a request off the ring's slot into @req and @segs, and check it. */
static enum xpv_blkback_verdict check(struct blk_queue *q,
				      const union xpv_blkif_req *wire,
				      struct xpv_blkback_req *req,
				      struct xpv_blkback_seg *segs)
{
	enum xpv_blkback_verdict v;

	q->stats.requests++;
	v = xpv_blkback_parse(wire, &q->vbd->geom, req, segs);
	if (v == XPV_BLKBACK_NEED_INDIRECT) {
		q->stats.indirect++;
		v = fetch_indirect(q, req, segs);
	}
	if (v != XPV_BLKBACK_OK)
		q->stats.bad[v]++;
	else
		blk_pgrant_prepare(q, segs, req->nr_segs);	/* once per request */
	return v;
}

/*
 * The request's segments as pieces of the guest's kept pages, in q->iov:
 * how many, or 0 when one of them is not kept (persistent grants off, or
 * past the bound).
 */
static int kept_iov(struct blk_queue *q, const struct xpv_blkback_req *req)
{
	unsigned int i;
	uint8_t *page;

	if (!q->pgrants.slots || !req->nr_segs || req->nr_segs > UIO_MAXIOV)
		return 0;
	for (i = 0; i < req->nr_segs; i++) {
		page = blk_pgrant_page(q, q->segs[i].gref);
		if (!page)
			return 0;
		q->iov[i] = (struct iovec){ page + q->segs[i].offset, q->segs[i].len };
	}
	return (int)i;
}

/*
 * Move the request's data straight between the disk and the guest's kept
 * pages, with no bounce buffer, when the driver can and every segment is
 * kept: true, with the outcome in @err; false: go through the buffer.
 */
static bool direct(struct blk_queue *q, const struct xpv_blkback_req *req,
		   bool write, int *err)
{
	struct blk_disk *k = &q->vbd->disk;
	uint64_t off = req->sector << XPV_BLKIF_SECTOR_SHIFT;
	int n;

	if (!(write ? k->drv->writev : k->drv->readv))
		return false;
	n = kept_iov(q, req);
	if (!n)
		return false;
	*err = write ? blk_disk_writev(k, q->iov, n, off) : blk_disk_readv(k, q->iov, n, off);
	if (*err)
		q->stats.disk_errors++;
	else
		q->stats.direct++;
	return true;
}

static int do_read(struct blk_queue *q, const struct xpv_blkback_req *req)
{
	size_t len = req->nr_sectors << XPV_BLKIF_SECTOR_SHIFT;
	int err;

	if (direct(q, req, false, &err))
		return err;

	err = blk_disk_read(&q->vbd->disk, q->buf, len,
			    req->sector << XPV_BLKIF_SECTOR_SHIFT);
	if (err) {
		q->stats.disk_errors++;
		return err;
	}
	return copy_segs(q, q->segs, req->nr_segs, q->buf, true);
}

static int do_write(struct blk_queue *q, const struct xpv_blkback_req *req)
{
	size_t len = req->nr_sectors << XPV_BLKIF_SECTOR_SHIFT;
	int err;

	if (direct(q, req, true, &err))
		return err;

	err = copy_segs(q, q->segs, req->nr_segs, q->buf, false);
	if (err)
		return err;
	err = blk_disk_write(&q->vbd->disk, q->buf, len,
			     req->sector << XPV_BLKIF_SECTOR_SHIFT);
	if (err)
		q->stats.disk_errors++;
	return err;
}

/* A flush that carries data writes it, then flushes (preflush + FUA). */
static int do_flush(struct blk_queue *q, const struct xpv_blkback_req *req)
{
	int err = req->nr_segs ? do_write(q, req) : 0;

	if (err)
		return err;
	err = blk_disk_flush(&q->vbd->disk);
	if (err)
		q->stats.disk_errors++;
	return err;
}

static int do_discard(struct blk_queue *q, const struct xpv_blkback_req *req)
{
	int err = blk_disk_discard(&q->vbd->disk,
				   req->sector << XPV_BLKIF_SECTOR_SHIFT,
				   req->nr_sectors << XPV_BLKIF_SECTOR_SHIFT);

	if (err == -EOPNOTSUPP)
		return err;
	if (err)
		q->stats.disk_errors++;
	return err;
}

static s16 status_of(int err)
{
	if (err == -EOPNOTSUPP)
		return XPV_BLKIF_RSP_EOPNOTSUPP;
	return err ? XPV_BLKIF_RSP_ERROR : XPV_BLKIF_RSP_OKAY;
}

/* The status for err; a request done counts in @done. */
static s16 served(int err, uint64_t *done)
{
	if (!err)
		(*done)++;
	return status_of(err);
}

/**
 * blk_handle() - check and serve one request copied off the ring
 * @req: filled in; its id and rsp_op answer the request whatever happens
 *
 * Return: the response status.
 */
s16 blk_handle(struct blk_queue *q, const union xpv_blkif_req *wire,
	       struct xpv_blkback_req *req)
{
	enum xpv_blkback_verdict v = check(q, wire, req, q->segs);

	if (v != XPV_BLKBACK_OK)
		return xpv_blkback_status(v);
	switch (req->op) {
	case XPV_BLKIF_OP_READ:
		return served(do_read(q, req), &q->stats.reads);
	case XPV_BLKIF_OP_WRITE:
		return served(do_write(q, req), &q->stats.writes);
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		return served(do_flush(q, req), &q->stats.flushes);
	case XPV_BLKIF_OP_DISCARD:
		return served(do_discard(q, req), &q->stats.discards);
	default:		/* parse returns no other op: our own bug */
		return XPV_BLKIF_RSP_ERROR;
	}
}

/* Answer one request; true when the frontend asked to be notified. */
static bool respond(struct blk_queue *q, const struct xpv_blkback_req *req,
		    s16 status)
{
	struct xpv_blkif_rsp rsp, *slot;

	xpv_blkback_response(&rsp, req, status);
	slot = xpv_ring_produce(&q->ring);
	if (!slot)		/* cannot happen: we consumed a slot first */
		return false;
	memcpy(slot, &rsp, sizeof(rsp));
	return xpv_ring_push(&q->ring);
}

/* The ring stays latched: later events find it broken and do nothing. */
static void ring_broken(struct blk_queue *q)
{
	if (q->stats.broken++)
		return;
	xpv_bdev_fail(q->vbd->dev, -EPROTO, "queue %u: frontend broke the ring protocol",
		      q->index);
}

static uint64_t *done_counter(struct blk_queue *q, u8 op)
{
	switch (op) {
	case XPV_BLKIF_OP_READ:
		return &q->stats.reads;
	case XPV_BLKIF_OP_WRITE:
		return &q->stats.writes;
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		return &q->stats.flushes;
	default:
		return &q->stats.discards;
	}
}

static size_t round_page(size_t len)
{
	return (len + PAGE - 1) & ~(size_t)(PAGE - 1);
}

/*
 * A bounce buffer of @len bytes (page multiple) for a request: the most
 * recently kept one that is big enough (warm in the cache, no page faults
 * on fresh memory), else a new one.
 */
static uint8_t *get_buf(struct blk_queue *q, size_t len, size_t *got)
{
	unsigned int i = q->nr_spare;
	uint8_t *buf;

	while (i--) {
		if (q->spare_len[i] < len)
			continue;
		buf = q->spare[i];
		*got = q->spare_len[i];
		q->spare_bytes -= *got;
		q->nr_spare--;
		q->spare[i] = q->spare[q->nr_spare];
		q->spare_len[i] = q->spare_len[q->nr_spare];
		return buf;
	}
	*got = len;
	return aligned_alloc(PAGE, len);
}

/* An answered request's buffer: kept while the spares stay in bounds. */
static void put_buf(struct blk_queue *q, uint8_t *buf, size_t len)
{
	if (q->nr_spare == BLK_SPARE_BUFS || q->spare_bytes + len > INFLIGHT_BYTES) {
		free(buf);
		return;
	}
	q->spare[q->nr_spare] = buf;
	q->spare_len[q->nr_spare++] = len;
	q->spare_bytes += len;
}

/* No room for another request: every slot taken, or the bytes budget. */
static bool full(const struct blk_queue *q)
{
	return q->nr_inflight == q->max_inflight || q->buf_bytes >= INFLIGHT_BYTES;
}

/* @r has its status; it is answered once every earlier slot is. */
static void settle(struct blk_ioreq *r, s16 status)
{
	r->status = status;
	r->finished = true;
}

/* Answer the finished slots from the oldest on, up to an unfinished one. */
static void publish(struct blk_queue *q)
{
	struct blk_ioreq *r;
	bool notify = false;

	while (q->nr_inflight && (r = &q->slots[q->head])->finished) {
		notify |= respond(q, &r->req, r->status);
		if (r->buf) {
			q->buf_bytes -= r->buf_len;
			put_buf(q, r->buf, r->buf_len);
		}
		r->buf = NULL;
		r->finished = false;
		q->head = (q->head + 1) % q->max_inflight;
		q->nr_inflight--;
		q->vbd->dev->be->inflight--;
	}
	if (notify)
		xpv_evt_notify(q->evt);
}

/**
 * blk_ioreq_done() - the I/O of @r is over (r->err says how): count it,
 * copy what it read to the guest, answer what can be answered
 */
void blk_ioreq_done(struct blk_ioreq *r)
{
	struct blk_queue *q = r->q;
	int err = r->err;

	r->busy = false;
	q->nr_busy--;
	if (err && !(r->req.op == XPV_BLKIF_OP_DISCARD && err == -EOPNOTSUPP))
		q->stats.disk_errors++;
	if (!err && r->req.op == XPV_BLKIF_OP_READ)
		err = copy_segs(q, r->segs, r->req.nr_segs, r->buf, true);
	settle(r, served(err, done_counter(q, r->req.op)));
	publish(q);
	if (q->stalled && !full(q)) {
		q->stalled = false;	/* room again: take more next turn */
		q->evt->work = true;
	}
}

/* Buffer, data in for a write, then the I/O: settled, or in flight. */
static void start(struct blk_queue *q, const union xpv_blkif_req *wire,
		  struct blk_ioreq *r)
{
	struct xpv_blkback_seg *segs = r->segs;
	enum xpv_blkback_verdict v;
	u8 op;

	*r = (struct blk_ioreq){ .q = q, .segs = segs };
	v = check(q, wire, &r->req, segs);
	if (v != XPV_BLKBACK_OK)
		return settle(r, xpv_blkback_status(v));
	op = r->req.op;
	if (op != XPV_BLKIF_OP_DISCARD)
		r->len = r->req.nr_sectors << XPV_BLKIF_SECTOR_SHIFT;
	if (r->len) {
		r->buf = get_buf(q, round_page(r->len), &r->buf_len);
		if (!r->buf)	/* no memory: fail only it */
			return settle(r, XPV_BLKIF_RSP_ERROR);
		q->buf_bytes += r->buf_len;
	}
	if (op != XPV_BLKIF_OP_READ && r->len &&
	    copy_segs(q, segs, r->req.nr_segs, r->buf, false))
		return settle(r, XPV_BLKIF_RSP_ERROR);
	r->synced = op == XPV_BLKIF_OP_DISCARD && !r->req.nr_sectors;
	r->busy = true;
	q->nr_busy++;
	if (!r->synced)
		r->err = q->vbd->disk.drv->submit(&q->vbd->disk, r);
	if (!r->pending)
		blk_ioreq_done(r);
}

/*
 * The next request off the ring into @wire: 1; 0 when there is none (the
 * ring asks the frontend to notify us of the next); -1 when the ring broke.
 */
static int next_request(struct blk_queue *q, union xpv_blkif_req *wire)
{
	int rc;

	for (;;) {
		rc = xpv_ring_consume(&q->ring, wire);
		if (rc < 0) {
			ring_broken(q);
			return -1;
		}
		if (rc > 0)
			return 1;
		if (!xpv_ring_final_check(&q->ring))
			return 0;
	}
}

/* One turn of a queue served through the worker's io_uring. */
static bool turn_async(struct blk_queue *q, unsigned int budget)
{
	union xpv_blkif_req wire;
	unsigned int n = 0;

	while (n < budget) {
		if (full(q)) {
			q->stalled = true;	/* blk_ioreq_done runs us again */
			break;
		}
		if (next_request(q, &wire) <= 0)
			break;
		q->vbd->dev->be->inflight++;
		start(q, &wire, &q->slots[(q->head + q->nr_inflight++) % q->max_inflight]);
		n++;
	}
	blk_aio_flush();
	publish(q);
	if (q->stalled && !full(q)) {
		q->stalled = false;
		return true;
	}
	return n == budget && !xpv_ring_is_broken(&q->ring);
}

/* One turn served synchronously: each request answered before the next. */
static bool turn_sync(struct blk_queue *q, unsigned int budget)
{
	union xpv_blkif_req wire;
	struct xpv_blkback_req req;
	bool notify = false;
	unsigned int n = 0;

	while (n < budget && next_request(q, &wire) > 0) {
		notify |= respond(q, &req, blk_handle(q, &wire, &req));
		n++;
	}
	if (notify)
		xpv_evt_notify(q->evt);
	return n == budget && !xpv_ring_is_broken(&q->ring);
}

/* Asynchronous when the disk takes requests in flight (slots, submit). */
static bool async(const struct blk_queue *q)
{
	return q->slots && q->vbd->disk.drv->submit;
}

/**
 * blk_queue_handler() - serve one turn of a queue's ring
 *
 * Return: true when requests are left for another turn.
 */
bool blk_queue_handler(struct xpv_evt *e)
{
	struct blk_queue *q = e->arg;
	unsigned int budget = q->vbd->dev->be->limits.reqs_per_turn;

	/* a disk moved onto a sync driver was drained first (snapshot.c) */
	if (async(q))
		return turn_async(q, budget);
	return turn_sync(q, budget);
}

/**
 * blk_queue_drain() - wait until no request of @q is in flight, and
 * answer them all
 */
void blk_queue_drain(struct blk_queue *q)
{
	while (q->nr_busy)
		blk_disk_wait(&q->vbd->disk);
	if (q->slots)
		publish(q);
}

/** blk_vbd_drain() - blk_queue_drain() every queue of @v */
void blk_vbd_drain(struct blk_vbd *v)
{
	unsigned int i;

	for (i = 0; v->queues && i < v->nr_queues; i++)
		blk_queue_drain(&v->queues[i]);
}
