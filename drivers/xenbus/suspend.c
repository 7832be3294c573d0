// SPDX-License-Identifier: GPL-2.0-only
/*
 * Suspend for the toolstack: xl save, restore and migration.
 *
 * control.c calls xpv_xenbus_suspend() when control/shutdown says
 * "suspend" and this domain can suspend. In order:
 *
 *   1. xenstore quiet: no request on the ring until resume;
 *   2. the grant table's frames (Xen's) out of our page tables;
 *   3. with every other vCPU stopped and events masked: the kernel's
 *      syscore hooks (timekeeping), then the arch part (the hypercall,
 *      arch/x86/pv/suspend.c), then syscore resume;
 *   4. grant frames mapped again, xenstore resumed (its new event channel
 *      and every watch again, in a new domain).
 *
 * Frontends do not go through suspend and resume yet: while a device is
 * bound to one, this domain refuses to suspend, says why on the console
 * and in xenstore (error/suspend), and goes on running.
 */
#define pr_fmt(fmt) "xpv-suspend: " fmt

#include <linux/kernel.h>
#include <linux/cpumask.h>
#include <linux/stop_machine.h>
#include <linux/syscore_ops.h>
#include <asm/xpv/suspend.h>
#include <xpv/xenbus.h>
#include "xenbus.h"

const char *xpv_xenbus_suspend_blocker(char *buf, size_t len)
{
	struct device *dev = xpv_xenbus_first_bound();

	if (!dev)
		return NULL;
	snprintf(buf, len, "%s: its frontend cannot resume", dev_name(dev));
	put_device(dev);
	return buf;
}

/* Events masked, the other CPUs held: the result of xpv_arch_suspend(). */
static int suspend_stopped(void *result)
{
	int rc = syscore_suspend();

	if (rc) {
		pr_err("syscore suspend: %d\n", rc);
		*(int *)result = rc;
		return 0;
	}
	*(int *)result = xpv_arch_suspend();
	syscore_resume();
	return 0;
}

int xpv_xenbus_suspend(void)
{
	int result = -EIO, rc;

	xpv_xs_suspend();
	rc = xpv_gnttab_suspend();
	if (!rc)
		rc = stop_machine(suspend_stopped, &result, cpumask_of(0));
	if (rc)
		pr_err("cannot suspend: %d\n", rc);
	rc = xpv_gnttab_resume();
	if (rc)
		pr_err("grant table lost at resume: %d\n", rc);
	xpv_xs_resume(result == 0);
	pr_info("%s\n", result == 0 ? "resumed in a new domain" :
		result == 1 ? "suspend cancelled, going on" : "not suspended");
	return result;
}
