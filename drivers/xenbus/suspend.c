// SPDX-License-Identifier: GPL-2.0-only
/*
 * Suspend for the toolstack: xl save, restore and migration.
 *
 * control.c calls xpv_xenbus_suspend() when control/shutdown says
 * "suspend". In order:
 *
 *   1. the frontends stop following their backends (bus.c), xenstore
 *      quiet: no request on the ring until resume;
 *   2. the other CPUs' ticks stopped (a one-shot timer does not follow the
 *      domain; CPU 0's is timekeeping's);
 *   3. with every other vCPU stopped and events masked, on CPU 0: the
 *      kernel's syscore hooks (timekeeping), the grant table's frames
 *      (Xen's) out of our page tables, the arch part (the hypercall,
 *      arch/x86/pv/suspend.c), the grant frames mapped again, syscore
 *      resume;
 *   4. the other CPUs' ticks started again, xenstore resumed (its new
 *      event channel and every watch again, in a new domain), then the
 *      frontends: in a new domain each takes back what its old backend
 *      had in flight and connects to the new one, which gets it again
 *      (bus.c).
 */
#define pr_fmt(fmt) "xpv-suspend: " fmt

#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/stop_machine.h>
#include <linux/syscore_ops.h>
#include <linux/tick.h>
#include <asm/xpv/suspend.h>
#include <xpv/xenbus.h>
#include "xenbus.h"

/* Events masked, the other CPUs held: the result of xpv_arch_suspend(). */
static int suspend_stopped(void *result)
{
	int rc = syscore_suspend();

	if (rc) {
		pr_err("syscore suspend: %d\n", rc);
		*(int *)result = rc;
		return 0;
	}
	rc = xpv_gnttab_suspend();
	*(int *)result = rc ?: xpv_arch_suspend();
	rc = xpv_gnttab_resume();
	if (rc)
		pr_err("grant table lost at resume: %d\n", rc);
	syscore_resume();
	return 0;
}

static void tick_suspend_other(void *unused)
{
	if (smp_processor_id())
		tick_suspend_local();
}

static void tick_resume_other(void *unused)
{
	if (smp_processor_id())
		tick_resume_local();
}

int xpv_xenbus_suspend(void)
{
	int result = -EIO, rc;

	xpv_xenbus_bus_suspend();
	xpv_xs_suspend();
	on_each_cpu(tick_suspend_other, NULL, true);
	rc = stop_machine(suspend_stopped, &result, cpumask_of(0));
	on_each_cpu(tick_resume_other, NULL, true);
	if (rc)
		pr_err("cannot suspend: %d\n", rc);
	xpv_xs_resume(result == 0);
	xpv_xenbus_bus_resume(result == 0);
	pr_info("%s\n", result == 0 ? "resumed in a new domain" :
		result == 1 ? "suspend cancelled, going on" : "not suspended");
	return result;
}
