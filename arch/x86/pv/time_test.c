// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for what the timer virq brings: hrtimers fire through the
 * event upcall one hardirq level deep, and the tick that rides on them
 * counts kernel time as system time. A second irq_enter on the upcall
 * path (run_sysvec_on_irqstack_cond() already makes one) breaks both
 * without breaking anything else a boot would show: top says 0% sys.
 * And steal time: the kernel reads it from the runstate areas, a vCPU
 * held down shows up in it, and a resume does not add what the domain
 * counted before it.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kernel_stat.h>
#include <linux/preempt.h>
#include <linux/static_call.h>
#include <linux/stop_machine.h>
#include <asm/paravirt.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

struct time_test_shot {
	struct hrtimer timer;
	struct completion fired;
	unsigned long hardirq;	/* hardirq_count() in the callback */
};

static enum hrtimer_restart time_test_shot_fn(struct hrtimer *t)
{
	struct time_test_shot *s = container_of(t, struct time_test_shot, timer);

	s->hardirq = hardirq_count();
	complete(&s->fired);
	return HRTIMER_NORESTART;
}

static void time_test_hrtimer_one_hardirq_level(struct kunit *test)
{
	struct time_test_shot *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	init_completion(&s->fired);
	hrtimer_init(&s->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	s->timer.function = time_test_shot_fn;
	hrtimer_start(&s->timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&s->fired, HZ));
	hrtimer_cancel(&s->timer);
	KUNIT_EXPECT_EQ(test, s->hardirq, (unsigned long)HARDIRQ_OFFSET);
}

static u64 time_test_cputime(enum cpu_usage_stat which)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += kcpustat_cpu(cpu).cpustat[which];
	return sum;
}

/*
 * 200 ms spinning in the kernel: the ticks in it are system time. How
 * many ticks land in it depends on how much of it the vCPU ran (a busy
 * host lends it little): one is enough to tell, none is irq time.
 */
static void time_test_kernel_time_is_system(struct kunit *test)
{
	u64 sys = time_test_cputime(CPUTIME_SYSTEM);
	u64 irq = time_test_cputime(CPUTIME_IRQ);
	int i;

	for (i = 0; i < 200; i++)
		mdelay(1);
	sys = time_test_cputime(CPUTIME_SYSTEM) - sys;
	irq = time_test_cputime(CPUTIME_IRQ) - irq;
	KUNIT_EXPECT_GE(test, sys, (u64)TICK_NSEC);
	KUNIT_EXPECT_LT(test, irq, sys);
}

static void time_test_steal_clock_is_ours(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, static_key_false(&paravirt_steal_enabled));
	KUNIT_EXPECT_PTR_EQ(test, (void *)static_call_query(pv_steal_clock),
			    (void *)xpv_steal_clock);
}

/* Xen writes an area at each change of state: we run, so ours says so. */
static void time_test_runstate_own_running(struct kunit *test)
{
	struct vcpu_runstate_info rs;

	preempt_disable();
	xpv_runstate_read(smp_processor_id(), &rs);
	preempt_enable();
	KUNIT_EXPECT_EQ(test, rs.state, RUNSTATE_running);
	KUNIT_EXPECT_GT(test, rs.time[RUNSTATE_running], 0ULL);
	KUNIT_EXPECT_GT(test, rs.state_entry_time, 0ULL);
}

/*
 * 100 ms with CPU 1's vCPU down are 100 ms offline: steal time for that
 * CPU, read first while CPU 1 runs (a remote area, whole only with Xen's
 * update flag).
 */
static void time_test_steal_counts_vcpu_down(struct kunit *test)
{
	u64 before, after;

	if (num_possible_cpus() < 2 || !cpu_online(1))
		kunit_skip(test, "one vCPU: no other to take down");
	before = xpv_steal_clock(1);
	KUNIT_ASSERT_EQ(test, remove_cpu(1), 0);
	msleep(100);
	KUNIT_ASSERT_EQ(test, add_cpu(1), 0);
	after = xpv_steal_clock(1);
	KUNIT_EXPECT_GE(test, after - before, 100 * NSEC_PER_MSEC);
	KUNIT_EXPECT_LT(test, after - before, 60 * NSEC_PER_SEC);
}

static int time_test_suspend_resume(void *clock)
{
	u64 *c = clock;

	xpv_steal_suspend();
	c[0] = xpv_steal_clock(1);
	xpv_steal_resume();
	c[1] = xpv_steal_clock(1);
	return 0;
}

/*
 * A new domain counts from when the toolstack made it, and a live
 * migration makes it seconds before we resume in it: what it counted
 * before the resume is not our steal time. The suspend's and the resume's
 * steps in one domain, every CPU held as in a suspend, after 100 ms with
 * CPU 1 down that this domain counted: CPU 1's clock goes on from where
 * it was, it does not add the domain's count again.
 */
static void time_test_steal_resume_goes_on(struct kunit *test)
{
	u64 c[2];
	s64 jump;

	if (num_possible_cpus() < 2 || !cpu_online(1))
		kunit_skip(test, "one vCPU: no other to take down");
	KUNIT_ASSERT_EQ(test, remove_cpu(1), 0);
	msleep(100);
	KUNIT_ASSERT_EQ(test, add_cpu(1), 0);
	KUNIT_ASSERT_EQ(test, stop_machine(time_test_suspend_resume, c, NULL), 0);
	jump = c[1] - c[0];
	KUNIT_EXPECT_LT(test, jump, 50 * NSEC_PER_MSEC);
	KUNIT_EXPECT_GT(test, jump, -50 * NSEC_PER_MSEC);
}

static struct kunit_case time_test_cases[] = {
	KUNIT_CASE(time_test_hrtimer_one_hardirq_level),
	KUNIT_CASE(time_test_kernel_time_is_system),
	KUNIT_CASE(time_test_steal_clock_is_ours),
	KUNIT_CASE(time_test_runstate_own_running),
	KUNIT_CASE(time_test_steal_counts_vcpu_down),
	KUNIT_CASE(time_test_steal_resume_goes_on),
	{}
};

static struct kunit_suite time_test_suite = {
	.name = "xpv_time",
	.test_cases = time_test_cases,
};
kunit_test_suite(time_test_suite);

MODULE_LICENSE("GPL");
