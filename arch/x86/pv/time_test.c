// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for what the timer virq brings: hrtimers fire through the
 * event upcall one hardirq level deep, and the tick that rides on them
 * counts kernel time as system time. A second irq_enter on the upcall
 * path (run_sysvec_on_irqstack_cond() already makes one) breaks both
 * without breaking anything else a boot would show: top says 0% sys.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kernel_stat.h>
#include <linux/preempt.h>

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

static struct kunit_case time_test_cases[] = {
	KUNIT_CASE(time_test_hrtimer_one_hardirq_level),
	KUNIT_CASE(time_test_kernel_time_is_system),
	{}
};

static struct kunit_suite time_test_suite = {
	.name = "xpv_time",
	.test_cases = time_test_cases,
};
kunit_test_suite(time_test_suite);

MODULE_LICENSE("GPL");
