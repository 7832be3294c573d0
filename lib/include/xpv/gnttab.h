/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * gnttab: a guest's side of grant table v1, without the hypervisor.
 *
 * Granting a frame is three fields of a shared entry; the other domain
 * then maps or copies it, and Xen sets GTF_reading/GTF_writing in the
 * entry while it holds a mapping. Access ends only when neither is set,
 * atomically: a peer that still maps the page keeps it, and the page may
 * not be reused or freed until a later attempt succeeds (the lesson of
 * XSA-396). Grant references come from a free list of ids; the first
 * XPV_GNT_NR_RESERVED belong to the toolstack (console, xenstore).
 *
 * The entry layout is restated here and checked against Xen's
 * public/grant_table.h in the unit tests.
 */
#ifndef XPV_GNTTAB_H
#define XPV_GNTTAB_H

#include <xpv/types.h>

#define XPV_GNT_NR_RESERVED	8
#define XPV_GNT_PER_PAGE	(4096 / sizeof(struct xpv_gnt_entry))

#define XPV_GTF_PERMIT_ACCESS	(1u << 0)
#define XPV_GTF_READONLY	(1u << 2)
#define XPV_GTF_READING		(1u << 3)
#define XPV_GTF_WRITING		(1u << 4)

struct xpv_gnt_entry {
	u16 flags;
	u16 domid;
	u32 frame;		/* a PV guest grants machine frames */
};

/* Let @domid map @frame (read-only if @ro); the entry must be unused. */
void xpv_gnt_grant(struct xpv_gnt_entry *e, u16 domid, u32 frame, bool ro);
/* End access: true if done, false while the peer still maps the frame. */
bool xpv_gnt_try_end(struct xpv_gnt_entry *e);
/* Whether the peer maps the frame now. */
bool xpv_gnt_in_use(const struct xpv_gnt_entry *e);

/*
 * A free list of ids first..first+nr-1 (grant refs, ring request ids),
 * O(1) both ways, over an array of @nr links the caller provides. Not
 * locked: the caller's lock covers it.
 */
struct xpv_idfree {
	u32 *link;		/* next free id, or XPV_ID_END / XPV_ID_USED */
	u32 first, nr;
	u32 head;		/* first free id - first, or XPV_ID_END */
	u32 nr_free;
};

#define XPV_ID_END	0xffffffffu
#define XPV_ID_USED	0xfffffffeu

void xpv_idfree_init(struct xpv_idfree *f, u32 *link, u32 first, u32 nr);
/* Take a free id: the id, or -ENOSPC. */
s64 xpv_idfree_get(struct xpv_idfree *f);
/* Give one back: 0, or -EINVAL for an id out of range or already free. */
int xpv_idfree_put(struct xpv_idfree *f, u32 id);

#endif /* XPV_GNTTAB_H */
