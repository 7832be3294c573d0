// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * blkif_front: see xpv/blkif_front.h.
 */
#include <xpv/blkif_front.h>

int xpv_blkfront_start(struct xpv_blkfront_shadow *sh, u32 nr, u32 id, u8 operation)
{
	if (id >= nr || sh[id].in_flight)
		return -EBUSY;
	sh[id].operation = operation;
	sh[id].in_flight = true;
	return 0;
}

/*
 * An indirect request is answered with the operation it carries inside
 * (Linux's blkback and blkfront agree on that), anything else with its own.
 */
u8 xpv_blkfront_rsp_op(const union xpv_blkif_req *req)
{
	if (req->operation == XPV_BLKIF_OP_INDIRECT)
		return req->indirect.indirect_op;
	return req->operation;
}

static enum xpv_blkfront_verdict outcome(s16 status)
{
	switch (status) {
	case XPV_BLKIF_RSP_OKAY:
		return XPV_BLKFRONT_RSP_OKAY;
	case XPV_BLKIF_RSP_EOPNOTSUPP:
		return XPV_BLKFRONT_RSP_NOTSUPP;
	case XPV_BLKIF_RSP_ERROR:
		return XPV_BLKFRONT_RSP_ERROR;
	default:
		return XPV_BLKFRONT_RSP_BAD_STATUS;
	}
}

enum xpv_blkfront_verdict xpv_blkfront_check(struct xpv_blkfront_shadow *sh, u32 nr,
					     const struct xpv_blkif_rsp *rsp)
{
	struct xpv_blkfront_shadow *s;

	if (rsp->id >= nr)
		return XPV_BLKFRONT_RSP_BAD_ID;
	s = &sh[rsp->id];
	if (!s->in_flight)
		return XPV_BLKFRONT_RSP_NOT_IN_FLIGHT;
	if (s->operation != rsp->operation)
		return XPV_BLKFRONT_RSP_WRONG_OP;
	s->in_flight = false;
	return outcome(rsp->status);
}

const char *xpv_blkfront_verdict_name(enum xpv_blkfront_verdict v)
{
	static const char *const names[XPV_BLKFRONT_NR_VERDICTS] = {
		[XPV_BLKFRONT_RSP_OKAY] = "okay",
		[XPV_BLKFRONT_RSP_NOTSUPP] = "not supported",
		[XPV_BLKFRONT_RSP_ERROR] = "error",
		[XPV_BLKFRONT_RSP_BAD_STATUS] = "unknown status",
		[XPV_BLKFRONT_RSP_BAD_ID] = "id out of range",
		[XPV_BLKFRONT_RSP_NOT_IN_FLIGHT] = "id not in flight",
		[XPV_BLKFRONT_RSP_WRONG_OP] = "wrong operation",
	};

	return (unsigned int)v < XPV_BLKFRONT_NR_VERDICTS ? names[v] : "?";
}
