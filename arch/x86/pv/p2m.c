// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xpv port's P2M and M2P (the model is in <asm/xpv/p2m.h>).
 *
 * The P2M stays where Xen's domain builder put it, in the bootstrap area
 * right after the kernel image (and initrd): a flat array of nr_pages
 * entries, reached through the direct map once our own page tables are
 * in (mmu.c drops the kernel high map of everything past the image). We
 * keep no balloon, so the array never grows.
 *
 * The M2P is bounded by XENMEM_maximum_ram_page: a frame above the last
 * RAM frame has no entry, and reading one would fault.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
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
