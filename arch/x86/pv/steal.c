// SPDX-License-Identifier: GPL-2.0-only
/*
 * Steal time of the xpv port: how long each vCPU wanted to run while Xen
 * ran something else (RUNSTATE_runnable) or held it off (RUNSTATE_offline:
 * down, or the domain paused). The kernel's tick and, with
 * CONFIG_PARAVIRT_TIME_ACCOUNTING, the scheduler's clock take it from
 * pv_steal_clock, so /proc/stat shows it and tasks are not charged for it.
 *
 * Each vCPU has a vcpu_runstate_info in its CPU's per-CPU area, registered
 * by virtual address (VCPUOP_register_runstate_memory_area); Xen writes it
 * at every change of state, through our kernel page tables even while the
 * vCPU is in user mode. With VMASST_TYPE_runstate_update_flag Xen sets
 * XEN_RUNSTATE_UPDATE in state_entry_time while it writes, so any CPU can
 * read any vCPU's area; without it only a vCPU's own area reads whole
 * (Xen writes it only while that vCPU is not running), and the scheduler
 * (which reads remote CPUs') is not given steal time.
 *
 * WHY a base per CPU: a restored or migrated domain is a new domain, whose
 * vCPUs' times start again when the toolstack creates it, and the kernel
 * subtracts its last reading from each new one: the clock must never go
 * back. Nor may it count the new domain's life before our resume: its
 * vCPUs are offline while the toolstack fills its memory, which during a
 * live migration is seconds we ran in the old domain. So each CPU's clock
 * goes on from its steal at suspend, plus what the new domain counts from
 * the resume on.
 */
#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/static_call.h>
#include <asm/paravirt.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

static DEFINE_PER_CPU(struct vcpu_runstate_info, xpv_runstate);
static DEFINE_PER_CPU(u64, xpv_steal_base);
static DEFINE_PER_CPU(u64, xpv_steal_at_suspend);
/* vCPUs whose area Xen writes; registered again in a new domain */
static struct cpumask xpv_runstate_registered;

/**
 * xpv_runstate_read - a whole copy of @cpu's runstate as Xen last wrote it
 * @cpu: our own CPU, or any when Xen flags its updates (see the top)
 * @out: the copy; state_entry_time without XEN_RUNSTATE_UPDATE
 */
void xpv_runstate_read(unsigned int cpu, struct vcpu_runstate_info *out)
{
	const struct vcpu_runstate_info *rs = &per_cpu(xpv_runstate, cpu);
	u64 entry;

	do {
		entry = READ_ONCE(rs->state_entry_time);
		smp_rmb();	/* Xen: flag set, wmb, times written, wmb, flag clear */
		*out = *rs;
		smp_rmb();	/* the copy before the second look at the flag */
	} while ((entry & XEN_RUNSTATE_UPDATE) ||
		 READ_ONCE(rs->state_entry_time) != entry);
}

/**
 * xpv_vcpu_runnable - whether Xen holds @cpu's vCPU off a physical CPU
 * @cpu: any CPU: one word of its area is read, which Xen writes whole
 *
 * Return: true if the vCPU is runnable and not running; false too when
 * its area is not registered (it reads as all zeros: running).
 */
bool xpv_vcpu_runnable(unsigned int cpu)
{
	return READ_ONCE(per_cpu(xpv_runstate, cpu).state) == RUNSTATE_runnable;
}

/* ns @cpu was runnable or offline in this domain, as far as Xen says */
static u64 domain_steal(unsigned int cpu)
{
	struct vcpu_runstate_info rs;

	xpv_runstate_read(cpu, &rs);
	return rs.time[RUNSTATE_runnable] + rs.time[RUNSTATE_offline];
}

/** xpv_steal_clock - ns @cpu was runnable or offline since boot; never goes back */
u64 xpv_steal_clock(int cpu)
{
	return per_cpu(xpv_steal_base, cpu) + domain_steal(cpu);
}

/**
 * xpv_runstate_register - have Xen keep @cpu's runstate area current
 * @cpu: any CPU, up or down
 *
 * Return: 0 or -errno (that CPU then shows no steal time).
 */
int xpv_runstate_register(unsigned int cpu)
{
	struct vcpu_register_runstate_memory_area area = {
		.addr.v = &per_cpu(xpv_runstate, cpu),
	};
	long rc = xpv_vcpu_op(VCPUOP_register_runstate_memory_area, cpu, &area);

	if (rc) {
		pr_warn("xpv: CPU %u: runstate area not registered: %ld\n", cpu, rc);
		cpumask_clear_cpu(cpu, &xpv_runstate_registered);
		return rc;
	}
	cpumask_set_cpu(cpu, &xpv_runstate_registered);
	return 0;
}

/* From time_init, CPU 0's area registered: steal time on. */
void __init xpv_steal_init(void)
{
	bool remote = !xpv_vm_assist(VMASST_CMD_enable,
				     VMASST_TYPE_runstate_update_flag);

	if (!cpumask_test_cpu(0, &xpv_runstate_registered))
		return;
	static_call_update(pv_steal_clock, xpv_steal_clock);
	static_key_slow_inc(&paravirt_steal_enabled);
	if (remote)
		static_key_slow_inc(&paravirt_steal_rq_enabled);
	pr_info("xpv: steal time from the runstate areas%s\n",
		remote ? "" : " (own CPU only: no runstate update flag)");
}

/* Before the suspend hypercall; other CPUs held. */
void xpv_steal_suspend(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, &xpv_runstate_registered)
		per_cpu(xpv_steal_at_suspend, cpu) = xpv_steal_clock(cpu);
}

/*
 * In a new domain, before anything reads the clock: the areas hold the old
 * domain's times until Xen writes the new ones (registering copies them
 * in), and none if it will not. The base may wrap below zero when the new
 * domain counted more than we had: base + what it counts is right modulo
 * 2^64, and what it counts only grows.
 */
void xpv_steal_resume(void)
{
	unsigned int cpu;

	for_each_cpu(cpu, &xpv_runstate_registered) {
		memset(&per_cpu(xpv_runstate, cpu), 0, sizeof(struct vcpu_runstate_info));
		per_cpu(xpv_steal_base, cpu) = per_cpu(xpv_steal_at_suspend, cpu);
		if (!xpv_runstate_register(cpu))
			per_cpu(xpv_steal_base, cpu) -= domain_steal(cpu);
	}
}
