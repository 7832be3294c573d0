// SPDX-License-Identifier: GPL-2.0-only
/*
 * From Xen's bootstrap page tables to the kernel's own, once, at boot.
 *
 * The layout we build is drawn in mmu.c. The order is what Xen demands:
 * fill the new table pages while they are still writable, make each one
 * read-only (one multicall), then pin the new top (Xen validates the
 * whole tree, recursively) and make it the base, then unpin the old top.
 * Xen's L2 and L1s stay in use; its L4 and L3 become plain pages.
 *
 * Xen's release build does not say why it refuses a table, so every
 * failure here prints what we asked for before the domain is crashed:
 * nothing after this point can run on half-switched tables.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <asm/pgtable.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

/* The direct map's L3: its first entry reuses Xen's bootstrap L2. */
static pud_t xpv_l3_direct[PTRS_PER_PUD] __page_aligned_bss;

#define XPV_FIXMAP_PMD_FIRST	(PTRS_PER_PMD - 4 - FIXMAP_PMD_NUM)

static void __noreturn pt_fail(const char *what, unsigned long arg, long rc)
{
	xpv_early_printf("xpv: page tables: %s %#lx: %ld\n", what, arg, rc);
	xpv_shutdown(SHUTDOWN_crash);
}

/* The bootstrap-map address of the table an entry of Xen's points to. */
static u64 *__init bootstrap_table(u64 entry)
{
	unsigned long mfn = (entry & PTE_PFN_MASK) >> PAGE_SHIFT;
	unsigned long pfn = xpv_mfn_to_pfn(mfn);

	if (!(entry & _PAGE_PRESENT) || pfn == XPV_INVALID_PFN)
		pt_fail("bootstrap entry not ours", entry, -EINVAL);
	return (u64 *)(__START_KERNEL_map + PFN_PHYS(pfn));
}

static u64 __init table_entry(const void *table)
{
	return xpv_virt_to_machine(table) | _KERNPG_TABLE;
}

static void __init fill_tables(u64 *xl3, u64 *xl2)
{
	u64 *top = (u64 *)init_top_pgt;
	u64 *l3k = (u64 *)level3_kernel_pgt;
	u64 *l2f = (u64 *)level2_fixmap_pgt;
	int i;

	memset(top, 0, PAGE_SIZE);
	memset(xpv_l3_direct, 0, PAGE_SIZE);
	xpv_l3_direct[0].pud = xl3[pud_index(__START_KERNEL_map)];
	top[pgd_index(__PAGE_OFFSET)] = table_entry(xpv_l3_direct);
	top[pgd_index(__START_KERNEL_map)] = table_entry(level3_kernel_pgt);

	memset(l3k, 0, PAGE_SIZE);
	l3k[pud_index(__START_KERNEL_map)] = table_entry(level2_kernel_pgt);
	l3k[pud_index(__START_KERNEL_map) + 1] = table_entry(level2_fixmap_pgt);

	/* Static PSE entries go: the image is mapped by Xen's L1s. */
	memcpy(level2_kernel_pgt, xl2, PAGE_SIZE);

	memset(l2f, 0, PAGE_SIZE);
	for (i = 0; i < FIXMAP_PMD_NUM; i++)
		l2f[XPV_FIXMAP_PMD_FIRST + i] =
			table_entry(&level1_fixmap_pgt[i * PTRS_PER_PTE]);
	memset(level1_fixmap_pgt, 0, FIXMAP_PMD_NUM * PAGE_SIZE);
}

static void __init queue_ro(void *va)
{
	struct multicall_entry *mc = xpv_mc_entry();

	mc->op = __HYPERVISOR_update_va_mapping;
	mc->args[0] = (unsigned long)va;
	mc->args[1] = (xpv_virt_to_machine(va) & PAGE_MASK) |
		      _PAGE_PRESENT | _PAGE_ACCESSED;
	mc->args[2] = UVMF_INVLPG;
}

static void __init make_tables_ro(void)
{
	int i;
	long rc;

	queue_ro(init_top_pgt);
	queue_ro(level3_kernel_pgt);
	queue_ro(level2_kernel_pgt);
	queue_ro(level2_fixmap_pgt);
	for (i = 0; i < FIXMAP_PMD_NUM; i++)
		queue_ro(&level1_fixmap_pgt[i * PTRS_PER_PTE]);
	queue_ro(xpv_l3_direct);
	rc = xpv_mc_flush();
	if (rc)
		pt_fail("read-only transition", 0, rc);
}

static void __init switch_base(unsigned long old_top_mfn)
{
	unsigned long top = xpv_virt_to_machine(init_top_pgt) >> PAGE_SHIFT;
	struct mmuext_op op[2] = {
		{ .cmd = MMUEXT_PIN_L4_TABLE, .arg1.mfn = top },
		{ .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = top },
	};
	struct mmuext_op unpin = {
		.cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = old_top_mfn,
	};
	unsigned int done = 0;
	long rc;

	rc = xpv_mmuext_op(op, 2, &done);
	if (rc)
		pt_fail(done ? "new base pointer" : "pin of init_top_pgt, mfn",
			top, rc);
	rc = xpv_mmuext_op(&unpin, 1, NULL);
	if (rc)
		xpv_early_printf("xpv: unpin bootstrap L4 %#lx: %ld\n",
				 old_top_mfn, rc);
}

/*
 * The bootstrap area must fit the one L2 we reuse, and stay below the
 * module area that follows the kernel image's 512 MB.
 */
static void __init check_bootstrap(const struct start_info *si, u64 *xl3)
{
	unsigned long end = si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE;

	if (end > MODULES_VADDR)
		pt_fail("bootstrap area reaches the module area, end", end,
			-E2BIG);
	if (xl3[pud_index(__START_KERNEL_map) + 1] & _PAGE_PRESENT)
		pt_fail("bootstrap area spans two L2s, L3 entry",
			xl3[pud_index(__START_KERNEL_map) + 1], -E2BIG);
}

void __init xpv_pagetable_init(const struct start_info *si)
{
	u64 *xl4 = (u64 *)si->pt_base;
	u64 *xl3 = bootstrap_table(xl4[pgd_index(__START_KERNEL_map)]);
	u64 *xl2 = bootstrap_table(xl3[pud_index(__START_KERNEL_map)]);

	check_bootstrap(si, xl3);
	fill_tables(xl3, xl2);
	make_tables_ro();
	switch_base(xpv_virt_to_machine(xl4) >> PAGE_SHIFT);
	xpv_mmu_set_cr3(__pa_symbol(init_top_pgt));

	/*
	 * What the kernel may use for early allocations: what lies below the
	 * P2M, which is below start_info, the rings and Xen's tables.
	 */
	max_pfn_mapped = PFN_DOWN(__pa(si->mfn_list));
	xpv_early_printf("xpv: on our own page tables, cr3 mfn %#lx\n",
			 xpv_virt_to_machine(init_top_pgt) >> PAGE_SHIFT);
}
