// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * blkif_back: check one blkif request copied off the ring; see
 * xpv/blkif_back.h. Modelled on QEMU's xen-block dataplane and Linux's
 * xen-blkback: every field is checked before it is used, in the order
 * operation, segment count, segments, sector range.
 *
 * WHY all of it: the slot is written by the guest. A count trusted here
 * walks past an array, a sector range trusted here reads or writes another
 * guest's data or the host's, a grant ref trusted here hands the guest's
 * xenstore or console page to the disk. The copy the caller made is the
 * only thing read, once per field.
 */
#include <xpv/blkif_back.h>

/* 512-byte wire sectors per logical sector. */
static u32 sect_per_lsect(const struct xpv_blkback_geom *g)
{
	return g->sector_size >> XPV_BLKIF_SECTOR_SHIFT;
}

static bool aligned(const struct xpv_blkback_geom *g, u64 n)
{
	return (n & (sect_per_lsect(g) - 1)) == 0;
}

static bool bad_gref(u32 gref)
{
	return gref < XPV_GNTTAB_NR_RESERVED;
}

static enum xpv_blkback_verdict check_seg(const struct xpv_blkback_geom *g,
					  const struct xpv_blkif_seg *w,
					  struct xpv_blkback_seg *s)
{
	u32 gref = w->gref;
	u8 first = w->first_sect, last = w->last_sect;

	if (bad_gref(gref))
		return XPV_BLKBACK_BAD_GREF;
	if (first > last || last >= XPV_BLKIF_SECTORS_PER_PAGE)
		return XPV_BLKBACK_BAD_SECT;
	if (!aligned(g, last - first + 1u))
		return XPV_BLKBACK_BAD_ALIGN;
	s->gref = gref;
	s->offset = (u16)(first << XPV_BLKIF_SECTOR_SHIFT);
	s->len = (u16)((last - first + 1u) << XPV_BLKIF_SECTOR_SHIFT);
	return XPV_BLKBACK_OK;
}

/* The sectors [sector, sector + n) lie on the disk, without overflow. */
static enum xpv_blkback_verdict check_range(const struct xpv_blkback_geom *g,
					    u64 sector, u64 n)
{
	if (!aligned(g, sector) || !aligned(g, n))
		return XPV_BLKBACK_BAD_ALIGN;
	if (n > g->nr_sectors || sector > g->nr_sectors - n)
		return XPV_BLKBACK_BAD_RANGE;
	return XPV_BLKBACK_OK;
}

static enum xpv_blkback_verdict check_segs(struct xpv_blkback_req *req,
					   const struct xpv_blkback_geom *g,
					   const struct xpv_blkif_seg *wire,
					   struct xpv_blkback_seg *segs)
{
	enum xpv_blkback_verdict v;
	u16 i;

	req->nr_sectors = 0;
	for (i = 0; i < req->nr_segs; i++) {
		v = check_seg(g, &wire[i], &segs[i]);
		if (v != XPV_BLKBACK_OK)
			return v;
		req->nr_sectors += segs[i].len >> XPV_BLKIF_SECTOR_SHIFT;
	}
	return check_range(g, req->sector, req->nr_sectors);
}

static bool writes(u8 op)
{
	return op == XPV_BLKIF_OP_WRITE || op == XPV_BLKIF_OP_DISCARD;
}

/* READ, WRITE, and FLUSH (a flush may carry data, written after it). */
static enum xpv_blkback_verdict parse_rw(const struct xpv_blkif_rw *rw,
					 const struct xpv_blkback_geom *g,
					 struct xpv_blkback_req *req,
					 struct xpv_blkback_seg *segs)
{
	bool flush = rw->operation == XPV_BLKIF_OP_FLUSH_DISKCACHE;

	req->nr_segs = rw->nr_segments;
	req->sector = rw->sector_number;
	if (flush && !g->flush)
		return XPV_BLKBACK_BAD_OP;
	if ((!flush && !req->nr_segs) || req->nr_segs > XPV_BLKIF_MAX_SEGS)
		return XPV_BLKBACK_BAD_NSEG;
	if (g->read_only && (writes(req->op) || (flush && req->nr_segs)))
		return XPV_BLKBACK_READ_ONLY;
	if (flush && !req->nr_segs) {
		req->sector = 0;
		return XPV_BLKBACK_OK;
	}
	return check_segs(req, g, rw->seg, segs);
}

static enum xpv_blkback_verdict parse_discard(const struct xpv_blkif_discard *d,
					      const struct xpv_blkback_geom *g,
					      struct xpv_blkback_req *req)
{
	if (!g->discard)
		return XPV_BLKBACK_BAD_OP;
	if (g->read_only)
		return XPV_BLKBACK_READ_ONLY;
	req->sector = d->sector_number;
	req->nr_sectors = d->nr_sectors;
	return check_range(g, req->sector, req->nr_sectors);
}

static enum xpv_blkback_verdict parse_indirect(const struct xpv_blkif_indirect *in,
					       const struct xpv_blkback_geom *g,
					       struct xpv_blkback_req *req)
{
	u8 i;

	if (!g->max_indirect_segs)
		return XPV_BLKBACK_BAD_OP;
	req->op = in->indirect_op;
	req->rsp_op = req->op;
	if (req->op != XPV_BLKIF_OP_READ && req->op != XPV_BLKIF_OP_WRITE)
		return XPV_BLKBACK_BAD_OP;
	req->nr_segs = in->nr_segments;
	req->sector = in->sector_number;
	if (!req->nr_segs || req->nr_segs > g->max_indirect_segs ||
	    req->nr_segs > XPV_BLKIF_MAX_INDIRECT_SEGS)
		return XPV_BLKBACK_BAD_NSEG;
	if (g->read_only && req->op == XPV_BLKIF_OP_WRITE)
		return XPV_BLKBACK_READ_ONLY;
	req->nr_indirect = (u8)((req->nr_segs + XPV_BLKIF_SEGS_PER_INDIRECT_PAGE - 1) /
				XPV_BLKIF_SEGS_PER_INDIRECT_PAGE);
	for (i = 0; i < req->nr_indirect; i++) {
		req->indirect_grefs[i] = in->indirect_grefs[i];
		if (bad_gref(req->indirect_grefs[i]))
			return XPV_BLKBACK_BAD_GREF;
	}
	return XPV_BLKBACK_NEED_INDIRECT;
}

/**
 * xpv_blkback_parse() - check a request copied off the ring
 * @wire: the private copy of the slot
 * @g: what was advertised to this frontend
 * @req: filled in; id and rsp_op are valid whatever the verdict, so the
 *       caller can always answer
 * @segs: room for XPV_BLKIF_MAX_SEGS checked segments
 *
 * Return: XPV_BLKBACK_OK, XPV_BLKBACK_NEED_INDIRECT, or what was wrong.
 */
enum xpv_blkback_verdict xpv_blkback_parse(const union xpv_blkif_req *wire,
					   const struct xpv_blkback_geom *g,
					   struct xpv_blkback_req *req,
					   struct xpv_blkback_seg *segs)
{
	memset(req, 0, sizeof(*req));
	req->id = wire->rw.id;
	req->op = wire->operation;
	req->rsp_op = req->op;
	switch (req->op) {
	case XPV_BLKIF_OP_READ:
	case XPV_BLKIF_OP_WRITE:
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		return parse_rw(&wire->rw, g, req, segs);
	case XPV_BLKIF_OP_DISCARD:
		return parse_discard(&wire->discard, g, req);
	case XPV_BLKIF_OP_INDIRECT:
		return parse_indirect(&wire->indirect, g, req);
	default:
		return XPV_BLKBACK_BAD_OP;
	}
}

/**
 * xpv_blkback_parse_indirect() - check the segments of an indirect request
 * @req: as left by xpv_blkback_parse() with XPV_BLKBACK_NEED_INDIRECT
 * @wire: a private copy of the req->nr_indirect pages, read once here
 * @segs: room for req->nr_segs checked segments
 *
 * Return: XPV_BLKBACK_OK or what was wrong.
 */
enum xpv_blkback_verdict
xpv_blkback_parse_indirect(struct xpv_blkback_req *req,
			   const struct xpv_blkback_geom *g,
			   const struct xpv_blkif_seg *wire,
			   struct xpv_blkback_seg *segs)
{
	if (!req->nr_indirect)
		return XPV_BLKBACK_BAD_NSEG;
	return check_segs(req, g, wire, segs);
}

/** xpv_blkback_status() - the response status for a verdict */
s16 xpv_blkback_status(enum xpv_blkback_verdict v)
{
	switch (v) {
	case XPV_BLKBACK_OK:
		return XPV_BLKIF_RSP_OKAY;
	case XPV_BLKBACK_BAD_OP:
		return XPV_BLKIF_RSP_EOPNOTSUPP;
	default:
		return XPV_BLKIF_RSP_ERROR;
	}
}

/** xpv_blkback_verdict_name() - a short name for logs and counters */
const char *xpv_blkback_verdict_name(enum xpv_blkback_verdict v)
{
	static const char *const names[XPV_BLKBACK_NR_VERDICTS] = {
		[XPV_BLKBACK_OK] = "ok",
		[XPV_BLKBACK_NEED_INDIRECT] = "need-indirect",
		[XPV_BLKBACK_BAD_OP] = "bad-op",
		[XPV_BLKBACK_BAD_NSEG] = "bad-nr-segments",
		[XPV_BLKBACK_BAD_SECT] = "bad-sector-in-page",
		[XPV_BLKBACK_BAD_GREF] = "bad-grant-ref",
		[XPV_BLKBACK_BAD_RANGE] = "beyond-end-of-disk",
		[XPV_BLKBACK_BAD_ALIGN] = "misaligned",
		[XPV_BLKBACK_READ_ONLY] = "read-only",
	};

	return (unsigned int)v < XPV_BLKBACK_NR_VERDICTS ? names[v] : "?";
}

/** xpv_blkback_response() - fill a response slot (or a private copy) */
void xpv_blkback_response(struct xpv_blkif_rsp *rsp,
			  const struct xpv_blkback_req *req, s16 status)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->id = req->id;
	rsp->operation = req->rsp_op;
	rsp->status = status;
}
