// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the paravirtualized spinlocks' wait and kick against
 * Xen. The kick port is masked: a kick raises its pending bit and nothing
 * else; a wait clears it before it looks at the lock byte, so a kick from
 * before is forgotten; a poll blocks until the deadline, a kick, or Xen
 * raising the vCPU's upcall flag (another event for it), never for
 * nothing; a kick from another CPU ends a wait. Needs paravirtualized
 * spinlocks, so two vCPUs at least.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/workqueue.h>
#include <asm/qspinlock.h>
#include <asm/xpv/events.h>
#include "pv.h"

struct spinlock_test_kicker {
	struct work_struct work;
	u8 byte;
	int cpu;		/* the CPU to kick */
};

static void spinlock_test_kick(struct work_struct *work)
{
	struct spinlock_test_kicker *k = container_of(work, typeof(*k), work);

	msleep(20);
	WRITE_ONCE(k->byte, 1);
	xpv_qlock_kick(k->cpu);
}

static void spinlock_test_needs_pv(struct kunit *test)
{
	if (!xpv_spinlock_kicks())
		kunit_skip(test, "native spinlocks (one vCPU or nopvspin)");
}

static void spinlock_test_kick_only_raises_pending(struct kunit *test)
{
	spinlock_test_needs_pv(test);
	preempt_disable();
	xpv_evtchn_ipi_clear(XPV_IPI_LOCK_KICK);
	xpv_qlock_kick(smp_processor_id());
	udelay(100);		/* events on: a delivered event would be acked */
	KUNIT_EXPECT_TRUE(test, xpv_evtchn_ipi_pending(XPV_IPI_LOCK_KICK));
	preempt_enable();
}

static void spinlock_test_wait_forgets_earlier_kick(struct kunit *test)
{
	u8 byte = 1;

	spinlock_test_needs_pv(test);
	preempt_disable();
	xpv_qlock_kick(smp_processor_id());
	/* the byte already changed: cleared, looked, not waited on */
	xpv_qlock_wait_until(&byte, 0, 0);
	KUNIT_EXPECT_FALSE(test, xpv_evtchn_ipi_pending(XPV_IPI_LOCK_KICK));
	preempt_enable();
}

static void spinlock_test_poll_blocks(struct kunit *test)
{
	unsigned long flags;
	u64 start, end;
	bool upcall;
	long rc;

	spinlock_test_needs_pv(test);
	local_irq_save(flags);
	xpv_evtchn_ipi_clear(XPV_IPI_LOCK_KICK);
	start = xpv_clock_read();
	rc = xpv_evtchn_ipi_poll(XPV_IPI_LOCK_KICK, start + 50 * NSEC_PER_MSEC);
	end = xpv_clock_read();
	upcall = READ_ONCE(this_cpu_read(xpv_vcpu)->evtchn_upcall_pending);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, rc, 0);
	KUNIT_EXPECT_TRUE_MSG(test, end - start >= 49 * NSEC_PER_MSEC || upcall,
			      "poll ended after %llu ns, no kick, no event", end - start);
}

static void spinlock_test_kick_from_another_cpu(struct kunit *test)
{
	struct spinlock_test_kicker k = { .byte = 0 };
	u64 start, deadline, now;
	unsigned long flags;
	unsigned int other;
	bool kicked;

	spinlock_test_needs_pv(test);
	INIT_WORK_ONSTACK(&k.work, spinlock_test_kick);
	preempt_disable();
	k.cpu = smp_processor_id();
	other = cpumask_any_but(cpu_online_mask, k.cpu);
	if (other >= nr_cpu_ids) {
		preempt_enable();
		kunit_skip(test, "one CPU online");
	}
	queue_work_on(other, system_highpri_wq, &k.work);
	local_irq_save(flags);
	start = xpv_clock_read();
	deadline = start + 2000 * NSEC_PER_MSEC;
	do {	/* as the lock code does: wait, look, wait again */
		xpv_qlock_wait_until(&k.byte, 0, deadline);
		now = xpv_clock_read();
	} while (!READ_ONCE(k.byte) && now < deadline);
	/* the kick comes right after the byte */
	while (!(kicked = xpv_evtchn_ipi_pending(XPV_IPI_LOCK_KICK)) && now < deadline)
		now = xpv_clock_read();
	local_irq_restore(flags);
	preempt_enable();
	flush_work(&k.work);
	destroy_work_on_stack(&k.work);
	KUNIT_EXPECT_EQ(test, READ_ONCE(k.byte), 1);
	KUNIT_EXPECT_TRUE(test, kicked);
	KUNIT_EXPECT_LT(test, now - start, 1000 * NSEC_PER_MSEC);
}

static void spinlock_test_running_vcpu_not_preempted(struct kunit *test)
{
	spinlock_test_needs_pv(test);
	preempt_disable();
	KUNIT_EXPECT_FALSE(test, vcpu_is_preempted(smp_processor_id()));
	preempt_enable();
}

static struct kunit_case spinlock_test_cases[] = {
	KUNIT_CASE(spinlock_test_kick_only_raises_pending),
	KUNIT_CASE(spinlock_test_wait_forgets_earlier_kick),
	KUNIT_CASE(spinlock_test_poll_blocks),
	KUNIT_CASE(spinlock_test_kick_from_another_cpu),
	KUNIT_CASE(spinlock_test_running_vcpu_not_preempted),
	{}
};

static struct kunit_suite spinlock_test_suite = {
	.name = "xpv_spinlock",
	.test_cases = spinlock_test_cases,
};
kunit_test_suite(spinlock_test_suite);
