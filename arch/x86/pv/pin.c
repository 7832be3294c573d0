// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page tables of user address spaces: pinned while in use.
 *
 * A user mm's tables are plain writable pages while the kernel builds
 * them (exec, fork). Before Xen may load them they are pinned: every
 * table page reachable from the user half of the pgd is made read-only
 * (one multicall per batch), then the pgd is pinned as an L4, which makes
 * Xen validate the whole tree once. From then on new tables of that mm
 * are made read-only as they are linked (mmu.c's alloc hooks) and entries
 * change through mmu_update or Xen's emulation of L1 writes. At exit the
 * mm is unpinned and its pages made writable again before they are freed.
 *
 * Xen separates kernel and user mode only by page tables: it switches to
 * a second "user" L4 on the way to user mode, and it marks every kernel
 * mapping user-accessible. So each pgd has a companion user pgd that holds
 * only the user half (slots below 256, mirrored by set_p4d), linked
 * through the pgd page's private field, pinned with it, and loaded with
 * NEW_USER_BASEPTR whenever cr3 is.
 *
 * A pinned table page carries PG_pinned; a pinned mm is one whose pgd
 * page does.
 *
 * With several CPUs: an mm is pinned before any CPU can load it (exec,
 * fork), and unpinned only when no CPU has it as its cr3 any more. At
 * exit no task uses it, but a CPU whose last user task was one of its
 * threads still runs on its tables lazily (a kernel thread or idle does
 * not switch cr3); those CPUs are sent to the kernel's own tables first,
 * by IPI, since Xen will not unpin tables a vCPU has loaded.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <asm/mmu_context.h>
#include <asm/paravirt.h>
#include <asm/pgalloc.h>
#include <asm/tlbflush.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"


bool xpv_mm_pinned(struct mm_struct *mm)
{
	return mm == &init_mm || PagePinned(virt_to_page(mm->pgd));
}

pgd_t *xpv_user_pgd(pgd_t *pgd)
{
	return (pgd_t *)page_private(virt_to_page(pgd));
}

static int xpv_pgd_alloc(struct mm_struct *mm)
{
	unsigned long user = get_zeroed_page(GFP_KERNEL);

	if (!user)
		return -ENOMEM;
	set_page_private(virt_to_page(mm->pgd), user);
	return 0;
}

static void xpv_pgd_free(struct mm_struct *mm, pgd_t *pgd)
{
	unsigned long user = (unsigned long)xpv_user_pgd(pgd);

	set_page_private(virt_to_page(pgd), 0);
	free_page(user);
}

/* Queue one table page's read-only (or writable) transition. */
static void queue_table(void *table, bool pin)
{
	struct multicall_entry *mc = xpv_mc_entry();
	u64 pte = (xpv_virt_to_machine(table) & PAGE_MASK) | _PAGE_PRESENT |
		  _PAGE_ACCESSED | (__supported_pte_mask & _PAGE_NX);

	if (!pin)
		pte |= _PAGE_RW | _PAGE_DIRTY;
	mc->op = __HYPERVISOR_update_va_mapping;
	mc->args[0] = (unsigned long)table;
	mc->args[1] = pte;
	mc->args[2] = XPV_TABLE_FLUSH;
	if (pin)
		SetPagePinned(virt_to_page(table));
	else
		ClearPagePinned(virt_to_page(table));
}

static void walk_pmd(pmd_t *pmd, bool pin)
{
	int i;

	for (i = 0; i < PTRS_PER_PMD; i++)
		if (pmd_present(pmd[i]) && !pmd_large(pmd[i]))
			queue_table((void *)pmd_page_vaddr(pmd[i]), pin);
	queue_table(pmd, pin);
}

static void walk_pud(pud_t *pud, bool pin)
{
	int i;

	for (i = 0; i < PTRS_PER_PUD; i++)
		if (pud_present(pud[i]) && !pud_large(pud[i]))
			walk_pmd((pmd_t *)pud_pgtable(pud[i]), pin);
	queue_table(pud, pin);
}

/* Every table of the user half, the pgd and its user companion. */
static int walk_mm(struct mm_struct *mm, bool pin)
{
	pgd_t *pgd = mm->pgd;
	int i, rc;

	preempt_disable();	/* one CPU's batch from first entry to flush */
	for (i = 0; i < XPV_USER_PGD_SLOTS; i++) {
		/*
		 * The p4d level is folded into the pgd, whose pgd_present()
		 * is therefore always true: ask the p4d view of the entry.
		 */
		p4d_t *p4d = p4d_offset(&pgd[i], 0);

		if (p4d_present(*p4d))
			walk_pud(p4d_pgtable(*p4d), pin);
	}
	queue_table(xpv_user_pgd(pgd), pin);
	queue_table(pgd, pin);
	rc = xpv_mc_flush();
	preempt_enable();
	return rc;
}

/* Pin or unpin a pgd and its user companion: one hypercall. */
static int pin_op(unsigned int cmd, pgd_t *pgd)
{
	struct mmuext_op op[2] = {
		{ .cmd = cmd, .arg1.mfn = xpv_virt_to_machine(pgd) >> PAGE_SHIFT },
		{ .cmd = cmd,
		  .arg1.mfn = xpv_virt_to_machine(xpv_user_pgd(pgd)) >> PAGE_SHIFT },
	};
	unsigned int done = 0;
	long rc = xpv_mmuext_op(op, 2, &done);

	if (rc)
		pr_err("xpv: mmuext %u of pgd mfn %#lx (%u of 2 done): %ld\n",
		       cmd, (unsigned long)op[0].arg1.mfn, done, rc);
	return rc;
}

static void pin_mm(struct mm_struct *mm)
{
	if (xpv_mm_pinned(mm))
		return;
	if (walk_mm(mm, true) || pin_op(MMUEXT_PIN_L4_TABLE, mm->pgd))
		panic("xpv: cannot pin the page tables of a new mm (in %s[%d])\n",
		      current->comm, task_pid_nr(current));
}

/* No CPU may have @mm's tables loaded. */
static void unpin_mm(struct mm_struct *mm)
{
	pin_op(MMUEXT_UNPIN_TABLE, mm->pgd);
	walk_mm(mm, false);
}

static void xpv_activate_mm(struct mm_struct *prev, struct mm_struct *next)
{
	pin_mm(next);
}

static void xpv_dup_mmap(struct mm_struct *oldmm, struct mm_struct *mm)
{
	pin_mm(mm);
}

static bool cpu_runs_on(unsigned int cpu, struct mm_struct *mm)
{
	return READ_ONCE(per_cpu(cpu_tlbstate.loaded_mm, cpu)) == mm ||
	       xpv_mmu_cr3_of(cpu) == __pa(mm->pgd);
}

/* On a CPU that ran @info's mm last (interrupts off): leave its tables. */
static void leave_mm_tables(void *info)
{
	struct mm_struct *mm = info;

	if (this_cpu_read(cpu_tlbstate.loaded_mm) == mm)
		switch_mm_irqs_off(NULL, &init_mm, NULL);
	if (__read_cr3() == __pa(mm->pgd))
		write_cr3(__pa(swapper_pg_dir));
}

/* Every CPU (this one too) off @mm's tables; @mm has no user left. */
static void leave_mm_everywhere(struct mm_struct *mm)
{
	cpumask_t cpus;
	unsigned int cpu;

	cpumask_clear(&cpus);
	for_each_online_cpu(cpu)
		if (cpu_runs_on(cpu, mm))
			cpumask_set_cpu(cpu, &cpus);
	on_each_cpu_mask(&cpus, leave_mm_tables, mm, true);
}

/* Before the tables are torn down: nobody may still run on them. */
static void xpv_exit_mmap(struct mm_struct *mm)
{
	if (!xpv_mm_pinned(mm))
		return;
	leave_mm_everywhere(mm);
	unpin_mm(mm);
}

#ifdef CONFIG_XPV_SUSPEND
/*
 * Around a suspend. The toolstack rewrites the frame numbers of the page
 * tables Xen knows as such; an mm being built (fork, exec) or torn down
 * (exit) has plain pages holding entries that would be stale in the new
 * domain. So every mm is pinned before the suspend hypercall, and those
 * that were not are unpinned after it. Their pgd pages carry the mark
 * (PG_dirty, unused on a pgd page) in between. Other CPUs are held and
 * events masked: no mm is created, loaded or freed meanwhile.
 */
void xpv_mm_pin_all(void)
{
	struct page *page;

	spin_lock(&pgd_lock);
	list_for_each_entry(page, &pgd_list, lru) {
		struct mm_struct *mm = pgd_page_get_mm(page);

		if (xpv_mm_pinned(mm))
			continue;
		SetPageDirty(page);
		pin_mm(mm);
	}
	spin_unlock(&pgd_lock);
}

void xpv_mm_unpin_all(void)
{
	struct page *page;

	spin_lock(&pgd_lock);
	list_for_each_entry(page, &pgd_list, lru) {
		struct mm_struct *mm = pgd_page_get_mm(page);

		if (!TestClearPageDirty(page))
			continue;
		unpin_mm(mm);
	}
	spin_unlock(&pgd_lock);
}
#endif

void __init xpv_pin_ops_init(void)
{
	pv_ops.mmu.pgd_alloc = xpv_pgd_alloc;
	pv_ops.mmu.pgd_free = xpv_pgd_free;
	pv_ops.mmu.activate_mm = xpv_activate_mm;
	pv_ops.mmu.dup_mmap = xpv_dup_mmap;
	pv_ops.mmu.exit_mmap = xpv_exit_mmap;
}
