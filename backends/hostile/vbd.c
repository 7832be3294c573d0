// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-hostile vbd: xpv-blkback whose queues answer through a script.
 * Requests are served by blkback's own blk_handle (the disk is real, so a
 * script that answers late or twice answers with real data); what reaches
 * the ring is the script's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"
#include "hostile.h"

enum vbd_script {
	VBD_GOOD,		/* xpv-blkback as it is: the control */
	VBD_BAD_ID,		/* answers an id that is not in flight */
	VBD_DUP_ID,		/* answers every request twice */
	VBD_WRONG_OP,		/* answers with another operation */
	VBD_BAD_STATUS,		/* a status no backend may send */
	VBD_RSP_PROD_LIE,	/* rsp_prod far ahead of what was written */
	VBD_KEEP_MAPPED,	/* a read's page stays mapped after the answer */
	VBD_FLAP,		/* our state node goes round, then serves */
	VBD_SILENT,		/* takes requests, never answers */
	VBD_STORM,		/* an event storm, then serves */
	VBD_NR_SCRIPTS
};

static const char *const vbd_scripts[VBD_NR_SCRIPTS] = {
	[VBD_GOOD] = "good", [VBD_BAD_ID] = "bad-id", [VBD_DUP_ID] = "dup-id",
	[VBD_WRONG_OP] = "wrong-op", [VBD_BAD_STATUS] = "bad-status",
	[VBD_RSP_PROD_LIE] = "rsp-prod-lie", [VBD_KEEP_MAPPED] = "keep-mapped",
	[VBD_FLAP] = "flap", [VBD_SILENT] = "silent", [VBD_STORM] = "storm",
};

/* One per device; blkback's struct blk_vbd stays in d->priv. */
struct hostile_vbd {
	struct xpv_bdev *d;
	enum vbd_script script;
	bool played;			/* the one-off part of FLAP and STORM */
	void *kept;			/* KEEP_MAPPED: the page we hold */
	struct hostile_vbd *next;
};

static struct hostile_vbd *vbds;

static struct hostile_vbd *hostile_of(struct xpv_bdev *d)
{
	struct hostile_vbd *h;

	for (h = vbds; h && h->d != d; h = h->next)
		;
	return h;
}

static void answer(struct blk_queue *q, uint64_t id, uint8_t op, int16_t status)
{
	struct xpv_blkif_rsp rsp = { .id = id, .operation = op, .status = status };

	memcpy(hostile_produce(&q->ring), &rsp, sizeof(rsp));
}

static void keep_mapped(struct hostile_vbd *h, const union xpv_blkif_req *wire)
{
	if (!h->kept && wire->operation == XPV_BLKIF_OP_READ && wire->rw.nr_segments)
		h->kept = hostile_keep_mapped(h->d, wire->rw.seg[0].gref);
}

/* Answer one request copied off the ring the script's way. */
static void play(struct hostile_vbd *h, struct blk_queue *q,
		 const union xpv_blkif_req *wire)
{
	struct xpv_blkback_req req;
	int16_t status;

	if (h->script == VBD_SILENT)
		return;
	status = blk_handle(q, wire, &req);
	switch (h->script) {
	case VBD_BAD_ID: req.id ^= 0x5a5a0000u; break;
	case VBD_WRONG_OP: req.rsp_op ^= 1; break;	/* read <-> write */
	case VBD_BAD_STATUS: status = 7; break;
	case VBD_KEEP_MAPPED: keep_mapped(h, wire); break;
	default: break;
	}
	answer(q, req.id, req.rsp_op, status);
	if (h->script == VBD_DUP_ID)
		answer(q, req.id, req.rsp_op, status);
}

static void once(struct hostile_vbd *h, struct blk_queue *q)
{
	if (h->played)
		return;
	h->played = true;
	if (h->script == VBD_FLAP)
		hostile_flap(h->d);
	else if (h->script == VBD_STORM)
		hostile_storm(q->evt);
}

static bool vbd_handler(struct xpv_evt *e)
{
	struct blk_queue *q = e->arg;
	struct hostile_vbd *h = hostile_of(q->vbd->dev);
	union xpv_blkif_req wire;
	int rc;

	once(h, q);
	while ((rc = xpv_ring_consume(&q->ring, &wire)) > 0 ||
	       (rc == 0 && xpv_ring_final_check(&q->ring)))
		if (rc > 0)
			play(h, q, &wire);
	xpv_ring_push(&q->ring);
	if (h->script == VBD_RSP_PROD_LIE)
		hostile_lie(&q->ring);
	xpv_evt_notify(e);
	return false;
}

static int vbd_probe(struct xpv_bdev *d)
{
	struct hostile_vbd *h = calloc(1, sizeof(*h));
	int script = hostile_script(d, "params", vbd_scripts, VBD_NR_SCRIPTS);

	if (!h)
		return -ENOMEM;
	h->d = d;
	h->next = vbds;
	vbds = h;
	if (script < 0)
		return script;
	h->script = (enum vbd_script)script;
	return blk_vbd_ops.probe(d);
}

static int vbd_connect(struct xpv_bdev *d)
{
	struct blk_vbd *v = d->priv;
	int err = blk_vbd_ops.connect(d);
	unsigned int i;

	if (err || hostile_of(d)->script == VBD_GOOD)
		return err;
	for (i = 0; i < v->nr_queues; i++)
		v->queues[i].evt->handler = vbd_handler;
	return 0;
}

static void vbd_remove(struct xpv_bdev *d)
{
	struct hostile_vbd **p, *h;

	for (p = &vbds; *p && (*p)->d != d; p = &(*p)->next)
		;
	h = *p;
	if (h) {
		*p = h->next;
		if (h->kept)
			d->be->t->ops->gnt_unmap(d->be->t, h->kept, 1);
		free(h);
	}
	blk_vbd_ops.remove(d);
}

static bool vbd_rings_changed(struct xpv_bdev *d)
{
	return blk_vbd_ops.rings_changed(d);
}

static void vbd_disconnect(struct xpv_bdev *d)
{
	blk_vbd_ops.disconnect(d);
}

static void vbd_dump(struct xpv_bdev *d)
{
	blk_vbd_ops.dump(d);
}

const struct xpv_bdev_ops hostile_vbd_ops = {
	.type = "vbd",
	.probe = vbd_probe,
	.connect = vbd_connect,
	.rings_changed = vbd_rings_changed,
	.disconnect = vbd_disconnect,
	.remove = vbd_remove,
	.dump = vbd_dump,
};
