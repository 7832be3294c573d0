// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt state of the xpv port: the virtual IF.
 *
 * A PV kernel cannot cli/sti. Its "interrupts" are event upcalls, and the
 * flag that holds them off is evtchn_upcall_mask in its vcpu_info, a
 * structure in the shared_info page Xen reads and writes too:
 *
 *	evtchn_upcall_mask	1: no upcall (IF clear), 0: upcalls (IF set)
 *	evtchn_upcall_pending	Xen has something for us
 *
 * Unmasking does not deliver what is already pending; a hypercall does
 * (Xen checks on the way back), so irq_enable makes a cheap one then.
 *
 * shared_info is mapped only once our page tables are in (mmu.c); until
 * then the ops work on a static vcpu_info that stays masked, as the real
 * one is at entry.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <asm/fixmap.h>
#include <asm/paravirt.h>
#include <asm/processor-flags.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

static struct vcpu_info xpv_boot_vcpu = { .evtchn_upcall_mask = 1 };

struct vcpu_info *xpv_vcpu = &xpv_boot_vcpu;
struct shared_info *xpv_shared_info;

__visible unsigned long xpv_save_fl(void)
{
	return READ_ONCE(xpv_vcpu->evtchn_upcall_mask) ? 0 : X86_EFLAGS_IF;
}
PV_CALLEE_SAVE_REGS_THUNK(xpv_save_fl);

__visible void xpv_irq_disable(void)
{
	WRITE_ONCE(xpv_vcpu->evtchn_upcall_mask, 1);
	barrier();
}
PV_CALLEE_SAVE_REGS_THUNK(xpv_irq_disable);

__visible void xpv_irq_enable(void)
{
	struct vcpu_info *v = xpv_vcpu;

	barrier();
	WRITE_ONCE(v->evtchn_upcall_mask, 0);
	barrier();	/* unmask, then look: an event in between is not lost */
	if (READ_ONCE(v->evtchn_upcall_pending))
		xpv_xen_version(0, NULL);
}
PV_CALLEE_SAVE_REGS_THUNK(xpv_irq_enable);

/* Block until an event; Xen unmasks for us, atomically with blocking. */
static void xpv_safe_halt(void)
{
	xpv_sched_op(SCHEDOP_block, NULL);
}

/* With events masked, SCHEDOP_block would unmask them: just yield. */
static void xpv_halt(void)
{
	if (xpv_save_fl())
		xpv_safe_halt();
	else
		xpv_sched_op(SCHEDOP_yield, NULL);
}

void __init xpv_irq_ops_init(void)
{
	pv_ops.irq.save_fl = PV_CALLEE_SAVE(xpv_save_fl);
	pv_ops.irq.irq_disable = PV_CALLEE_SAVE(xpv_irq_disable);
	pv_ops.irq.irq_enable = PV_CALLEE_SAVE(xpv_irq_enable);
	pv_ops.irq.safe_halt = xpv_safe_halt;
	pv_ops.irq.halt = xpv_halt;
}

/*
 * Map shared_info (a machine address in start_info) at its fixmap slot
 * and move the irq state onto the real vcpu_info, masked as it is.
 */
void __init xpv_shared_info_init(unsigned long shared_info_ma)
{
	unsigned long va = fix_to_virt(FIX_PARAVIRT_BOOTMAP);
	u64 pte = (shared_info_ma & PAGE_MASK) | _PAGE_PRESENT | _PAGE_RW |
		  _PAGE_ACCESSED | _PAGE_DIRTY | (__supported_pte_mask & _PAGE_NX);
	long rc = xpv_update_va_mapping(va, pte, UVMF_INVLPG);

	if (rc) {
		xpv_early_printf("xpv: map shared_info %#lx at %#lx: %ld\n",
				 shared_info_ma, va, rc);
		xpv_shutdown(SHUTDOWN_crash);
	}
	xpv_shared_info = (struct shared_info *)va;
	xpv_vcpu = &xpv_shared_info->vcpu_info[0];
	xpv_vcpu->evtchn_upcall_mask = 1;
}
