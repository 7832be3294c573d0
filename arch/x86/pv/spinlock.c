// SPDX-License-Identifier: GPL-2.0-only
/*
 * Paravirtualized spinlocks of the xpv port.
 *
 * With more vCPUs than Xen has CPUs for them, a vCPU spinning on a lock
 * can spend its whole slice waiting for a holder that Xen is not running.
 * The kernel's paravirtualized queued spinlock (qspinlock_paravirt.h)
 * spins a while, then asks us to wait, and kicks the next waiter when it
 * hands the lock on. We give it:
 *
 *   wait(byte, val): clear our kick port's pending bit; if *byte still
 *   holds val, block in SCHEDOP_poll on that port. Xen wakes a poller
 *   only when its port becomes pending, hence the clear before the last
 *   look: a kick after the clear ends the poll at once, and one before it
 *   is not needed (it came after the change of *byte we just saw). Xen
 *   also ends the poll when an event is due, if events are unmasked, and
 *   when it raises the vCPU's upcall flag even if they are masked: an
 *   early return is allowed, the lock code looks again.
 *   kick(cpu): EVTCHNOP_send on that CPU's kick port.
 *
 * The kick port is one more IPI of each CPU (XPV_IPI_LOCK_KICK, smp.c),
 * bound but never requested: its port stays masked, so a kick sets the
 * pending bit and wakes the poll without entering the event callback.
 *
 * vcpu_is_preempted(cpu) is what Xen's runstate area of that vCPU says
 * (steal.c): runnable, not running. Mutexes and rwsems stop spinning on
 * an owner that is not running, and the scheduler prefers idle vCPUs
 * that Xen runs.
 *
 * One vCPU, or `nopvspin` on the command line: the kernel's native lock
 * (for a guest, a test-and-set lock) and no kick ports.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/hardirq.h>
#include <linux/spinlock.h>
#include <asm/paravirt.h>
#include <asm/qspinlock.h>
#include <asm/xpv/events.h>
#include "pv.h"

static bool xpv_pv_spinlocks __ro_after_init;

/** xpv_spinlock_kicks - whether each CPU needs its lock kick port */
bool xpv_spinlock_kicks(void)
{
	return xpv_pv_spinlocks;
}

/**
 * xpv_qlock_wait_until - pv_wait, with a deadline
 * @byte: the lock byte the caller waits on
 * @val: the value that means keep waiting
 * @deadline: Xen system time (ns) to stop waiting at; 0: never
 */
void xpv_qlock_wait_until(u8 *byte, u8 val, u64 deadline)
{
	/* An NMI's clear could eat the kick of the wait it interrupted. */
	if (in_nmi())
		return;
	xpv_evtchn_ipi_clear(XPV_IPI_LOCK_KICK);
	if (READ_ONCE(*byte) != val)
		return;
	xpv_evtchn_ipi_poll(XPV_IPI_LOCK_KICK, deadline);
}

static void xpv_qlock_wait(u8 *byte, u8 val)
{
	xpv_qlock_wait_until(byte, val, 0);
}

/** xpv_qlock_kick - end the wait of @cpu, or the poll it is about to make */
void xpv_qlock_kick(int cpu)
{
	xpv_evtchn_send_ipi(XPV_IPI_LOCK_KICK, cpu);
}

/* Callee-saved: the lock code calls it from inline asm. */
__visible bool xpv_vcpu_is_preempted(long cpu)
{
	return xpv_vcpu_runnable(cpu);
}
PV_CALLEE_SAVE_REGS_THUNK(xpv_vcpu_is_preempted);

/* From smp_prepare_boot_cpu: one CPU runs, no pv_op is patched yet. */
void __init xpv_spinlock_init(void)
{
	if (nr_cpu_ids < 2 || nopvspin) {
		pr_info("xpv: native spinlocks (%s)\n",
			nopvspin ? "nopvspin" : "one vCPU");
		return;
	}
	__pv_init_lock_hash();
	pv_ops.lock.queued_spin_lock_slowpath = __pv_queued_spin_lock_slowpath;
	pv_ops.lock.queued_spin_unlock =
		PV_CALLEE_SAVE(__pv_queued_spin_unlock);
	pv_ops.lock.wait = xpv_qlock_wait;
	pv_ops.lock.kick = xpv_qlock_kick;
	pv_ops.lock.vcpu_is_preempted = PV_CALLEE_SAVE(xpv_vcpu_is_preempted);
	xpv_pv_spinlocks = true;
	pr_info("xpv: paravirtualized spinlocks, kicked through event channels\n");
}
