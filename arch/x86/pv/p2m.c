// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xpv port's P2M and M2P (the model is in <asm/xpv/p2m.h>).
 *
 * The P2M stays where Xen's domain builder put it, in the bootstrap area
 * right after the kernel image (and initrd): a flat array of nr_pages
 * entries, reached through the direct map once our own page tables are
 * in (mmu.c drops the kernel high map of everything past the image). The
 * balloon (reservation.c) only empties and refills entries: the array
 * never grows.
 *
 * For the toolstack (save, migration) the P2M is also published by machine
 * frames in shared_info: the frame list (see <asm/xpv/p2m.h>), built once
 * the page allocator runs and published again whenever the frames change
 * (a resume: every MFN is new).
 *
 * The M2P is bounded by XENMEM_maximum_ram_page: a frame above the last
 * RAM frame has no entry, and reading one would fault.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <xen/interface/xen.h>
#include <asm/page.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

struct xpv_p2m xpv_p2m __ro_after_init;

void __init xpv_p2m_init(const struct start_info *si)
{
	long max_mfn = xpv_memory_op(XENMEM_maximum_ram_page, NULL);

	if (max_mfn < 0) {
		xpv_early_printf("xpv: XENMEM_maximum_ram_page: %ld\n", max_mfn);
		max_mfn = MACH2PHYS_NR_ENTRIES - 1;
	}
	xpv_p2m.p2m = (unsigned long *)si->mfn_list;
	xpv_p2m.nr_pfns = si->nr_pages;
	xpv_p2m.m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
	xpv_p2m.nr_mfns = min_t(unsigned long, max_mfn + 1,
				MACH2PHYS_NR_ENTRIES);
}

/* After the high map of the bootstrap area is gone (mmu.c). */
void __init xpv_p2m_use_direct_map(void)
{
	xpv_p2m.p2m = __va(__pa(xpv_p2m.p2m));
}

unsigned long xpv_virt_to_machine(const void *va)
{
	unsigned long pa = __pa(va);
	unsigned long mfn = xpv_pfn_to_mfn(PFN_DOWN(pa));

	return (mfn << PAGE_SHIFT) | offset_in_page(pa);
}

void xpv_p2m_fl_fill(struct xpv_p2m_fl *fl, const struct xpv_p2m *t,
		     unsigned long (*mfn_of)(const void *va))
{
	unsigned long leaves = xpv_p2m_fl_nr_leaves(t->nr_pfns), i;

	for (i = 0; i < fl->nr_mid * XPV_P2M_PER_PAGE; i++)
		fl->mid[i / XPV_P2M_PER_PAGE][i % XPV_P2M_PER_PAGE] =
			i < leaves ? mfn_of(t->p2m + i * XPV_P2M_PER_PAGE) :
				     XPV_INVALID_MFN;
	for (i = 0; i < XPV_P2M_PER_PAGE; i++)
		fl->top[i] = i < fl->nr_mid ? mfn_of(fl->mid[i]) :
					      XPV_INVALID_MFN;
}
EXPORT_SYMBOL_GPL(xpv_p2m_fl_fill);

static struct xpv_p2m_fl xpv_p2m_fl;

static unsigned long xpv_mfn_of(const void *va)
{
	return PFN_DOWN(xpv_virt_to_machine(va));
}

/* Fill the frame list for the current MFNs and point shared_info at it. */
void xpv_p2m_fl_publish(void)
{
	struct arch_shared_info *arch = &xpv_shared_info->arch;

	if (!xpv_p2m_fl.top)
		return;
	xpv_p2m_fl_fill(&xpv_p2m_fl, &xpv_p2m, xpv_mfn_of);
	WRITE_ONCE(arch->max_pfn, xpv_p2m.nr_pfns);
	WRITE_ONCE(arch->pfn_to_mfn_frame_list_list, xpv_mfn_of(xpv_p2m_fl.top));
}

static void *p2m_fl_page(void)
{
	return (void *)__get_free_page(GFP_KERNEL);
}

/*
 * The toolstack maps the P2M by whole pages: a P2M that does not start a
 * page cannot be published (Xen's domain builder starts it on one).
 */
static int __init xpv_p2m_fl_init(void)
{
	struct xpv_p2m_fl *fl = &xpv_p2m_fl;
	unsigned long j, nr_mid = xpv_p2m_fl_nr_mid(xpv_p2m.nr_pfns);

	if (offset_in_page(xpv_p2m.p2m) || nr_mid > XPV_P2M_PER_PAGE) {
		pr_err("xpv: P2M at %p (%lu pfns) cannot be published: no save or migration\n",
		       xpv_p2m.p2m, xpv_p2m.nr_pfns);
		return -EINVAL;
	}
	fl->mid = kcalloc(nr_mid, sizeof(*fl->mid), GFP_KERNEL);
	if (!fl->mid)
		return -ENOMEM;
	for (j = 0; j < nr_mid; j++) {
		fl->mid[j] = p2m_fl_page();
		if (!fl->mid[j])
			return -ENOMEM;	/* a few pages kept: boot goes on */
	}
	fl->nr_mid = nr_mid;
	fl->top = p2m_fl_page();
	if (!fl->top)
		return -ENOMEM;
	xpv_p2m_fl_publish();
	return 0;
}
arch_initcall(xpv_p2m_fl_init);
