// SPDX-License-Identifier: GPL-2.0-only
/*
 * Several vCPUs: the xpv port's smp_ops (bring-up, IPIs, CPU hotplug).
 *
 * vCPU n is CPU n. Every vCPU Xen gave the domain is a possible CPU
 * (VCPUOP_is_up answers for it); all of them are present and brought up
 * at boot. Bringing one up, from the CPU that asks:
 *
 *   1. its vcpu_info registered in its per-CPU area (irq.c; Xen takes
 *      that only while the vCPU is down), masked;
 *   2. its timer virq and its IPIs bound to it, once (time.c, events.c);
 *      steps 1 and 2 are a CPU hotplug prepare step of their own, since
 *      the kernel calls cpu_up (steps 3 and 4) with the irq descriptors
 *      locked: allocating an irq there would wait for itself forever;
 *   3. the first time only, VCPUOP_initialise with a context we build:
 *      the GDT page of its per-CPU area (read-only first), the trap
 *      table of the loaded IDT, the event/failsafe/syscall callbacks,
 *      the kernel stack of its idle task, cr3 = the kernel's own tables
 *      (init_mm's pgd, pinned since boot), %gs = its per-CPU area;
 *   4. VCPUOP_up; it enters xpv_cpu_entry (entry.S), runs the kernel's
 *      own CPU setup and goes idle; we wait until it says it is online.
 *
 * Going offline, the CPU itself takes VCPUOP_down in play_dead; a later
 * VCPUOP_up resumes it right there, where it sets itself up again and
 * goes back to its idle loop: Xen keeps its context (and its vcpu_info
 * registration) across down and up, so there is no second initialise.
 * Its timer virq and IPIs stay bound while it is down; nothing sends to
 * an offline CPU, and its timer is stopped.
 *
 * An IPI is an event channel bound with EVTCHNOP_bind_ipi to the target's
 * vCPU: sending it is EVTCHNOP_send on that port. Remote TLB flushes need
 * none (mmu.c). A CPU waiting for a spinlock is woken by one more, never
 * delivered (spinlock.c).
 */
#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/nmi.h>
#include <linux/sched.h>
#include <linux/sched/hotplug.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/tick.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/hardirq.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/xen/interface.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

static irqreturn_t ipi_reschedule(int irq, void *dev_id)
{
	inc_irq_stat(irq_resched_count);
	scheduler_ipi();
	return IRQ_HANDLED;
}

static irqreturn_t ipi_call_function(int irq, void *dev_id)
{
	generic_smp_call_function_interrupt();
	inc_irq_stat(irq_call_count);
	return IRQ_HANDLED;
}

static irqreturn_t ipi_call_function_single(int irq, void *dev_id)
{
	generic_smp_call_function_single_interrupt();
	inc_irq_stat(irq_call_count);
	return IRQ_HANDLED;
}

static const struct {
	irq_handler_t handler;
	const char *name;
} xpv_ipis[XPV_NR_IPIS] = {
	[XPV_IPI_RESCHEDULE]		= { ipi_reschedule, "resched" },
	[XPV_IPI_CALL_FUNCTION]		= { ipi_call_function, "callfunc" },
	[XPV_IPI_CALL_FUNCTION_SINGLE]	= { ipi_call_function_single, "callfunc1" },
};

/* The vCPUs Xen took a context for (VCPUOP_initialise is once per vCPU). */
static struct cpumask xpv_vcpu_initialised;

/*
 * IPI @ipi of @cpu, bound and, if it has a handler, requested. The lock
 * kick has none: bound only with paravirtualized spinlocks, its port
 * stays masked (see spinlock.c).
 */
static int bind_ipi(unsigned int cpu, enum xpv_ipi ipi)
{
	int irq;

	if (!xpv_ipis[ipi].handler && !xpv_spinlock_kicks())
		return 0;
	irq = xpv_evtchn_bind_ipi(ipi, cpu);
	if (irq < 0 || !xpv_ipis[ipi].handler)
		return min(irq, 0);
	return request_irq(irq, xpv_ipis[ipi].handler, IRQF_PERCPU |
			   IRQF_NOBALANCING, xpv_ipis[ipi].name, NULL);
}

/* Timer and IPIs of @cpu, bound and requested; once, kept while down. */
static int bind_cpu_events(unsigned int cpu)
{
	static struct cpumask bound;
	enum xpv_ipi i;
	int rc;

	if (cpumask_test_cpu(cpu, &bound))
		return 0;
	BUILD_BUG_ON(XPV_NR_IPIS > XPV_EVTCHN_IPIS);
	rc = xpv_timer_bind(cpu);
	for (i = 0; i < XPV_NR_IPIS && !rc; i++)
		rc = bind_ipi(cpu, i);
	if (rc) {
		pr_err("xpv: CPU %u: events not bound: %d\n", cpu, rc);
		return rc;
	}
	cpumask_set_cpu(cpu, &bound);
	return 0;
}

static void send_ipi(unsigned int cpu, enum xpv_ipi ipi)
{
	xpv_evtchn_send_ipi(ipi, cpu);
}

static void xpv_smp_send_reschedule(int cpu)
{
	send_ipi(cpu, XPV_IPI_RESCHEDULE);
}

static void xpv_send_call_func_ipi(const struct cpumask *mask)
{
	unsigned int cpu;

	for_each_cpu(cpu, mask)
		send_ipi(cpu, XPV_IPI_CALL_FUNCTION);
}

static void xpv_send_call_func_single_ipi(int cpu)
{
	send_ipi(cpu, XPV_IPI_CALL_FUNCTION_SINGLE);
}

/* The kernel's own per-CPU setup and the way into the online state. */
static void cpu_bringup(void)
{
	unsigned int cpu;

	cr4_init();
	cpu_init_secondary();
	touch_softlockup_watchdog();
	cpu = smp_processor_id();
	smp_store_cpu_info(cpu);
	cpu_data(cpu).x86_max_cores = 1;
	set_cpu_sibling_map(cpu);
	xpv_timer_start();
	notify_cpu_starting(cpu);
	set_cpu_online(cpu, true);
	cpu_set_state_online(cpu);	/* a full barrier */
	local_irq_enable();
}

/* From xpv_cpu_entry: a secondary vCPU's first C code, events masked. */
asmlinkage __visible void xpv_cpu_bringup_and_idle(void)
{
	cpu_bringup();
	cpu_startup_entry(CPUHP_AP_ONLINE_IDLE);
}

static void __init xpv_smp_prepare_boot_cpu(void)
{
	native_smp_prepare_boot_cpu();	/* onto the per-CPU GDT */
	xpv_gdt_release_boot();
	xpv_vcpu_info_register(0);
	xpv_spinlock_init();		/* before pv_ops are patched in */
}

/* cpuhp prepare step: @cpu's vcpu_info and events before its vCPU runs. */
static int prepare_vcpu(unsigned int cpu)
{
	int rc = 0;

	if (!xpv_vcpu_info_registered(cpu))
		rc = xpv_vcpu_info_register(cpu);
	if (rc)
		return rc;
	per_cpu(xpv_vcpu, cpu)->evtchn_upcall_mask = 1;
	return bind_cpu_events(cpu);
}

static void __init xpv_smp_prepare_cpus(unsigned int max_cpus)
{
	unsigned int cpu;

	smp_store_boot_cpu_info();
	cpu_data(0).x86_max_cores = 1;
	set_cpu_sibling_map(0);
	if (bind_cpu_events(0))
		panic("xpv: no IPIs for the boot CPU\n");
	if (cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "x86/xpv:prepare",
				      prepare_vcpu, NULL) < 0)
		panic("xpv: no CPU hotplug step for the vCPUs\n");
	/*
	 * No firmware table lists the vCPUs, and Xen's PV CPUID gives each
	 * the boot vCPU's APIC id: say that is what each has, or the kernel
	 * reports an "APIC id mismatch" firmware bug as each comes up.
	 */
	for_each_possible_cpu(cpu) {
		set_cpu_present(cpu, true);
		per_cpu(x86_bios_cpu_apicid, cpu) = boot_cpu_data.apicid;
	}
}

static void __init xpv_smp_cpus_done(unsigned int max_cpus)
{
	calculate_max_logical_packages();
}

/* What @cpu's vCPU starts from: see the header, step 3. */
static void fill_context(struct vcpu_guest_context *ctxt, unsigned int cpu,
			 struct task_struct *idle)
{
	ctxt->flags = VGCF_in_kernel | VGCF_failsafe_disables_events |
		      VGCF_syscall_disables_events;
	ctxt->user_regs.rip = (unsigned long)xpv_cpu_entry;
	ctxt->user_regs.rsp = (unsigned long)task_pt_regs(idle);
	ctxt->user_regs.cs = __KERNEL_CS;
	ctxt->user_regs.ss = __KERNEL_DS;
	/* I/O privilege 1, as the boot vCPU has it (traps.c). */
	ctxt->user_regs.rflags = 1UL << X86_EFLAGS_IOPL_BIT;
	xpv_idt_trap_ctxt(ctxt->trap_ctxt);
	ctxt->gdt_frames[0] = xpv_gdt_frame((unsigned long)get_cpu_gdt_rw(cpu));
	ctxt->gdt_ents = GDT_ENTRIES;
	ctxt->kernel_ss = __KERNEL_DS;
	ctxt->kernel_sp = task_top_of_stack(idle);
	ctxt->gs_base_kernel = cpu_kernelmode_gs_base(cpu);
	ctxt->event_callback_eip = (unsigned long)xpv_event_entry;
	ctxt->failsafe_callback_eip = (unsigned long)xpv_failsafe_entry;
	ctxt->syscall_callback_eip = (unsigned long)xpv_syscall_entry;
	ctxt->ctrlreg[3] = xen_pfn_to_cr3(xpv_virt_to_machine(swapper_pg_dir) >>
					  PAGE_SHIFT);
}

static int initialise_vcpu(unsigned int cpu, struct task_struct *idle)
{
	struct vcpu_guest_context *ctxt;
	long rc;

	if (cpumask_test_cpu(cpu, &xpv_vcpu_initialised))
		return 0;
	ctxt = kzalloc(sizeof(*ctxt), GFP_KERNEL);
	if (!ctxt)
		return -ENOMEM;
	fill_context(ctxt, cpu, idle);
	xpv_mmu_cpu_cr3(cpu, __pa(swapper_pg_dir));
	rc = xpv_vcpu_op(VCPUOP_initialise, cpu, ctxt);
	kfree(ctxt);
	if (rc) {
		pr_err("xpv: VCPUOP_initialise of CPU %u: %ld\n", cpu, rc);
		return rc;
	}
	cpumask_set_cpu(cpu, &xpv_vcpu_initialised);
	return 0;
}

static int xpv_cpu_up(unsigned int cpu, struct task_struct *idle)
{
	long rc = common_cpu_up(cpu, idle);

	if (!rc)
		rc = cpu_check_up_prepare(cpu);
	if (!rc)
		rc = initialise_vcpu(cpu, idle);
	if (rc)
		return rc;
	cpumask_set_cpu(cpu, cpu_callout_mask);	/* cpu_init() waits for it */
	rc = xpv_vcpu_op(VCPUOP_up, cpu, NULL);
	if (rc) {
		pr_err("xpv: VCPUOP_up of CPU %u: %ld\n", cpu, rc);
		return rc;
	}
	while (cpu_report_state(cpu) != CPU_ONLINE)
		xpv_sched_op(SCHEDOP_yield, NULL);
	return 0;
}

static int xpv_cpu_disable(void)
{
	if (smp_processor_id() == 0)
		return -EBUSY;	/* it holds the devices' event channels */
	cpu_disable_common();
	load_cr3(swapper_pg_dir);
	return 0;
}

/* On the CPU that took @cpu down, once @cpu is in play_dead. */
static void xpv_cpu_die(unsigned int cpu)
{
	while (xpv_vcpu_op(VCPUOP_is_up, cpu, NULL) > 0)
		schedule_timeout_uninterruptible(1);
	common_cpu_die(cpu);
}

/* The idle task of an offline CPU: down until VCPUOP_up, then back. */
static void xpv_play_dead(void)
{
	play_dead_common();
	xpv_vcpu_op(VCPUOP_down, smp_processor_id(), NULL);
	cpu_bringup();
	/* The tick's idle state went with the CPU; as do_idle() left it. */
	tick_nohz_idle_enter();
	tick_nohz_idle_stop_tick_protected();
	cpuhp_online_idle(CPUHP_AP_ONLINE_IDLE);
}

static void stop_self(void *unused)
{
	set_cpu_online(smp_processor_id(), false);
	xpv_vcpu_op(VCPUOP_down, smp_processor_id(), NULL);
}

/* Reboot, power off, panic: the other vCPUs down, for good. */
static void xpv_stop_other_cpus(int wait)
{
	unsigned long timeout = USEC_PER_SEC;

	smp_call_function(stop_self, NULL, 0);
	while (wait && num_online_cpus() > 1 && timeout--)
		udelay(1);
}

/* x86_init.mpparse.get_smp_config: Xen's vCPUs are 0 .. n-1. */
static void __init xpv_smp_get_config(unsigned int early)
{
	unsigned int cpu;

	if (early)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (xpv_vcpu_op(VCPUOP_is_up, cpu, NULL) < 0)
			break;
		num_processors++;
	}
}

void __init xpv_smp_init(void)
{
	smp_ops.smp_prepare_boot_cpu = xpv_smp_prepare_boot_cpu;
	smp_ops.smp_prepare_cpus = xpv_smp_prepare_cpus;
	smp_ops.smp_cpus_done = xpv_smp_cpus_done;
	smp_ops.stop_other_cpus = xpv_stop_other_cpus;
	smp_ops.smp_send_reschedule = xpv_smp_send_reschedule;
	smp_ops.cpu_up = xpv_cpu_up;
	smp_ops.cpu_disable = xpv_cpu_disable;
	smp_ops.cpu_die = xpv_cpu_die;
	smp_ops.play_dead = xpv_play_dead;
	smp_ops.send_call_func_ipi = xpv_send_call_func_ipi;
	smp_ops.send_call_func_single_ipi = xpv_send_call_func_single_ipi;
	x86_init.mpparse.get_smp_config = xpv_smp_get_config;
}
