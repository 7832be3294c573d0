// SPDX-License-Identifier: GPL-2.0-only
/*
 * Suspend and resume of the xpv port, the part with events masked.
 *
 * The toolstack saves a PV guest that suspended itself with
 * SCHEDOP_shutdown(SHUTDOWN_suspend), the start_info frame in the third
 * argument. It rewrites every frame number it can find (page tables, the
 * P2M, start_info) for the domain it restores into, so before the call:
 *
 *   - start_info's store and console frames become pfns (it writes the
 *     new domain's mfns and event channels there);
 *   - Xen's pages leave our page tables (shared_info here, the grant
 *     frames in drivers/xenbus): they are not our frames.
 *
 * The call returns 0 in the new domain (whose mfns the toolstack wrote
 * into start_info), or 1 when the suspend was cancelled (the same domain
 * goes on: its pfns become its mfns again). Then, in order: shared_info,
 * the P2M frame list, in a new domain each CPU's vcpu_info (registered
 * again), the runstate areas, the event channels and the console's, and
 * time.
 * The caller (drivers/xenbus/suspend.c) holds xenstore quiet, takes the
 * grant frames away and back, and runs the kernel's syscore hooks
 * (timekeeping) around this.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/xpv/boot.h>
#include <asm/xpv/hypercall.h>
#include <asm/xpv/suspend.h>
#include "pv.h"

/* The ring frames in start_info, as pfns (@to_pfn) or our mfns again. */
static void convert_start_info(struct start_info *si, bool to_pfn)
{
	unsigned long (*conv)(unsigned long) = to_pfn ? xpv_mfn_to_pfn :
							xpv_pfn_to_mfn;

	si->store_mfn = conv(si->store_mfn);
	si->console.domU.mfn = conv(si->console.domU.mfn);
}

static long suspend_hypercall(struct start_info *si)
{
	struct sched_shutdown arg = { .reason = SHUTDOWN_suspend };

	return __xpv_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &arg,
			       PFN_DOWN(xpv_virt_to_machine(si)), 0, 0);
}

static void resume_new_domain(struct start_info *si)
{
	struct physdev_set_iopl iopl = { .iopl = 1 };

	xpv_vcpu_info_resume();
	xpv_steal_resume();
	xpv_events_resume();
	xpv_early_console_resume(si);
	if (IS_ENABLED(CONFIG_HVC_DRIVER))
		xpv_hvc_resume();
	/* Not part of the state the toolstack carries over. */
	xpv_physdev_op(PHYSDEVOP_set_iopl, &iopl);
}

/**
 * xpv_arch_suspend - suspend this domain; events masked, other CPUs held
 *
 * Return: 0 when resumed in a new domain (restored, migrated), 1 when the
 * suspend was cancelled (the same domain goes on), -errno when Xen refused
 * it (the same domain goes on as well).
 */
int xpv_arch_suspend(void)
{
	struct start_info *si = xpv_start_info;
	long rc;

	xpv_time_suspend();
	xpv_mm_pin_all();
	convert_start_info(si, true);
	xpv_shared_info_unmap();
	rc = suspend_hypercall(si);
	if (rc)		/* the same domain: our own frames again */
		convert_start_info(si, false);
	if (xpv_shared_info_remap(si->shared_info)) {
		/* no events, no time: nothing to go on with */
		xpv_early_printf("xpv: shared_info %#lx cannot be mapped after suspend\n",
				 si->shared_info);
		xpv_shutdown(SHUTDOWN_crash);
	}
	xpv_p2m_fl_publish();
	if (!rc)
		resume_new_domain(si);
	xpv_mm_unpin_all();
	xpv_time_resume();
	return rc;
}
