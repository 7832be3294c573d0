/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pfn <-> mfn lookups of the xpv port.
 *
 * Linux numbers its memory in pseudo-physical frames (pfn 0 .. nr_pages-1);
 * page tables, the GDT and cr3 hold machine frames (mfn). Two tables join
 * the pictures:
 *
 *   P2M  pfn -> mfn  ours, one unsigned long per pfn (start_info.mfn_list),
 *                    ~0 where no frame backs the pfn;
 *   M2P  mfn -> pfn  Xen's, read-only at MACH2PHYS_VIRT_START, one entry
 *                    per machine frame of the host.
 *
 * The M2P answers for frames that are not ours as well (another domain's,
 * Xen's, I/O), with whatever their owner wrote there. So an M2P answer
 * counts only when our P2M maps the pfn back to the same mfn.
 *
 * The lookups take the tables as arguments so KUnit can feed them fakes.
 */
#ifndef _ASM_X86_XPV_P2M_H
#define _ASM_X86_XPV_P2M_H

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/math.h>
#include <asm/page_types.h>
#include <linux/types.h>

#define XPV_INVALID_MFN	(~0UL)
#define XPV_INVALID_PFN	(~0UL)

struct xpv_p2m {
	unsigned long *p2m;		/* pfn -> mfn, nr_pfns entries */
	unsigned long nr_pfns;
	const unsigned long *m2p;	/* mfn -> pfn, nr_mfns entries */
	unsigned long nr_mfns;
};

static inline unsigned long xpv_p2m_lookup(const struct xpv_p2m *t,
					   unsigned long pfn)
{
	return pfn < t->nr_pfns ? t->p2m[pfn] : XPV_INVALID_MFN;
}

/* The pfn of one of our frames, or XPV_INVALID_PFN for any other frame. */
static inline unsigned long xpv_m2p_lookup(const struct xpv_p2m *t,
					   unsigned long mfn)
{
	unsigned long pfn;

	if (mfn >= t->nr_mfns)
		return XPV_INVALID_PFN;
	pfn = READ_ONCE(t->m2p[mfn]);
	if (xpv_p2m_lookup(t, pfn) != mfn)
		return XPV_INVALID_PFN;
	return pfn;
}

/* Back pfn by mfn (XPV_INVALID_MFN: by nothing); -EINVAL past the end. */
static inline int xpv_p2m_set(struct xpv_p2m *t, unsigned long pfn,
			      unsigned long mfn)
{
	if (pfn >= t->nr_pfns)
		return -EINVAL;
	t->p2m[pfn] = mfn;
	return 0;
}

/*
 * The toolstack's view of the P2M (xl save, migration): it does not know
 * where our P2M lies in our address space, so shared_info names it by
 * machine frames, three levels deep:
 *
 *   arch.pfn_to_mfn_frame_list_list  the MFN of the top page: MFNs of
 *                                    the mid pages;
 *   mid page j, slot k               the MFN of P2M page j * PER_PAGE + k;
 *   P2M page i                       the mfns of pfns i * PER_PAGE ...
 *
 * and arch.max_pfn the number of pfns the P2M covers. Our P2M is flat, so
 * its pages are simply consecutive; unused slots hold XPV_INVALID_MFN.
 */
#define XPV_P2M_PER_PAGE	(PAGE_SIZE / sizeof(unsigned long))

struct xpv_p2m_fl {
	unsigned long *top;		/* one page */
	unsigned long **mid;		/* nr_mid pages */
	unsigned long nr_mid;
};

static inline unsigned long xpv_p2m_fl_nr_leaves(unsigned long nr_pfns)
{
	return DIV_ROUND_UP(nr_pfns, XPV_P2M_PER_PAGE);
}

static inline unsigned long xpv_p2m_fl_nr_mid(unsigned long nr_pfns)
{
	return DIV_ROUND_UP(xpv_p2m_fl_nr_leaves(nr_pfns), XPV_P2M_PER_PAGE);
}

/* Fill @fl for @t; @mfn_of gives the MFN of a page of ours (or a fake). */
void xpv_p2m_fl_fill(struct xpv_p2m_fl *fl, const struct xpv_p2m *t,
		     unsigned long (*mfn_of)(const void *va));

/* The port's own tables (p2m.c). */
extern struct xpv_p2m xpv_p2m;

static inline unsigned long xpv_pfn_to_mfn(unsigned long pfn)
{
	return xpv_p2m_lookup(&xpv_p2m, pfn);
}

static inline unsigned long xpv_mfn_to_pfn(unsigned long mfn)
{
	return xpv_m2p_lookup(&xpv_p2m, mfn);
}

/* Machine address of a kernel virtual address (image or direct map). */
unsigned long xpv_virt_to_machine(const void *va);

#endif /* _ASM_X86_XPV_P2M_H */
