// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exceptions and callbacks of the xpv port before the kernel's trap_init().
 *
 * A PV guest has no IDT: it gives Xen a trap table (vector, privilege,
 * address) with set_trap_table, and three callbacks with callback_op:
 * event (interrupts), failsafe (Xen could not load our segments or frame
 * on a return) and syscall. Until those exist, any fault kills the domain
 * with nothing but "Unhandled: vec N" in Xen's log; so they are the first
 * thing we install, pointing at the early stubs in entry.S.
 *
 * The early handler does what the native early IDT does for us: it runs
 * exception-table fixups (rdmsr of an MSR Xen does not know raises #GP,
 * and rdmsr_safe() relies on that), and for anything else prints the
 * frame on the early console and crashes the domain, so the reason lands
 * in the log instead of a silent domain_crash.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/bug.h>
#include <asm/processor.h>
#include <asm/extable.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/traps.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

#define XPV_EARLY_VECTORS	32
/* trap_info.flags: privilege that may raise it, and "mask events". */
#define XPV_TI_MASK_EVENTS	4

static struct trap_info xpv_early_table[XPV_EARLY_VECTORS + 1] __initdata;

static unsigned long early_cr2(void)
{
	return this_cpu_read(xpv_vcpu)->arch.cr2;
}

static void early_report(struct pt_regs *regs, unsigned long vector)
{
	unsigned long *sp = (unsigned long *)regs->sp;
	int i;

	xpv_early_printf("xpv: early trap %lu, error %#lx, cr2 %#lx\n",
			 vector, regs->orig_ax, early_cr2());
	xpv_early_printf("xpv:  rip %04lx:%#lx (%pS)\n", regs->cs, regs->ip,
			 (void *)regs->ip);
	xpv_early_printf("xpv:  rsp %04lx:%#lx rflags %#lx\n", regs->ss,
			 regs->sp, regs->flags);
	xpv_early_printf("xpv:  rax %#lx rbx %#lx rcx %#lx rdx %#lx\n",
			 regs->ax, regs->bx, regs->cx, regs->dx);
	xpv_early_printf("xpv:  rsi %#lx rdi %#lx rbp %#lx r8 %#lx\n",
			 regs->si, regs->di, regs->bp, regs->r8);
	for (i = 0; i < 16 && !user_mode(regs); i++)
		xpv_early_printf("xpv:  stack[%d] %#lx (%pS)\n", i, sp[i],
				 (void *)sp[i]);
}

/* From entry.S: every early vector, and stray early callbacks. */
__visible void xpv_early_trap(struct pt_regs *regs, unsigned long vector)
{
	if (vector < XPV_EARLY_VECTORS &&
	    fixup_exception(regs, vector, regs->orig_ax, early_cr2()))
		return;
	/* WARN() is ud2 plus a bug-table entry: report it and go on. */
	if (vector == X86_TRAP_UD && is_valid_bugaddr(regs->ip) &&
	    report_bug(regs->ip, regs) == BUG_TRAP_TYPE_WARN) {
		regs->ip += LEN_UD2;
		return;
	}
	early_report(regs, vector);
	xpv_shutdown(SHUTDOWN_crash);
}

void __init xpv_early_traps_init(void)
{
	unsigned int v;
	long rc;

	for (v = 0; v < XPV_EARLY_VECTORS; v++) {
		struct trap_info *ti = &xpv_early_table[v];

		ti->vector = v;
		/* int3 and into are for user mode too. */
		ti->flags = (v == X86_TRAP_BP || v == X86_TRAP_OF) ? 3 : 0;
		ti->flags |= XPV_TI_MASK_EVENTS;
		ti->cs = __KERNEL_CS;
		ti->address = (unsigned long)xpv_early_trap_stubs +
			      v * XPV_EARLY_TRAP_STUB_SIZE;
	}
	/* The zeroed last entry ends the table. */
	rc = xpv_set_trap_table(xpv_early_table);
	if (rc) {
		xpv_early_printf("xpv: set_trap_table: %ld\n", rc);
		xpv_shutdown(SHUTDOWN_crash);
	}
}

static long __init register_callback(u16 type, u16 flags, void (*fn)(void))
{
	struct callback_register cb = {
		.type = type,
		.flags = flags,
		.address = (unsigned long)fn,
	};
	long rc = xpv_callback_op(CALLBACKOP_register, &cb);

	if (rc)
		xpv_early_printf("xpv: callback %u at %pS: %ld\n", type, fn, rc);
	return rc;
}

/*
 * Callbacks, VM assists and I/O privilege. Failures here are reported but
 * not fatal by themselves: what they break shows up later, by name.
 */
void __init xpv_callbacks_init(void)
{
	struct physdev_set_iopl iopl = { .iopl = 1 };
	long rc;

	register_callback(CALLBACKTYPE_event, 0, xpv_early_event);
	register_callback(CALLBACKTYPE_failsafe, CALLBACKF_mask_events,
			  xpv_failsafe_entry);
	register_callback(CALLBACKTYPE_syscall, CALLBACKF_mask_events,
			  xpv_syscall_entry);

	/* Direct writes to our live L1 page tables, emulated by Xen. */
	rc = xpv_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	if (rc)
		xpv_early_printf("xpv: vm_assist writable_pagetables: %ld\n", rc);

	/* Stray port I/O is emulated (reads ~0) instead of raising #GP. */
	rc = xpv_physdev_op(PHYSDEVOP_set_iopl, &iopl);
	if (rc)
		xpv_early_printf("xpv: set_iopl: %ld\n", rc);
}
