/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The blkif wire format: what a block frontend and backend exchange over
 * their shared ring (Xen's public/io/blkif.h, x86_64 ABI).
 *
 * Pure modules include only xpv/types.h, so the layout is restated here and
 * checked field by field against Xen's own header in the unit tests. Every
 * quantity named "sector" on the wire counts 512-byte units whatever the
 * disk's "sector-size" (what Linux's blkfront and blkback do); a segment
 * names one 4 KiB granted page and the 512-byte sectors first..last in it.
 */
#ifndef XPV_BLKIF_H
#define XPV_BLKIF_H

#include <xpv/types.h>

#define XPV_BLKIF_OP_READ		0
#define XPV_BLKIF_OP_WRITE		1
#define XPV_BLKIF_OP_WRITE_BARRIER	2
#define XPV_BLKIF_OP_FLUSH_DISKCACHE	3
#define XPV_BLKIF_OP_RESERVED_1		4
#define XPV_BLKIF_OP_DISCARD		5
#define XPV_BLKIF_OP_INDIRECT		6

#define XPV_BLKIF_RSP_EOPNOTSUPP	(-2)
#define XPV_BLKIF_RSP_ERROR		(-1)
#define XPV_BLKIF_RSP_OKAY		0

#define XPV_BLKIF_MAX_SEGS		11	/* direct segments per request */
#define XPV_BLKIF_MAX_INDIRECT_PAGES	8	/* indirect pages per request */
#define XPV_BLKIF_PAGE_SIZE		4096u
#define XPV_BLKIF_SECTOR_SHIFT		9	/* wire sectors are 512 bytes */
#define XPV_BLKIF_SECTORS_PER_PAGE	(XPV_BLKIF_PAGE_SIZE >> XPV_BLKIF_SECTOR_SHIFT)

/* Grant refs below this are reserved for the toolstack (console, xenstore). */
#define XPV_GNTTAB_NR_RESERVED		8

#define XPV_VDISK_CDROM			0x1
#define XPV_VDISK_REMOVABLE		0x2
#define XPV_VDISK_READONLY		0x4

struct xpv_blkif_seg {
	u32 gref;
	u8 first_sect;
	u8 last_sect;
	u16 pad;
};

/* Segments per indirect page, and the most one request can name. */
#define XPV_BLKIF_SEGS_PER_INDIRECT_PAGE \
	(XPV_BLKIF_PAGE_SIZE / sizeof(struct xpv_blkif_seg))
#define XPV_BLKIF_MAX_INDIRECT_SEGS \
	(XPV_BLKIF_SEGS_PER_INDIRECT_PAGE * XPV_BLKIF_MAX_INDIRECT_PAGES)

struct xpv_blkif_rw {
	u8 operation;
	u8 nr_segments;
	u16 handle;
	u32 pad;
	u64 id;
	u64 sector_number;
	struct xpv_blkif_seg seg[XPV_BLKIF_MAX_SEGS];
};

struct xpv_blkif_discard {
	u8 operation;
	u8 flag;
	u16 handle;
	u32 pad;
	u64 id;
	u64 sector_number;
	u64 nr_sectors;
};

struct xpv_blkif_indirect {
	u8 operation;
	u8 indirect_op;
	u16 nr_segments;
	u32 pad;
	u64 id;
	u64 sector_number;
	u16 handle;
	u16 pad2;
	u32 indirect_grefs[XPV_BLKIF_MAX_INDIRECT_PAGES];
};

/* One ring slot as the frontend writes it. */
union xpv_blkif_req {
	u8 operation;
	struct xpv_blkif_rw rw;
	struct xpv_blkif_discard discard;
	struct xpv_blkif_indirect indirect;
};

struct xpv_blkif_rsp {
	u64 id;
	u8 operation;
	u8 pad;
	s16 status;
	u32 pad2;
};

XPV_STATIC_ASSERT(sizeof(struct xpv_blkif_seg) == 8, "blkif segment");
XPV_STATIC_ASSERT(sizeof(struct xpv_blkif_rw) == 112, "blkif request");
XPV_STATIC_ASSERT(sizeof(union xpv_blkif_req) == 112, "blkif ring slot");
XPV_STATIC_ASSERT(sizeof(struct xpv_blkif_rsp) == 16, "blkif response");

#endif /* XPV_BLKIF_H */
