// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PV MMU of the xpv port: Xen checks every page table we use.
 *
 *  - Entries hold machine frames. Linux builds and reads entries with
 *    pfns; the make_* and *_val pv_ops convert through the P2M and M2P
 *    (p2m.h) on the way in and out.
 *  - A page is a page table (L1..L4) or writable, never both: every page
 *    table is read-only in every mapping before Xen will use it, and an
 *    update that would map a page table writable is refused.
 *  - Entries of live (pinned) tables go through mmu_update, queued in a
 *    lazy-MMU run and issued in one call when it ends. Xen would trap and
 *    emulate a plain store to a live L1 (VMASST_TYPE_writable_pagetables),
 *    but the trap costs more than the hypercall. Tables being built (an
 *    mm not pinned yet) are plain writable pages: plain stores.
 *  - cr3 is MMUEXT_NEW_BASEPTR with the machine frame of the top table.
 *  - Other CPUs' TLBs are flushed by Xen (MMUEXT_TLB_FLUSH_MULTI and
 *    MMUEXT_INVLPG_MULTI with a mask of vCPUs; vCPU n is CPU n): no IPI.
 *    Freed page tables go through RCU (tlb_remove_table), since no IPI
 *    holds them back from a lockless walk (GUP-fast) on another CPU.
 *
 * cr3 and the queue of mmu_updates are per CPU; the queue is used with
 * interrupts masked, so an interrupt handler that writes a table entry
 * (lazy mode does not reach into interrupts) issues it whole.
 *
 * Xen enters us on its bootstrap tables: one L4 -> L3 -> L2 (XL2) mapping
 * pfn 0.. at __START_KERNEL_map with 4K pages, the L1s covering the whole
 * bootstrap area. We move onto the kernel's own init_top_pgt at once,
 * laid out so every bootstrap frame keeps exactly one PTE (its L1 entry):
 *
 *   init_top_pgt[273] (direct map) -> xpv_l3_direct[0] -> XL2 --+
 *   init_top_pgt[511] -> level3_kernel_pgt[510]                 +-> Xen's L1s
 *                            -> level2_kernel_pgt (copy of XL2) --+
 *                        level3_kernel_pgt[511] -> level2_fixmap_pgt
 *                            -> level1_fixmap_pgt
 *
 * Making a bootstrap frame read-only then covers both its direct-map and
 * its kernel-image alias; the kernel's own page-table setup grows the
 * direct map from there through the hooks below.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <asm/fixmap.h>
#include <asm/paravirt.h>
#include <asm/pgtable.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/tlb.h>
#include <asm/tlbflush.h>
#include <asm/xpv/hypercall.h>
#include <../mm/mm_internal.h>
#include "pv.h"

/* Pseudo-physical cr3, as Linux wrote it on this CPU. */
static DEFINE_PER_CPU(unsigned long, xpv_cr3);

/* ---- entry values: pfn <-> mfn ---- */

static u64 entry_to_machine(u64 val)
{
	unsigned long mfn;

	if (!(val & _PAGE_PRESENT))
		return val;
	mfn = xpv_pfn_to_mfn((val & PTE_PFN_MASK) >> PAGE_SHIFT);
	if (mfn == XPV_INVALID_MFN)
		return 0;	/* no frame behind the pfn: leave it unmapped */
	return (val & ~PTE_PFN_MASK) | ((u64)mfn << PAGE_SHIFT);
}

static u64 entry_from_machine(u64 val)
{
	unsigned long pfn;

	if (!(val & _PAGE_PRESENT))
		return val;
	pfn = xpv_mfn_to_pfn((val & PTE_PFN_MASK) >> PAGE_SHIFT);
	/* Not our frame (shared_info, another domain's): an invalid pfn. */
	pfn &= PTE_PFN_MASK >> PAGE_SHIFT;
	return (val & ~PTE_PFN_MASK) | ((u64)pfn << PAGE_SHIFT);
}

__visible pteval_t xpv_pte_val(pte_t pte) { return entry_from_machine(pte.pte); }
__visible pte_t xpv_make_pte(pteval_t v) { return native_make_pte(entry_to_machine(v)); }
__visible pmdval_t xpv_pmd_val(pmd_t pmd) { return entry_from_machine(pmd.pmd); }
__visible pmd_t xpv_make_pmd(pmdval_t v) { return native_make_pmd(entry_to_machine(v)); }
__visible pudval_t xpv_pud_val(pud_t pud) { return entry_from_machine(pud.pud); }
__visible pud_t xpv_make_pud(pudval_t v) { return native_make_pud(entry_to_machine(v)); }
__visible pgdval_t xpv_pgd_val(pgd_t pgd) { return entry_from_machine(pgd.pgd); }
__visible pgd_t xpv_make_pgd(pgdval_t v) { return native_make_pgd(entry_to_machine(v)); }
PV_CALLEE_SAVE_REGS_THUNK(xpv_pte_val);
PV_CALLEE_SAVE_REGS_THUNK(xpv_make_pte);
PV_CALLEE_SAVE_REGS_THUNK(xpv_pmd_val);
PV_CALLEE_SAVE_REGS_THUNK(xpv_make_pmd);
PV_CALLEE_SAVE_REGS_THUNK(xpv_pud_val);
PV_CALLEE_SAVE_REGS_THUNK(xpv_make_pud);
PV_CALLEE_SAVE_REGS_THUNK(xpv_pgd_val);
PV_CALLEE_SAVE_REGS_THUNK(xpv_make_pgd);

/* ---- queued mmu_update ---- */

#define XPV_MMU_QUEUE	64

struct xpv_mmu_queue {
	struct mmu_update req[XPV_MMU_QUEUE];
	unsigned int count;
};

static DEFINE_PER_CPU(struct xpv_mmu_queue, xpv_mmu_q);

/* This CPU's queue, issued; interrupts masked. */
static int mmu_queue_issue(struct xpv_mmu_queue *q)
{
	unsigned int done = 0, n = q->count;
	long rc;

	if (!n)
		return 0;
	q->count = 0;
	rc = xpv_mmu_update(q->req, n, &done);
	if (rc && done < n)
		xpv_early_printf("xpv: mmu_update %u/%u: %ld (ptr %#llx val %#llx)\n",
				 done, n, rc, q->req[done].ptr, q->req[done].val);
	return rc;
}

static int mmu_queue_flush(void)
{
	unsigned long flags;
	int rc;

	local_irq_save(flags);
	rc = mmu_queue_issue(this_cpu_ptr(&xpv_mmu_q));
	local_irq_restore(flags);
	return rc;
}

/* Write a live page-table entry through Xen; now unless in a lazy run. */
static void mmu_queue_write(void *entry, u64 val)
{
	struct xpv_mmu_queue *q;
	struct mmu_update *u;
	unsigned long flags;

	local_irq_save(flags);
	q = this_cpu_ptr(&xpv_mmu_q);
	if (q->count == XPV_MMU_QUEUE)
		mmu_queue_issue(q);
	u = &q->req[q->count++];
	u->ptr = xpv_virt_to_machine(entry) | MMU_NORMAL_PT_UPDATE;
	u->val = val;
	if (paravirt_get_lazy_mode() != PARAVIRT_LAZY_MMU)
		mmu_queue_issue(q);
	local_irq_restore(flags);
}

/*
 * A PTE of a pinned user L1 goes through mmu_update: one hypercall (or a
 * share of one, queued in a lazy-MMU run: fork, mprotect, munmap). A plain
 * store would work too, Xen traps and emulates it, but the fault and the
 * emulation cost more than the hypercall (the boot bench's exec loop ran
 * 7% fewer instructions with it, counted with QEMU's -icount). Other PTEs
 * (unpinned tables being built, the kernel's own) are plain stores.
 */
static void xpv_set_pte(pte_t *ptep, pte_t pte)
{
	if (after_bootmem && PagePinned(virt_to_page(ptep)))
		mmu_queue_write(ptep, pte.pte);
	else
		WRITE_ONCE(*ptep, pte);
}

/* Is the page holding @va mapped writable: not (yet) a table Xen checks? */
static bool page_writable(const void *va)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)va, &level);

	return pte && (pte_flags(*pte) & _PAGE_RW);
}

/*
 * An L2-L4 entry: a plain store into a table still being built (an mm
 * not pinned yet: exec, fork), through Xen into a live one, which Xen
 * will not emulate a store to.
 */
static void table_write(void *entry, u64 val)
{
	if (page_writable(entry))
		WRITE_ONCE(*(u64 *)entry, val);
	else
		mmu_queue_write(entry, val);
}

static void xpv_set_pmd(pmd_t *pmdp, pmd_t pmd) { table_write(pmdp, pmd.pmd); }
static void xpv_set_pud(pud_t *pudp, pud_t pud) { table_write(pudp, pud.pud); }

/* L4 entries; a user slot of a pgd with a user companion goes there too. */
static void xpv_set_p4d(p4d_t *p4dp, p4d_t p4d)
{
	unsigned long slot = offset_in_page(p4dp) / sizeof(p4d);
	pgd_t *pgd = (pgd_t *)((unsigned long)p4dp & PAGE_MASK);
	pgd_t *user;

	table_write(p4dp, native_p4d_val(p4d));
	if (pgd == init_top_pgt || slot >= XPV_USER_PGD_SLOTS)
		return;
	user = xpv_user_pgd(pgd);
	if (user)
		table_write(&user[slot], native_p4d_val(p4d));
}

static void xpv_lazy_mmu_leave(void)
{
	mmu_queue_flush();
	paravirt_leave_lazy_mmu();
}

static void xpv_lazy_mmu_flush(void)
{
	mmu_queue_flush();
}

/* ---- read-only transitions of page-table pages ---- */

/* The direct-map (or image) entry of kernel page @va, as Xen takes it. */
u64 xpv_kernel_pte(const void *va, bool ro)
{
	u64 flags = _PAGE_PRESENT | _PAGE_ACCESSED |
		    (__supported_pte_mask & _PAGE_NX);

	if (!ro)
		flags |= _PAGE_RW | _PAGE_DIRTY;
	return (xpv_virt_to_machine(va) & PAGE_MASK) | flags;
}

static int set_page_ro(void *va, bool ro, unsigned long flush)
{
	long rc;

	mmu_queue_flush();
	rc = xpv_update_va_mapping((unsigned long)va, xpv_kernel_pte(va, ro), flush);
	if (rc)
		xpv_early_printf("xpv: make %px (mfn %#lx) %s: %ld\n", va,
				 xpv_virt_to_machine(va) >> PAGE_SHIFT,
				 ro ? "read-only" : "writable", rc);
	return rc;
}

/* Make the (only) mapping of a kernel page read-only or writable again. */
int xpv_set_page_ro(void *va, bool ro)
{
	return set_page_ro(va, ro, UVMF_INVLPG);
}

/*
 * A new table page of a live (pinned) mm must be read-only before the
 * entry that links it is written; an unpinned mm's stay writable until
 * pin.c pins the whole mm. No TLB flush: Xen flushes any writable entry
 * that could be left before it takes the page as a table
 * (XPV_TABLE_FLUSH, pv.h).
 */
static void xpv_alloc_table(struct mm_struct *mm, unsigned long pfn)
{
	if (!xpv_mm_pinned(mm))
		return;
	set_page_ro(__va(PFN_PHYS(pfn)), true, XPV_TABLE_FLUSH);
	if (mm != &init_mm)
		SetPagePinned(pfn_to_page(pfn));
}

/*
 * After the entry that linked it is gone: writable for reuse. The tables
 * of an mm that was unpinned (every exiting process) are writable already:
 * no hypercall for those.
 */
static void xpv_release_table(unsigned long pfn)
{
	void *va = __va(PFN_PHYS(pfn));

	if (!page_writable(va))
		set_page_ro(va, false, XPV_TABLE_FLUSH);
	if (after_bootmem)
		ClearPagePinned(pfn_to_page(pfn));
}

/* ---- cr2, cr3 and the TLB ---- */

__visible unsigned long xpv_read_cr2(void)
{
	return READ_ONCE(this_cpu_read(xpv_vcpu)->arch.cr2);
}
PV_CALLEE_SAVE_REGS_THUNK(xpv_read_cr2);

static void xpv_write_cr2(unsigned long cr2)
{
	this_cpu_read(xpv_vcpu)->arch.cr2 = cr2;
}

static int mmuext(unsigned int cmd, unsigned long arg)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.linear_addr = arg };
	long rc;

	mmu_queue_flush();
	rc = xpv_mmuext_op(&op, 1, NULL);
	if (rc)
		xpv_early_printf("xpv: mmuext_op %u %#lx: %ld\n", cmd, arg, rc);
	return rc;
}

static unsigned long xpv_read_cr3(void)
{
	return this_cpu_read(xpv_cr3);
}

/* Record the base pagetable.c switched to; Xen already has it. */
void __init xpv_mmu_set_cr3(unsigned long cr3)
{
	this_cpu_write(xpv_cr3, cr3);
}

/* What a CPU about to start will run on: the kernel's own tables. */
void xpv_mmu_cpu_cr3(unsigned int cpu, unsigned long cr3)
{
	per_cpu(xpv_cr3, cpu) = cr3;
}

/** xpv_mmu_cr3_of - the cr3 (pseudo-physical) @cpu last loaded */
unsigned long xpv_mmu_cr3_of(unsigned int cpu)
{
	return READ_ONCE(per_cpu(xpv_cr3, cpu));
}

/* Both base pointers at once: the user one is 0 for kernel-only tables. */
static void xpv_write_cr3(unsigned long cr3)
{
	unsigned long pa = cr3 & CR3_ADDR_MASK;
	pgd_t *user = pa == __pa_symbol(init_top_pgt) ? NULL :
		      xpv_user_pgd(__va(pa));
	struct mmuext_op op[2] = {
		{ .cmd = MMUEXT_NEW_BASEPTR,
		  .arg1.mfn = xpv_pfn_to_mfn(PFN_DOWN(pa)) },
		{ .cmd = MMUEXT_NEW_USER_BASEPTR,
		  .arg1.mfn = user ? xpv_virt_to_machine(user) >> PAGE_SHIFT : 0 },
	};
	long rc;

	mmu_queue_flush();
	rc = xpv_mmuext_op(op, 2, NULL);
	if (rc) {
		xpv_early_printf("xpv: cr3 %#lx (mfn %#lx): %ld\n", cr3,
				 (unsigned long)op[0].arg1.mfn, rc);
		return;
	}
	this_cpu_write(xpv_cr3, cr3);
}

static void xpv_flush_tlb_user(void)
{
	mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static void xpv_flush_tlb_one_user(unsigned long addr)
{
	mmuext(MMUEXT_INVLPG_LOCAL, addr & PAGE_MASK);
}

/* Flushes of a range up to this many pages go page by page. */
#define XPV_INVLPG_MAX	16

/* One INVLPG_MULTI per page of @info, or -1 when a full flush is cheaper. */
static int invlpg_ops(struct mmuext_op *op, const struct flush_tlb_info *info,
		      void *mask)
{
	unsigned long addr, stride = 1UL << info->stride_shift;
	int n = 0;

	if (info->end == TLB_FLUSH_ALL ||
	    (info->end - info->start) >> info->stride_shift > XPV_INVLPG_MAX)
		return -1;
	for (addr = info->start; addr < info->end; addr += stride, n++) {
		op[n].cmd = MMUEXT_INVLPG_MULTI;
		op[n].arg1.linear_addr = addr & PAGE_MASK;
		op[n].arg2.vcpumask = mask;
	}
	return n;
}

/*
 * The TLBs of @cpus (this one too, if in the mask) through Xen. The mask
 * is copied: mm_cpumask() changes under us, and Xen reads it later.
 */
static void xpv_flush_tlb_multi(const struct cpumask *cpus,
				const struct flush_tlb_info *info)
{
	struct mmuext_op op[XPV_INVLPG_MAX];
	cpumask_t mask;
	int n;
	long rc;

	cpumask_and(&mask, cpus, cpu_online_mask);
	if (cpumask_empty(&mask))
		return;
	n = invlpg_ops(op, info, cpumask_bits(&mask));
	if (n < 0) {
		op[0].cmd = MMUEXT_TLB_FLUSH_MULTI;
		op[0].arg2.vcpumask = cpumask_bits(&mask);
		n = 1;
	}
	mmu_queue_flush();
	rc = xpv_mmuext_op(op, n, NULL);
	if (rc)
		xpv_early_printf("xpv: TLB flush of %*pbl (%d ops): %ld\n",
				 cpumask_pr_args(&mask), n, rc);
}

/* FIX_PARAVIRT_BOOTMAP holds a machine address (shared_info). */
static void xpv_set_fixmap(unsigned int idx, phys_addr_t phys, pgprot_t prot)
{
	u64 pte = (phys & PAGE_MASK) | (pgprot_val(prot) & __supported_pte_mask);
	long rc;

	if (idx != FIX_PARAVIRT_BOOTMAP)
		pte = native_pte_val(pfn_pte(PFN_DOWN(phys), prot));
	rc = xpv_update_va_mapping(__fix_to_virt(idx), pte, UVMF_INVLPG);
	if (rc)
		xpv_early_printf("xpv: set_fixmap %u to %#llx: %ld\n", idx,
				 (u64)phys, rc);
}

void __init xpv_mmu_ops_init(void)
{
	pv_ops.mmu.pte_val = PV_CALLEE_SAVE(xpv_pte_val);
	pv_ops.mmu.make_pte = PV_CALLEE_SAVE(xpv_make_pte);
	pv_ops.mmu.pmd_val = PV_CALLEE_SAVE(xpv_pmd_val);
	pv_ops.mmu.make_pmd = PV_CALLEE_SAVE(xpv_make_pmd);
	pv_ops.mmu.pud_val = PV_CALLEE_SAVE(xpv_pud_val);
	pv_ops.mmu.make_pud = PV_CALLEE_SAVE(xpv_make_pud);
	pv_ops.mmu.pgd_val = PV_CALLEE_SAVE(xpv_pgd_val);
	pv_ops.mmu.make_pgd = PV_CALLEE_SAVE(xpv_make_pgd);

	pv_ops.mmu.set_pte = xpv_set_pte;
	pv_ops.mmu.set_pmd = xpv_set_pmd;
	pv_ops.mmu.set_pud = xpv_set_pud;
	pv_ops.mmu.set_p4d = xpv_set_p4d;
	pv_ops.mmu.alloc_pte = xpv_alloc_table;
	pv_ops.mmu.alloc_pmd = xpv_alloc_table;
	pv_ops.mmu.alloc_pud = xpv_alloc_table;
	pv_ops.mmu.alloc_p4d = xpv_alloc_table;
	pv_ops.mmu.release_pte = xpv_release_table;
	pv_ops.mmu.release_pmd = xpv_release_table;
	pv_ops.mmu.release_pud = xpv_release_table;
	pv_ops.mmu.release_p4d = xpv_release_table;

	pv_ops.mmu.read_cr2 = PV_CALLEE_SAVE(xpv_read_cr2);
	pv_ops.mmu.write_cr2 = xpv_write_cr2;
	pv_ops.mmu.read_cr3 = xpv_read_cr3;
	pv_ops.mmu.write_cr3 = xpv_write_cr3;
	pv_ops.mmu.flush_tlb_user = xpv_flush_tlb_user;
	pv_ops.mmu.flush_tlb_kernel = xpv_flush_tlb_user;
	pv_ops.mmu.flush_tlb_one_user = xpv_flush_tlb_one_user;
	pv_ops.mmu.flush_tlb_multi = xpv_flush_tlb_multi;
	pv_ops.mmu.tlb_remove_table = tlb_remove_table;

	pv_ops.mmu.lazy_mode.enter = paravirt_enter_lazy_mmu;
	pv_ops.mmu.lazy_mode.leave = xpv_lazy_mmu_leave;
	pv_ops.mmu.lazy_mode.flush = xpv_lazy_mmu_flush;
	pv_ops.mmu.set_fixmap = xpv_set_fixmap;
}
