// SPDX-License-Identifier: GPL-2.0-only
/*
 * PV domU boot of the xpv port, from xpv_entry (head.S) to start_kernel.
 *
 * This is the only boot path of an xpv kernel: no dom0, no ACPI, no EFI.
 * It replaces the native x86_64_start_kernel(), whose early page tables,
 * early IDT and TLB flushes are all privileged, and joins the kernel at
 * x86_64_start_reservations(). The order is forced by what each step
 * needs:
 *
 *   1. early console           to say anything at all
 *   2. trap table, callbacks   so a fault is reported, not a dead domain
 *   3. P2M / M2P               every page-table entry needs them
 *   4. pv_ops, CPU features    before any PTE is built or pv call made;
 *                              XENPV before the kernel patches pv sites
 *   5. our page tables         Xen's bootstrap map has no direct map
 *   6. shared_info             the real vcpu_info (event mask, cr2, time)
 *   7. GDT and GS base
 *   8. memory map, boot_params, platform hooks, boot console
 */
#include <linux/kernel.h>
#include <linux/cache.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <asm/bootparam.h>
#include <asm/processor.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/tlbflush.h>
#include <asm/xpv/boot.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

struct start_info *xpv_start_info __ro_after_init;

static void __init report_start_info(const struct start_info *si)
{
	xpv_early_printf("xpv: %.32s, %lu pages, flags %#x, p2m %#lx\n",
			 si->magic, si->nr_pages, si->flags, si->mfn_list);
	xpv_early_printf("xpv: page tables %#lx (%lu frames), shared_info ma %#lx\n",
			 si->pt_base, si->nr_pt_frames, si->shared_info);
	xpv_early_printf("xpv: kernel %px-%px, M2P covers %lu frames\n",
			 _text, _end, xpv_p2m.nr_mfns);
}

/* Less than this and the kernel dies somewhere obscure; say so first. */
#define XPV_MIN_MEMORY_MB	32

static void __init check_memory(const struct start_info *si)
{
	unsigned long mb = si->nr_pages >> (20 - PAGE_SHIFT);

	if (mb >= XPV_MIN_MEMORY_MB)
		return;
	xpv_early_printf("xpv: %lu MB of memory is too little, this kernel needs %u MB: give the domain more (memory= in its config)\n",
			 mb, XPV_MIN_MEMORY_MB);
	xpv_shutdown(SHUTDOWN_crash);
}

/* The P2M and M2P agree on the first, middle and last pfn. */
static void __init check_p2m(const struct start_info *si)
{
	unsigned long probe[] = { 0, si->nr_pages / 2, si->nr_pages - 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(probe); i++) {
		unsigned long mfn = xpv_pfn_to_mfn(probe[i]);

		if (xpv_mfn_to_pfn(mfn) == probe[i])
			continue;
		xpv_early_printf("xpv: P2M/M2P disagree: pfn %#lx -> mfn %#lx -> pfn %#lx\n",
				 probe[i], mfn, xpv_mfn_to_pfn(mfn));
		xpv_shutdown(SHUTDOWN_crash);
	}
}

/*
 * Patch H2: the kernel's exit to kernel mode ends in a jmp that goes to a
 * native iretq; point it at our iret hypercall. Kernel text is writable
 * in Xen's bootstrap map.
 */
static void __init patch_kernel_iret(void)
{
	s32 rel = (long)xpv_iret - ((long)early_xen_iret_patch + 5);

	memcpy(early_xen_iret_patch + 1, &rel, sizeof(rel));
}

void __init __noreturn xpv_start_kernel(struct start_info *si)
{
	/* Per-CPU data is %gs-relative (the template until the per-CPU areas). */
	xpv_set_segment_base(SEGBASE_GS_KERNEL, cpu_kernelmode_gs_base(0));
	xpv_start_info = si;
	xpv_early_console_init(si);
	xpv_early_printf("xpv: entered, start_info at %px\n", si);
	xpv_early_traps_init();
	xpv_callbacks_init();
	patch_kernel_iret();

	xpv_p2m_init(si);
	report_start_info(si);
	check_memory(si);
	check_p2m(si);

	xpv_cpu_ops_init();
	xpv_idt_ops_init();
	xpv_irq_ops_init();
	xpv_mmu_ops_init();
	xpv_pin_ops_init();
	xpv_cpu_caps_init();

	xpv_pagetable_init(si);
	xpv_p2m_use_direct_map();
	xpv_early_console_use_direct_map();
	xpv_start_info = si = __va(__pa(si));
	xpv_shared_info_init(si->shared_info);
	xpv_gdt_init();

	xpv_memory_map_init(si);
	xpv_boot_params_init(si);
	xpv_platform_init();
	xpv_events_setup();
	xpv_time_setup();
	xpv_boot_console_init();
	xpv_early_printf("xpv: into the kernel: x86_64_start_reservations\n");

	cr4_init_shadow();
	x86_64_start_reservations((char *)__pa_symbol(&boot_params));
	xpv_shutdown(SHUTDOWN_crash);	/* start_kernel() does not return */
}
