/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * blkif_front: a block frontend's check of one response from its backend.
 *
 * The frontend keeps a shadow per ring slot id: whether a request is in
 * flight there and its operation. A response copied off the ring
 * (xpv_ring_consume) is checked here against that shadow, and one verdict
 * comes out: the request's outcome (OKAY, NOTSUPP, ERROR), which ends it
 * and frees its id, or a violation of the protocol (an id out of range or
 * with nothing in flight - a duplicate - another operation than the
 * request's, or a status blkif.h has no name for), which the caller
 * answers by latching the ring broken
 * (xpv_ring_set_broken). Each ring (queue) has its own shadow: an id is
 * only ever judged against the requests of the ring it came back on. The id is the frontend's own index, never a
 * pointer: the backend cannot make the frontend touch anything but the
 * shadow of one of its own slots (STYLE's counter-example: Mini-OS's
 * aiocbp = rsp->id).
 */
#ifndef XPV_BLKIF_FRONT_H
#define XPV_BLKIF_FRONT_H

#include <xpv/blkif.h>

struct xpv_blkfront_shadow {
	u8 operation;		/* of the request in flight */
	bool in_flight;
};

enum xpv_blkfront_verdict {
	XPV_BLKFRONT_RSP_OKAY,
	XPV_BLKFRONT_RSP_NOTSUPP,	/* the backend does not do this operation */
	XPV_BLKFRONT_RSP_ERROR,		/* it failed the request */
	/* protocol violations: the ring is to latch broken */
	/* a status blkif.h has no name for (the request ended: fails with the ring) */
	XPV_BLKFRONT_RSP_BAD_STATUS,
	XPV_BLKFRONT_RSP_BAD_ID,	/* id beyond the ring's slots; nothing ended */
	XPV_BLKFRONT_RSP_NOT_IN_FLIGHT,	/* nothing in flight under that id */
	XPV_BLKFRONT_RSP_WRONG_OP,	/* not the operation of the request */
	XPV_BLKFRONT_NR_VERDICTS
};

static inline bool xpv_blkfront_violation(enum xpv_blkfront_verdict v)
{
	return v >= XPV_BLKFRONT_RSP_BAD_STATUS;
}

/* The operation a response to @req must carry: what the shadow records. */
u8 xpv_blkfront_rsp_op(const union xpv_blkif_req *req);
/* Mark slot @id in flight with @operation; -EBUSY if it already is. */
int xpv_blkfront_start(struct xpv_blkfront_shadow *sh, u32 nr, u32 id, u8 operation);
/* Check @rsp against the @nr shadows; an outcome ends the request in flight. */
enum xpv_blkfront_verdict xpv_blkfront_check(struct xpv_blkfront_shadow *sh, u32 nr,
					     const struct xpv_blkif_rsp *rsp);
/* A word for the log. */
const char *xpv_blkfront_verdict_name(enum xpv_blkfront_verdict v);

#endif /* XPV_BLKIF_FRONT_H */
