// SPDX-License-Identifier: GPL-2.0-only
/*
 * The request path of xpv-blkback, modelled on QEMU's xen-block dataplane:
 * copy a request off the ring (xpv_ring_consume), check it
 * (xpv_blkback_parse), move its data by grant copy through the queue's
 * bounce buffer, and answer it. Every failure - a malformed request, a
 * grant the guest revoked, a disk error - becomes the status of that one
 * response and a counter; none stops the queue. Only a ring whose indices
 * break the protocol stops it: the ring latches broken, the device reports
 * the error and moves to Closing.
 *
 * Responses are written to the ring one at a time and pushed at once, so
 * a daemon killed mid-batch leaves no response slot written but
 * unpublished (a restarted daemon re-reads unanswered slots as requests).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"

#define PAGE	XPV_BLKIF_PAGE_SIZE

int blk_queue_alloc(struct blk_queue *q, unsigned int max_segs)
{
	q->max_segs = max_segs;
	q->buf = aligned_alloc(PAGE, (size_t)max_segs * PAGE);
	q->segs = calloc(max_segs, sizeof(*q->segs));
	q->copies = calloc(max_segs, sizeof(*q->copies));
	q->indirect = aligned_alloc(PAGE, XPV_BLKIF_MAX_INDIRECT_PAGES * PAGE);
	if (!q->buf || !q->segs || !q->copies || !q->indirect) {
		blk_queue_free(q);
		return -ENOMEM;
	}
	return 0;
}

void blk_queue_free(struct blk_queue *q)
{
	free(q->buf);
	free(q->segs);
	free(q->copies);
	free(q->indirect);
	q->buf = NULL;
	q->segs = NULL;
	q->copies = NULL;
	q->indirect = NULL;
}

static uint16_t domid_of(struct blk_queue *q)
{
	return q->vbd->dev->domid;
}

/* Copy @n segments between the guest and buf; 0 or -EFAULT. */
static int copy_segs(struct blk_queue *q, const struct xpv_blkback_seg *segs,
		     unsigned int n, uint8_t *buf, bool to_guest)
{
	struct xpv_transport *t = q->vbd->dev->be->t;
	unsigned int i;
	size_t off = 0;

	for (i = 0; i < n; i++) {
		q->copies[i] = (struct xpv_gnt_copy){
			.local = buf + off, .ref = segs[i].gref,
			.domid = domid_of(q), .offset = segs[i].offset,
			.len = segs[i].len, .to_guest = to_guest,
		};
		off += segs[i].len;
	}
	if (t->ops->gnt_copy(t, n, q->copies))
		goto fault;
	for (i = 0; i < n; i++)
		if (q->copies[i].status)
			goto fault;
	return 0;

fault:
	q->stats.grant_errors++;
	return -EFAULT;
}

/* The indirect pages, copied whole into q->indirect, then checked. */
static enum xpv_blkback_verdict fetch_indirect(struct blk_queue *q,
					       struct xpv_blkback_req *req)
{
	struct xpv_blkback_seg pages[XPV_BLKIF_MAX_INDIRECT_PAGES];
	unsigned int i;

	if (req->nr_segs > q->max_segs)	/* our buffers, whatever was negotiated */
		return XPV_BLKBACK_BAD_NSEG;
	for (i = 0; i < req->nr_indirect; i++)
		pages[i] = (struct xpv_blkback_seg){ req->indirect_grefs[i], 0, PAGE };
	if (copy_segs(q, pages, req->nr_indirect, (uint8_t *)q->indirect, false))
		return XPV_BLKBACK_BAD_GREF;
	return xpv_blkback_parse_indirect(req, &q->vbd->geom, q->indirect, q->segs);
}

static int do_read(struct blk_queue *q, const struct xpv_blkback_req *req)
{
	size_t len = req->nr_sectors << XPV_BLKIF_SECTOR_SHIFT;
	int err;

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

	if (!err && (err = blk_disk_flush(&q->vbd->disk)))
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
	enum xpv_blkback_verdict v;

	q->stats.requests++;
	v = xpv_blkback_parse(wire, &q->vbd->geom, req, q->segs);
	if (v == XPV_BLKBACK_NEED_INDIRECT) {
		q->stats.indirect++;
		v = fetch_indirect(q, req);
	}
	if (v != XPV_BLKBACK_OK) {
		q->stats.bad[v]++;
		return xpv_blkback_status(v);
	}
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

/**
 * blk_queue_handler() - serve one turn of a queue's ring
 *
 * Return: true when requests are left for another turn.
 */
bool blk_queue_handler(struct xpv_evt *e)
{
	struct blk_queue *q = e->arg;
	unsigned int budget = q->vbd->dev->be->limits.reqs_per_turn, n = 0;
	union xpv_blkif_req wire;
	struct xpv_blkback_req req;
	bool notify = false;
	int rc;

	while (n < budget) {
		rc = xpv_ring_consume(&q->ring, &wire);
		if (rc < 0) {
			ring_broken(q);
			break;
		}
		if (rc == 0) {
			if (!xpv_ring_final_check(&q->ring))
				break;
			continue;
		}
		notify |= respond(q, &req, blk_handle(q, &wire, &req));
		n++;
	}
	if (notify)
		xpv_evt_notify(q->evt);
	return n == budget && !xpv_ring_is_broken(&q->ring);
}
