// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time of the xpv port: Xen's clock, Xen's timer.
 *
 *  - clocksource and sched_clock: the pvclock in the vcpu_info of the
 *    CPU we run on, Xen system time in ns (since Xen booted), from the
 *    TSC and the scale and offset Xen keeps current for that vCPU
 *    (asm/pvclock.h does the maths; it keeps reads monotonic across
 *    CPUs unless Xen says the TSC is stable);
 *  - wallclock: shared_info's wc fields plus system time;
 *  - clockevent, one per CPU: one-shot VCPUOP_set_singleshot_timer (only
 *    a vCPU's own), whose deadline is absolute Xen system time (the same
 *    clock as the clocksource, not ktime); it fires the vCPU's VIRQ_TIMER,
 *    a per-CPU irq bound once, before the CPU first comes up, and kept
 *    across CPU hotplug. Xen arms a 100 Hz periodic timer for every vCPU
 *    at start: stopped here;
 *  - steal time: each vCPU's runstate area (steal.c), registered when its
 *    timer is bound.
 *
 * Across a save and restore (or a migration) Xen's system time jumps, even
 * backwards on another host. The timekeeping core's own suspend/resume
 * (syscore) rebases the clocksource, so CLOCK_MONOTONIC stays continuous;
 * sched_clock is rebased here to go on from where it stopped, and steal
 * time in steal.c.
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/clocksource.h>
#include <linux/clockchips.h>
#include <linux/interrupt.h>
#include <asm/paravirt.h>
#include <asm/pvclock.h>
#include <asm/x86_init.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

/* Shortest delay worth a hypercall; Xen fires a past deadline at once. */
#define XPV_TIMER_MIN_NS	100000

/** xpv_clock_read - Xen system time (ns) on this CPU's pvclock */
u64 xpv_clock_read(void)
{
	u64 t;

	preempt_disable_notrace();
	t = pvclock_clocksource_read(&this_cpu_read(xpv_vcpu)->time);
	preempt_enable_notrace();
	return t;
}

static u64 xpv_clocksource_read(struct clocksource *cs)
{
	return xpv_clock_read();
}

static u64 xpv_clock_offset;

static u64 xpv_sched_clock(void)
{
	return xpv_clock_read() - xpv_clock_offset;
}

static unsigned long xpv_tsc_khz(void)
{
	return pvclock_tsc_khz(&this_cpu_read(xpv_vcpu)->time);
}

static void xpv_get_wallclock(struct timespec64 *ts)
{
	preempt_disable();
	pvclock_read_wallclock(&xpv_shared_info->wc,
			       &this_cpu_read(xpv_vcpu)->time, ts);
	preempt_enable();
}

static int xpv_set_wallclock(const struct timespec64 *ts)
{
	return -ENODEV;
}

static struct clocksource xpv_clocksource = {
	.name	= "xpv",
	.rating	= 400,
	.read	= xpv_clocksource_read,
	.mask	= CLOCKSOURCE_MASK(64),
	.flags	= CLOCK_SOURCE_IS_CONTINUOUS,
};

/* Called on the device's own CPU, the only one that may arm it. */
static int xpv_timer_next(unsigned long delta, struct clock_event_device *evt)
{
	struct vcpu_set_singleshot_timer t = {
		.timeout_abs_ns = xpv_clock_read() + delta,
	};

	return xpv_vcpu_op(VCPUOP_set_singleshot_timer, smp_processor_id(),
			   &t) ? -ETIME : 0;
}

static unsigned int timer_cpu(struct clock_event_device *evt)
{
	return cpumask_first(evt->cpumask);
}

static int xpv_timer_oneshot(struct clock_event_device *evt)
{
	xpv_vcpu_op(VCPUOP_stop_periodic_timer, timer_cpu(evt), NULL);
	return 0;
}

/* Also for a dead CPU's device, from another CPU: its vCPU is down. */
static int xpv_timer_shutdown(struct clock_event_device *evt)
{
	if (timer_cpu(evt) == smp_processor_id())
		xpv_vcpu_op(VCPUOP_stop_singleshot_timer, timer_cpu(evt), NULL);
	xpv_vcpu_op(VCPUOP_stop_periodic_timer, timer_cpu(evt), NULL);
	return 0;
}

static DEFINE_PER_CPU(struct clock_event_device, xpv_clockevent) = {
	.name			= "xpv",
	.features		= CLOCK_EVT_FEAT_ONESHOT,
	.rating			= 500,
	.mult			= 1,	/* deltas are ns */
	.shift			= 0,
	.min_delta_ns		= XPV_TIMER_MIN_NS,
	.min_delta_ticks	= XPV_TIMER_MIN_NS,
	.max_delta_ns		= 0xffffffff,
	.max_delta_ticks	= 0xffffffff,
	.set_next_event		= xpv_timer_next,
	.set_state_oneshot	= xpv_timer_oneshot,
	.set_state_shutdown	= xpv_timer_shutdown,
};

static irqreturn_t xpv_timer_interrupt(int irq, void *dev_id)
{
	struct clock_event_device *evt = this_cpu_ptr(&xpv_clockevent);

	evt->event_handler(evt);
	return IRQ_HANDLED;
}

/**
 * xpv_timer_bind - @cpu's timer virq, bound and requested (once)
 * @cpu: any CPU; from the CPU bringing it up, before it runs
 *
 * Return: 0 or -errno.
 */
int xpv_timer_bind(unsigned int cpu)
{
	struct clock_event_device *evt = &per_cpu(xpv_clockevent, cpu);
	int irq;

	if (evt->irq > 0)
		return 0;
	xpv_runstate_register(cpu);
	/* Xen's default 100 Hz tick would fire before we have a handler. */
	xpv_vcpu_op(VCPUOP_stop_periodic_timer, cpu, NULL);
	irq = xpv_evtchn_bind_virq(VIRQ_TIMER, cpu);
	if (irq < 0)
		return irq;
	evt->cpumask = cpumask_of(cpu);
	evt->irq = irq;
	return request_irq(irq, xpv_timer_interrupt, IRQF_TIMER | IRQF_PERCPU |
			   IRQF_NOBALANCING, "timer", NULL);
}

/** xpv_timer_start - the clockevent of the CPU we run on, bound before */
void xpv_timer_start(void)
{
	clockevents_register_device(this_cpu_ptr(&xpv_clockevent));
}

/* x86_init.timers.timer_init, from x86_late_time_init. */
static void __init xpv_time_init(void)
{
	int rc;

	if (this_cpu_read(xpv_vcpu)->time.flags & PVCLOCK_TSC_STABLE_BIT)
		pvclock_set_flags(PVCLOCK_TSC_STABLE_BIT);
	clocksource_register_hz(&xpv_clocksource, NSEC_PER_SEC);

	rc = xpv_timer_bind(0);
	if (rc)
		panic("xpv: no timer interrupt (%d)\n", rc);
	xpv_timer_start();
	pr_info("xpv: timer on irq %d\n", this_cpu_read(xpv_clockevent.irq));
	xpv_steal_init();
}

/* Before start_kernel, with shared_info mapped. */
void __init xpv_time_setup(void)
{
	x86_init.timers.timer_init = xpv_time_init;
	x86_platform.calibrate_tsc = xpv_tsc_khz;
	x86_platform.calibrate_cpu = xpv_tsc_khz;
	x86_platform.get_wallclock = xpv_get_wallclock;
	x86_platform.set_wallclock = xpv_set_wallclock;
}

static u64 xpv_sched_clock_saved;

/* Before the suspend hypercall, while the clock is still Xen's. */
void xpv_time_suspend(void)
{
	xpv_sched_clock_saved = xpv_sched_clock();
	xpv_steal_suspend();
}

/* After it, with the (new) vcpu_info mapped; the timer virq is bound. */
void xpv_time_resume(void)
{
	unsigned int cpu;

	pvclock_resume();
	xpv_clock_offset = xpv_clock_read() - xpv_sched_clock_saved;
	for_each_online_cpu(cpu)
		xpv_vcpu_op(VCPUOP_stop_periodic_timer, cpu, NULL);
}

/* From setup_arch, once static calls can be updated. */
void __init xpv_sched_clock_init(void)
{
	xpv_clock_offset = xpv_clock_read();
	paravirt_set_sched_clock(xpv_sched_clock);
}
