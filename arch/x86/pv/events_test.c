// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for event channels as device irqs: a loopback pair of ports
 * (one bound to ourselves through Xen) delivers an event on the CPU its irq
 * is spread to, and a spread irq comes back to its CPU after that CPU went
 * down and up, as a frontend queue's must.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <asm/xpv/events.h>
#include <asm/xpv/hypercall.h>

struct events_test_loop {
	evtchn_port_t port;	/* ours, with the irq */
	evtchn_port_t peer;	/* the other end, which notifies it */
	int irq;
	bool requested;
	int cpu;		/* where the handler last ran */
	struct completion fired;
};

static irqreturn_t events_test_handler(int irq, void *data)
{
	struct events_test_loop *l = data;

	WRITE_ONCE(l->cpu, smp_processor_id());
	complete(&l->fired);
	return IRQ_HANDLED;
}

/* Whatever the loop got, given back (port 0 is never a channel). */
static void events_test_loop_exit(struct kunit_resource *res)
{
	struct events_test_loop *l = res->data;

	if (l->requested)
		free_irq(l->irq, l);
	if (l->irq > 0)
		xpv_evtchn_unbind(l->irq);
	else if (l->port)
		xpv_evtchn_close(l->port);
	if (l->peer)
		xpv_evtchn_close(l->peer);
}

/* A port of ours with a requested irq, and its peer port bound to it. */
static struct events_test_loop *events_test_loop(struct kunit *test)
{
	struct events_test_loop *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);
	struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
	int rc;

	KUNIT_ASSERT_NOT_NULL(test, l);
	init_completion(&l->fired);
	KUNIT_ASSERT_NOT_NULL(test, kunit_alloc_resource(test, NULL, events_test_loop_exit,
							 GFP_KERNEL, l));
	rc = xpv_evtchn_alloc_unbound(DOMID_SELF);
	KUNIT_ASSERT_GT(test, rc, 0);
	l->port = bind.remote_port = rc;
	KUNIT_ASSERT_EQ(test, xpv_event_channel_op(EVTCHNOP_bind_interdomain, &bind), 0L);
	l->peer = bind.local_port;
	l->irq = xpv_evtchn_bind_irq(l->port);
	KUNIT_ASSERT_GT(test, l->irq, 0);
	KUNIT_ASSERT_EQ(test, request_irq(l->irq, events_test_handler, 0, "events-test", l), 0);
	l->requested = true;
	return l;
}

/* The CPU the irq's port notifies, and the one the event is taken on. */
static void events_test_expect_cpu(struct kunit *test,
				   struct events_test_loop *l, int cpu)
{
	const struct cpumask *eff = irq_get_effective_affinity_mask(l->irq);

	KUNIT_EXPECT_EQ(test, (int)cpumask_first(eff), cpu);
	KUNIT_EXPECT_EQ(test, (int)cpumask_weight(eff), 1);
	reinit_completion(&l->fired);
	WRITE_ONCE(l->cpu, -1);
	xpv_evtchn_notify(l->peer);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&l->fired, HZ));
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->cpu), cpu);
}

static void events_test_loopback_on_cpu0(struct kunit *test)
{
	struct events_test_loop *l = events_test_loop(test);

	xpv_evtchn_irq_spread(l->irq, 0);
	events_test_expect_cpu(test, l, 0);
}

/* Queue n of n online CPUs wraps to the first. */
static void events_test_spread_wraps(struct kunit *test)
{
	struct events_test_loop *l = events_test_loop(test);

	xpv_evtchn_irq_spread(l->irq, num_online_cpus());
	events_test_expect_cpu(test, l, cpumask_first(cpu_online_mask));
}

static void events_test_spread_survives_hotplug(struct kunit *test)
{
	struct events_test_loop *l;

	if (!cpu_online(1))
		kunit_skip(test, "one vCPU: no CPU 1 to spread to");
	l = events_test_loop(test);
	xpv_evtchn_irq_spread(l->irq, 1);
	events_test_expect_cpu(test, l, 1);
	KUNIT_ASSERT_EQ(test, remove_cpu(1), 0);
	events_test_expect_cpu(test, l, 0);
	KUNIT_ASSERT_EQ(test, add_cpu(1), 0);
	events_test_expect_cpu(test, l, 1);
}

static struct kunit_case events_test_cases[] = {
	KUNIT_CASE(events_test_loopback_on_cpu0),
	KUNIT_CASE(events_test_spread_wraps),
	KUNIT_CASE(events_test_spread_survives_hotplug),
	{}
};

static struct kunit_suite events_test_suite = {
	.name = "xpv_events",
	.test_cases = events_test_cases,
};
kunit_test_suite(events_test_suite);

MODULE_LICENSE("GPL");
