// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Grant table v1 entries and id free lists: see xpv/gnttab.h.
 */
#include <xpv/gnttab.h>

XPV_STATIC_ASSERT(sizeof(struct xpv_gnt_entry) == 8, "grant_entry_v1 is 8 bytes");

void xpv_gnt_grant(struct xpv_gnt_entry *e, u16 domid, u32 frame, bool ro)
{
	e->domid = domid;
	e->frame = frame;
	xpv_wmb();	/* the peer may use the entry the moment flags say so */
	XPV_WRITE_ONCE(e->flags, (u16)(XPV_GTF_PERMIT_ACCESS |
				       (ro ? XPV_GTF_READONLY : 0)));
}

bool xpv_gnt_in_use(const struct xpv_gnt_entry *e)
{
	return XPV_READ_ONCE(e->flags) & (XPV_GTF_READING | XPV_GTF_WRITING);
}

bool xpv_gnt_try_end(struct xpv_gnt_entry *e)
{
	u16 flags = XPV_READ_ONCE(e->flags), seen;

	/* Xen sets reading/writing with a cmpxchg too: one of us wins. */
	for (;;) {
		if (flags & (XPV_GTF_READING | XPV_GTF_WRITING))
			return false;
		seen = xpv_cmpxchg(&e->flags, flags, (u16)0);
		if (seen == flags)
			return true;
		flags = seen;
	}
}

void xpv_idfree_init(struct xpv_idfree *f, u32 *link, u32 first, u32 nr)
{
	u32 i;

	f->link = link;
	f->first = first;
	f->nr = nr;
	for (i = 0; i < nr; i++)
		link[i] = i + 1 < nr ? i + 1 : XPV_ID_END;
	f->head = nr ? 0 : XPV_ID_END;
	f->nr_free = nr;
}

s64 xpv_idfree_get(struct xpv_idfree *f)
{
	u32 i = f->head;

	if (i == XPV_ID_END)
		return -ENOSPC;
	f->head = f->link[i];
	f->link[i] = XPV_ID_USED;
	f->nr_free--;
	return (s64)f->first + i;
}

int xpv_idfree_put(struct xpv_idfree *f, u32 id)
{
	u32 i = id - f->first;

	if (id < f->first || i >= f->nr || f->link[i] != XPV_ID_USED)
		return -EINVAL;
	f->link[i] = f->head;
	f->head = i;
	f->nr_free++;
	return 0;
}
