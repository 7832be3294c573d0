/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * blkif_back: a block backend's check of one request from its frontend.
 *
 * The backend copies a slot off the ring (xpv_ring_consume) and hands the
 * copy here with what it advertised (disk size, sector size, read-only,
 * flush, discard, indirect segments). Out comes either a request reduced to
 * what the I/O path needs - an operation, a 512-byte sector range checked
 * against the disk, and segments as byte ranges inside granted pages - or a
 * verdict saying what was wrong, which the backend counts and answers with
 * xpv_blkback_status() for that request alone. Nothing the frontend wrote
 * is used unchecked, and nothing here allocates or fails any other way.
 *
 * Indirect requests come in two steps: the header is checked first and the
 * verdict XPV_BLKBACK_NEED_INDIRECT asks the caller to copy the
 * nr_indirect pages named in indirect_grefs, then xpv_blkback_parse_indirect()
 * checks the segments in that copy.
 */
#ifndef XPV_BLKIF_BACK_H
#define XPV_BLKIF_BACK_H

#include <xpv/blkif.h>

/* What the backend advertised to this frontend, after negotiation. */
struct xpv_blkback_geom {
	u64 nr_sectors;		/* disk size in 512-byte units */
	u32 sector_size;	/* logical block size, 512 or 4096 */
	bool read_only;		/* mode = "r" */
	bool flush;		/* feature-flush-cache */
	bool discard;		/* feature-discard */
	u16 max_indirect_segs;	/* feature-max-indirect-segments, 0: none */
};

/* One checked segment: bytes [offset, offset + len) of a granted page. */
struct xpv_blkback_seg {
	u32 gref;
	u16 offset;
	u16 len;
};

enum xpv_blkback_verdict {
	XPV_BLKBACK_OK,
	XPV_BLKBACK_NEED_INDIRECT,	/* fetch the indirect pages, then parse them */
	XPV_BLKBACK_BAD_OP,		/* unknown or not advertised: EOPNOTSUPP */
	XPV_BLKBACK_BAD_NSEG,		/* segment count wrong for the operation */
	XPV_BLKBACK_BAD_SECT,		/* first_sect > last_sect or past the page */
	XPV_BLKBACK_BAD_GREF,		/* a grant ref reserved for the toolstack */
	XPV_BLKBACK_BAD_RANGE,		/* sectors beyond the end of the disk */
	XPV_BLKBACK_BAD_ALIGN,		/* not whole logical sectors */
	XPV_BLKBACK_READ_ONLY,		/* write or discard to a read-only disk */
	XPV_BLKBACK_NR_VERDICTS
};

/* A request as the I/O path sees it, apart from the wire slot. */
struct xpv_blkback_req {
	u64 id;			/* the frontend's cookie, echoed back */
	u64 sector;		/* first 512-byte sector on the disk */
	u64 nr_sectors;		/* 512-byte sectors covered by the segments */
	u8 op;			/* READ, WRITE, FLUSH_DISKCACHE or DISCARD */
	u8 rsp_op;		/* operation the response carries */
	u8 nr_indirect;		/* pages to fetch after NEED_INDIRECT */
	u16 nr_segs;		/* checked entries in the caller's segs[] */
	u32 indirect_grefs[XPV_BLKIF_MAX_INDIRECT_PAGES];
};

enum xpv_blkback_verdict xpv_blkback_parse(const union xpv_blkif_req *wire,
					   const struct xpv_blkback_geom *g,
					   struct xpv_blkback_req *req,
					   struct xpv_blkback_seg *segs);
enum xpv_blkback_verdict
xpv_blkback_parse_indirect(struct xpv_blkback_req *req,
			   const struct xpv_blkback_geom *g,
			   const struct xpv_blkif_seg *wire,
			   struct xpv_blkback_seg *segs);
s16 xpv_blkback_status(enum xpv_blkback_verdict v);
const char *xpv_blkback_verdict_name(enum xpv_blkback_verdict v);
void xpv_blkback_response(struct xpv_blkif_rsp *rsp,
			  const struct xpv_blkback_req *req, s16 status);

#endif /* XPV_BLKIF_BACK_H */
