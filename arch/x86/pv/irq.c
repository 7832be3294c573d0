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
 * Each CPU has its own vcpu_info, found through the per-CPU pointer
 * xpv_vcpu: until shared_info is mapped (once our page tables are in,
 * mmu.c) a static one that stays masked, as the real one is at entry;
 * then shared_info's slot (it has 32); on an SMP kernel, once per-CPU
 * areas exist, one in the CPU's own per-CPU area, registered with
 * VCPUOP_register_vcpu_info (so vCPUs past 32 work). A new domain after a
 * resume knows none of the registrations: they are made again.
 *
 * The pointer is read and used in two steps: preemption stays off in
 * between, so the mask written is the one of the CPU we run on.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <asm/fixmap.h>
#include <asm/paravirt.h>
#include <asm/processor-flags.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

static struct vcpu_info xpv_boot_vcpu = { .evtchn_upcall_mask = 1 };

DEFINE_PER_CPU(struct vcpu_info *, xpv_vcpu) = &xpv_boot_vcpu;
struct shared_info *xpv_shared_info;

/* What a CPU registers; cache-line aligned, so never across a page. */
static DEFINE_PER_CPU_ALIGNED(struct vcpu_info, xpv_vcpu_info);

__visible unsigned long xpv_save_fl(void)
{
	return READ_ONCE(this_cpu_read(xpv_vcpu)->evtchn_upcall_mask) ?
	       0 : X86_EFLAGS_IF;
}
PV_CALLEE_SAVE_REGS_THUNK(xpv_save_fl);

__visible void xpv_irq_disable(void)
{
	preempt_disable();
	WRITE_ONCE(this_cpu_read(xpv_vcpu)->evtchn_upcall_mask, 1);
	preempt_enable_no_resched();
	barrier();
}
PV_CALLEE_SAVE_REGS_THUNK(xpv_irq_disable);

__visible void xpv_irq_enable(void)
{
	struct vcpu_info *v;

	barrier();
	preempt_disable();
	v = this_cpu_read(xpv_vcpu);
	WRITE_ONCE(v->evtchn_upcall_mask, 0);
	barrier();	/* unmask, then look: an event in between is not lost */
	if (READ_ONCE(v->evtchn_upcall_pending))
		xpv_xen_version(0, NULL);
	preempt_enable();
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

static long map_shared_info(unsigned long shared_info_ma)
{
	u64 pte = (shared_info_ma & PAGE_MASK) | _PAGE_PRESENT | _PAGE_RW |
		  _PAGE_ACCESSED | _PAGE_DIRTY | (__supported_pte_mask & _PAGE_NX);

	return xpv_update_va_mapping(fix_to_virt(FIX_PARAVIRT_BOOTMAP), pte,
				     UVMF_INVLPG);
}

/** xpv_vcpu_info_registered - whether @cpu uses its per-CPU vcpu_info */
bool xpv_vcpu_info_registered(unsigned int cpu)
{
	return per_cpu(xpv_vcpu, cpu) == &per_cpu(xpv_vcpu_info, cpu);
}

/* shared_info where Xen says it is now (a new page after a resume). */
int xpv_shared_info_remap(unsigned long shared_info_ma)
{
	long rc = map_shared_info(shared_info_ma);

	if (rc)
		return rc;
	xpv_shared_info = (struct shared_info *)fix_to_virt(FIX_PARAVIRT_BOOTMAP);
	if (!xpv_vcpu_info_registered(0)) {
		this_cpu_write(xpv_vcpu, &xpv_shared_info->vcpu_info[0]);
		this_cpu_read(xpv_vcpu)->evtchn_upcall_mask = 1;
	}
	return 0;
}

/*
 * Map shared_info (a machine address in start_info) at its fixmap slot
 * and move the irq state onto the real vcpu_info, masked as it is.
 */
void __init xpv_shared_info_init(unsigned long shared_info_ma)
{
	int rc = xpv_shared_info_remap(shared_info_ma);

	if (rc) {
		xpv_early_printf("xpv: map shared_info %#lx: %d\n",
				 shared_info_ma, rc);
		xpv_shutdown(SHUTDOWN_crash);
	}
}

/**
 * xpv_vcpu_info_register - give @cpu the vcpu_info in its per-CPU area
 * @cpu: the CPU we run on, or one whose vCPU is down (Xen's rule)
 *
 * Xen copies the old vcpu_info (the event mask with it) into the new one
 * and marks every event pending. Return: 0 or -errno (the CPU keeps its
 * old vcpu_info).
 */
int xpv_vcpu_info_register(unsigned int cpu)
{
	struct vcpu_info *v = &per_cpu(xpv_vcpu_info, cpu);
	struct vcpu_register_vcpu_info info = {
		.mfn = xpv_virt_to_machine(v) >> PAGE_SHIFT,
		.offset = offset_in_page(v),
	};
	unsigned long flags;
	long rc;

	local_irq_save(flags);
	rc = xpv_vcpu_op(VCPUOP_register_vcpu_info, cpu, &info);
	if (!rc)
		per_cpu(xpv_vcpu, cpu) = v;
	local_irq_restore(flags);
	if (rc)
		pr_err("xpv: vcpu_info of CPU %u at mfn %#llx+%#x: %ld\n", cpu,
		       info.mfn, info.offset, rc);
	return rc;
}

/* The vCPU of another CPU down, its vcpu_info registered, and up again. */
static int reregister_other(unsigned int cpu)
{
	long rc = xpv_vcpu_op(VCPUOP_down, cpu, NULL);

	if (!rc)
		rc = xpv_vcpu_info_register(cpu);
	return xpv_vcpu_op(VCPUOP_up, cpu, NULL) ?: rc;
}

/**
 * xpv_vcpu_info_resume - register again, in a new domain, the vcpu_infos
 * registered before; from CPU 0 with the others held in stop_machine
 */
void xpv_vcpu_info_resume(void)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		if (!xpv_vcpu_info_registered(cpu))
			continue;
		if (cpu == smp_processor_id() ? xpv_vcpu_info_register(cpu) :
						reregister_other(cpu))
			pr_err("xpv: CPU %u lost its vcpu_info at resume\n", cpu);
	}
}

/*
 * Around a suspend, events masked. Xen's page must not be in our page
 * tables when the toolstack saves them (it is not one of our frames), so
 * until it is mapped again a copy stands in, with the clock as it was.
 */
static struct shared_info xpv_stand_in __page_aligned_bss;

void xpv_shared_info_unmap(void)
{
	memcpy(&xpv_stand_in, xpv_shared_info, sizeof(xpv_stand_in));
	xpv_shared_info = &xpv_stand_in;
	if (!xpv_vcpu_info_registered(0))
		this_cpu_write(xpv_vcpu, &xpv_stand_in.vcpu_info[0]);
	xpv_update_va_mapping(fix_to_virt(FIX_PARAVIRT_BOOTMAP), 0, UVMF_INVLPG);
}
