// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels: the interrupts of the xpv port (2-level ABI).
 *
 * Xen signals a port by setting its bit in shared_info->evtchn_pending.
 * If the port's evtchn_mask bit is clear it also sets the port's word in
 * our vcpu_info->evtchn_pending_sel and evtchn_upcall_pending, and enters
 * the event callback (entry.S) unless evtchn_upcall_mask holds it off:
 *
 *	upcall_pending -> pending_sel (one bit per 64-port word)
 *	               -> pending[word] & ~mask[word] -> port -> irq
 *
 * Each port we use is an irq with an edge flow: ack clears the pending
 * bit, mask/unmask set and clear the mask bit. Unmasking a port that is
 * pending re-raises the selector and upcall flags, which Xen would have
 * set had the port been unmasked; the upcall then comes at the next
 * irq_enable or iret. Ports nobody bound are masked where they are found.
 *
 * A port notifies one vCPU, the one it is bound to: vCPU 0 for a device's
 * port until its irq's affinity moves it (xpv_evtchn_set_affinity), its
 * own vCPU for each CPU's timer virq and IPIs (per-CPU irqs with a per-CPU
 * flow). Each CPU scans only the ports bound to it
 * (xpv_cpu_ports), since pending and mask bits are shared by all; a port
 * of another CPU is unmasked through Xen (EVTCHNOP_unmask), which raises
 * the flags in that vCPU's vcpu_info.
 *
 * At boot shared_info is all zeros: every port is unmasked. Everything is
 * masked first thing in intr_init, before start_kernel enables events.
 *
 * After a resume in a new domain (save/restore, migration) no port is ours
 * any more and every port is masked: each irq keeps its number and handler
 * but has no port (XPV_NO_PORT) until it is bound again: the virqs here,
 * the console's and xenstore's by their owners, with the ports the
 * toolstack wrote into start_info (xpv_evtchn_rebind_irq()).
 */
#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/xarray.h>
#include <linux/entry-common.h>
#include <asm/irq_regs.h>
#include <asm/irq_stack.h>
#include <asm/sync_bitops.h>
#include <asm/x86_init.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

#define XPV_NR_PORTS	(sizeof(xen_ulong_t) * 8 * sizeof(xen_ulong_t) * 8)
#define XPV_NO_IRQ	0
#define XPV_NO_PORT	XPV_NR_PORTS	/* an irq whose port went with a resume */

#define XPV_PORT_WORDS	(XPV_NR_PORTS / BITS_PER_LONG)

/* port -> irq; written at bind time, before the irq is requested. */
static unsigned int xpv_port_irq[XPV_NR_PORTS];

/* port -> the CPU whose vCPU it notifies, and each CPU's ports as bits. */
static unsigned short xpv_port_cpu[XPV_NR_PORTS];
static DEFINE_PER_CPU(xen_ulong_t [XPV_PORT_WORDS], xpv_cpu_ports);

/* Per CPU: virq -> irq and IPI slot -> irq, bound again at a resume. */
static DEFINE_PER_CPU(unsigned int [NR_VIRQS], xpv_virq_irq);
static DEFINE_PER_CPU(unsigned int [XPV_EVTCHN_IPIS], xpv_ipi_irq);

static evtchn_port_t port_of(struct irq_data *d)
{
	return (evtchn_port_t)(unsigned long)irq_data_get_irq_chip_data(d);
}

static void xpv_evtchn_ack(struct irq_data *d)
{
	if (port_of(d) != XPV_NO_PORT)
		sync_clear_bit(port_of(d), xpv_shared_info->evtchn_pending);
}

static void xpv_evtchn_mask(struct irq_data *d)
{
	if (port_of(d) != XPV_NO_PORT)
		sync_set_bit(port_of(d), xpv_shared_info->evtchn_mask);
}

/* Raise what Xen would have raised for a pending port of this CPU. */
static void unmask_local(evtchn_port_t port)
{
	struct vcpu_info *v = this_cpu_read(xpv_vcpu);
	unsigned int word = port / (sizeof(xen_ulong_t) * 8);

	sync_clear_bit(port, xpv_shared_info->evtchn_mask);
	if (sync_test_bit(port, xpv_shared_info->evtchn_pending) &&
	    !sync_test_and_set_bit(word, &v->evtchn_pending_sel))
		WRITE_ONCE(v->evtchn_upcall_pending, 1);
}

static void xpv_evtchn_unmask(struct irq_data *d)
{
	evtchn_port_t port = port_of(d);
	struct evtchn_unmask op = { .port = port };

	if (port == XPV_NO_PORT)
		return;
	if (READ_ONCE(xpv_port_cpu[port]) == smp_processor_id())
		unmask_local(port);
	else
		xpv_event_channel_op(EVTCHNOP_unmask, &op);
}

/* @port is no CPU's any more (closed, or gone with a resume). */
static void port_clear_cpu(evtchn_port_t port)
{
	sync_clear_bit(port, per_cpu(xpv_cpu_ports, xpv_port_cpu[port]));
}

/* @port notifies @cpu's vCPU from now on (Xen's side is done). */
static void port_set_cpu(evtchn_port_t port, unsigned int cpu)
{
	port_clear_cpu(port);
	WRITE_ONCE(xpv_port_cpu[port], cpu);
	sync_set_bit(port, per_cpu(xpv_cpu_ports, cpu));
}

/*
 * A device's port moves to another vCPU with EVTCHNOP_bind_vcpu, masked
 * meanwhile: an event pending at the move is raised again on the new vCPU
 * by the unmask (Xen's EVTCHNOP_unmask, or unmask_local), as if it came
 * then. Per-CPU irqs (timer, IPIs) never move: Xen refuses it for them.
 */
static int xpv_evtchn_set_affinity(struct irq_data *d,
				   const struct cpumask *dest, bool force)
{
	unsigned int cpu = cpumask_first_and(dest, cpu_online_mask);
	evtchn_port_t port = port_of(d);
	struct evtchn_bind_vcpu bind = { .port = port, .vcpu = cpu };
	bool masked;
	long rc = 0;

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	if (port != XPV_NO_PORT) {
		masked = sync_test_and_set_bit(port, xpv_shared_info->evtchn_mask);
		rc = xpv_event_channel_op(EVTCHNOP_bind_vcpu, &bind);
		if (!rc)
			port_set_cpu(port, cpu);
		if (!masked)
			xpv_evtchn_unmask(d);
	}
	if (rc)
		return rc;
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	return IRQ_SET_MASK_OK;
}

static struct irq_chip xpv_evtchn_chip = {
	.name			= "xpv-evtchn",
	.irq_ack		= xpv_evtchn_ack,
	.irq_mask		= xpv_evtchn_mask,
	.irq_unmask		= xpv_evtchn_unmask,
	.irq_set_affinity	= xpv_evtchn_set_affinity,
};

static int bind_irq(evtchn_port_t port, unsigned int cpu,
		    irq_flow_handler_t flow, const char *name)
{
	int irq;

	if (port >= XPV_NR_PORTS)
		return -EINVAL;
	if (xpv_port_irq[port])
		return xpv_port_irq[port];
	irq = irq_alloc_desc_from(1, -1);
	if (irq < 0)
		return irq;
	irq_set_chip_and_handler_name(irq, &xpv_evtchn_chip, flow, name);
	/* An affinity is set at once (it is one hypercall), not at the next irq. */
	irq_set_status_flags(irq, IRQ_MOVE_PCNTXT);
	irq_set_chip_data(irq, (void *)(unsigned long)port);
	port_set_cpu(port, cpu);
	irq_data_update_effective_affinity(irq_get_irq_data(irq), cpumask_of(cpu));
	xpv_port_irq[port] = irq;
	return irq;
}

/**
 * xpv_evtchn_bind_irq - give an event-channel port an irq of its own
 * @port: a port already bound on Xen's side (interdomain, unbound), which
 *        notifies vCPU 0
 *
 * Return: the irq, masked until request_irq() enables it, or -errno.
 */
int xpv_evtchn_bind_irq(evtchn_port_t port)
{
	return bind_irq(port, 0, handle_edge_irq, "event");
}

/*
 * Frontend queue irqs spread over the CPUs: irq -> queue index. A CPU
 * going down takes its irqs to another (the kernel's irq migration); one
 * coming up spreads them all again, so each queue's irq is back on its own
 * CPU. CPU hotplug's lock orders the spreading with the CPUs coming and
 * going, and with the irqs being freed.
 */
static DEFINE_XARRAY(xpv_spread_irqs);

/* @irq onto the @index-th online CPU, wrapping (the caller holds cpus). */
static void spread_one(unsigned int irq, unsigned int index)
{
	unsigned int cpu = cpumask_local_spread(index, NUMA_NO_NODE);
	int rc;

	if (cpumask_test_cpu(cpu, irq_get_effective_affinity_mask(irq)))
		return;
	rc = irq_set_affinity(irq, cpumask_of(cpu));
	if (rc)
		pr_warn("xpv: irq %u not moved to CPU %u: %d\n", irq, cpu, rc);
}

/**
 * xpv_evtchn_irq_spread - a frontend queue's irq on a CPU of its own
 * @irq: an irq of xpv_evtchn_bind_irq(), requested
 * @index: the queue's number: queue i goes to the i-th online CPU, wrapping
 *
 * The irq keeps that place through CPU hotplug. Where it cannot move, it
 * stays where it is (and works there).
 */
void xpv_evtchn_irq_spread(unsigned int irq, unsigned int index)
{
	cpus_read_lock();
	if (xa_is_err(xa_store(&xpv_spread_irqs, irq, xa_mk_value(index), GFP_KERNEL)))
		pr_warn("xpv: irq %u stays where CPU hotplug takes it\n", irq);
	spread_one(irq, index);
	cpus_read_unlock();
}

/* cpuhp online step: every spread irq onto its CPU again. */
static int respread_irqs(unsigned int cpu)
{
	unsigned long irq;
	void *index;

	xa_for_each(&xpv_spread_irqs, irq, index)
		spread_one(irq, xa_to_value(index));
	return 0;
}

static int __init xpv_evtchn_spread_init(void)
{
	int rc = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "x86/xpv:spread",
					   respread_irqs, NULL);

	return rc < 0 ? rc : 0;
}
core_initcall(xpv_evtchn_spread_init);

/* @irq's descriptor goes: no CPU coming up spreads it any more. */
static void free_desc(unsigned int irq)
{
	cpus_read_lock();
	xa_erase(&xpv_spread_irqs, irq);
	irq_free_desc(irq);
	cpus_read_unlock();
}

/**
 * xpv_evtchn_alloc_unbound - a new port for @remote_dom to bind to
 * Return: the port, or -errno.
 */
int xpv_evtchn_alloc_unbound(domid_t remote_dom)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote_dom };
	long rc = xpv_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	return rc ? rc : op.port;
}

/**
 * xpv_evtchn_close - give up a port and the irq bound to it
 * @port: the port; its irq must have no handler any more (free_irq first)
 */
void xpv_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close close = { .port = port };
	unsigned int irq = port < XPV_NR_PORTS ? xpv_port_irq[port] : 0;

	if (irq) {
		sync_set_bit(port, xpv_shared_info->evtchn_mask);
		xpv_port_irq[port] = XPV_NO_IRQ;
		port_clear_cpu(port);
		free_desc(irq);
	}
	xpv_event_channel_op(EVTCHNOP_close, &close);
}

/**
 * xpv_evtchn_unbind - give up an irq of xpv_evtchn_bind_irq() and its port
 * @irq: the irq, with no handler any more (free_irq first)
 *
 * A port that went with a resume in a new domain is not ours to close
 * (its number may be another channel's now): only the irq goes then.
 */
void xpv_evtchn_unbind(unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);
	evtchn_port_t port;

	if (!d || irq_data_get_irq_chip(d) != &xpv_evtchn_chip)
		return;
	port = port_of(d);
	if (port < XPV_NR_PORTS && xpv_port_irq[port] == irq)
		xpv_evtchn_close(port);
	else
		free_desc(irq);
}

/* Bind @virq of @cpu's vCPU on Xen's side: its port, or -errno. */
static long bind_virq_port(unsigned int virq, unsigned int cpu)
{
	struct evtchn_bind_virq bind = { .virq = virq, .vcpu = cpu };
	long rc = xpv_event_channel_op(EVTCHNOP_bind_virq, &bind);

	if (rc)
		pr_err("xpv: bind virq %u of CPU %u: %ld\n", virq, cpu, rc);
	return rc ?: bind.port;
}

/* A new IPI port notifying @cpu's vCPU, or -errno. */
static long bind_ipi_port(unsigned int cpu)
{
	struct evtchn_bind_ipi bind = { .vcpu = cpu };
	long rc = xpv_event_channel_op(EVTCHNOP_bind_ipi, &bind);

	if (rc)
		pr_err("xpv: bind IPI of CPU %u: %ld\n", cpu, rc);
	return rc ?: bind.port;
}

/**
 * xpv_evtchn_bind_virq - bind a virtual irq of a CPU's vCPU
 * @virq: VIRQ_*
 * @cpu: its CPU, which takes the interrupt (a per-CPU irq); need not be up
 *
 * Return: the irq, or -errno.
 */
int xpv_evtchn_bind_virq(unsigned int virq, unsigned int cpu)
{
	long port = virq < NR_VIRQS ? bind_virq_port(virq, cpu) : -EINVAL;
	int irq;

	if (port < 0)
		return port;
	irq = bind_irq(port, cpu, handle_percpu_irq, "virq");
	if (irq > 0)
		per_cpu(xpv_virq_irq, cpu)[virq] = irq;
	return irq;
}

/**
 * xpv_evtchn_bind_ipi - an inter-processor interrupt for a CPU
 * @slot: which of the CPU's IPIs, below XPV_EVTCHN_IPIS
 * @cpu: the CPU that takes it (a per-CPU irq); need not be up
 *
 * xpv_evtchn_send_ipi(), from any CPU, raises it.
 * Return: the irq, or -errno.
 */
int xpv_evtchn_bind_ipi(unsigned int slot, unsigned int cpu)
{
	long port = slot < XPV_EVTCHN_IPIS ? bind_ipi_port(cpu) : -EINVAL;
	int irq;

	if (port < 0)
		return port;
	irq = bind_irq(port, cpu, handle_percpu_irq, "ipi");
	if (irq > 0)
		per_cpu(xpv_ipi_irq, cpu)[slot] = irq;
	return irq;
}

/** xpv_evtchn_send_ipi - raise IPI @slot of @cpu (bound before) */
void xpv_evtchn_send_ipi(unsigned int slot, unsigned int cpu)
{
	unsigned int irq = per_cpu(xpv_ipi_irq, cpu)[slot];

	if (irq)
		xpv_evtchn_notify(xpv_evtchn_port_of_irq(irq));
}

/* This CPU's port of IPI @slot, or XPV_NO_PORT. */
static evtchn_port_t ipi_port(unsigned int slot)
{
	unsigned int irq = this_cpu_read(xpv_ipi_irq[slot]);

	return irq ? xpv_evtchn_port_of_irq(irq) : XPV_NO_PORT;
}

/**
 * xpv_evtchn_ipi_clear - forget the raises of this CPU's IPI @slot so far
 * @slot: an IPI bound and never requested: its port stays masked, so a
 *        raise only sets the pending bit, which wakes a poll
 *
 * Xen wakes a poller only when the port becomes pending: clear it before
 * the last look at what a raise would announce, then poll.
 */
void xpv_evtchn_ipi_clear(unsigned int slot)
{
	evtchn_port_t port = ipi_port(slot);

	if (port != XPV_NO_PORT)
		sync_clear_bit(port, xpv_shared_info->evtchn_pending);
}

/** xpv_evtchn_ipi_pending - whether this CPU's IPI @slot is raised */
bool xpv_evtchn_ipi_pending(unsigned int slot)
{
	evtchn_port_t port = ipi_port(slot);

	return port != XPV_NO_PORT &&
	       sync_test_bit(port, xpv_shared_info->evtchn_pending);
}

/**
 * xpv_evtchn_ipi_poll - block this vCPU until its IPI @slot is raised
 * @slot: as for xpv_evtchn_ipi_clear()
 * @deadline: Xen system time (ns) to give up at; 0: never
 *
 * Xen also ends the poll when an event is due (events unmasked and an
 * upcall pending) and whenever the vCPU's upcall flag goes up, even with
 * events masked: the caller looks again.
 * Return: 0, or -errno (-ENOENT: the slot has no port).
 */
long xpv_evtchn_ipi_poll(unsigned int slot, u64 deadline)
{
	evtchn_port_t port = ipi_port(slot);
	struct sched_poll poll = { .nr_ports = 1, .timeout = deadline };

	if (port == XPV_NO_PORT)
		return -ENOENT;
	set_xen_guest_handle(poll.ports, &port);
	return xpv_sched_op(SCHEDOP_poll, &poll);
}

/** xpv_evtchn_port_of_irq - the port an irq of ours is bound to now */
evtchn_port_t xpv_evtchn_port_of_irq(unsigned int irq)
{
	return port_of(irq_get_irq_data(irq));
}

/* @irq gets @port, which notifies @cpu; unmasked if the irq is enabled. */
static int rebind_irq(unsigned int irq, evtchn_port_t port, unsigned int cpu)
{
	struct irq_data *d = irq_get_irq_data(irq);
	unsigned long flags;

	if (!d || irq_data_get_irq_chip(d) != &xpv_evtchn_chip ||
	    port >= XPV_NR_PORTS || xpv_port_irq[port])
		return -EINVAL;
	local_irq_save(flags);
	irq_set_chip_data(irq, (void *)(unsigned long)port);
	xpv_port_irq[port] = irq;
	port_set_cpu(port, cpu);
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	if (!irqd_irq_masked(d))
		xpv_evtchn_unmask(d);
	local_irq_restore(flags);
	return 0;
}

/**
 * xpv_evtchn_rebind_irq - give @irq, whose port went with a resume, @port
 * @irq: an irq of xpv_evtchn_bind_irq()
 * @port: its new port, bound on Xen's side (notifying vCPU 0)
 *
 * The port is unmasked if the irq is enabled.
 * Return: 0 or -EINVAL.
 */
int xpv_evtchn_rebind_irq(unsigned int irq, evtchn_port_t port)
{
	return rebind_irq(irq, port, 0);
}

static void forget_port(evtchn_port_t port)
{
	unsigned int irq = xpv_port_irq[port];

	if (!irq)
		return;
	irq_set_chip_data(irq, (void *)(unsigned long)XPV_NO_PORT);
	xpv_port_irq[port] = XPV_NO_IRQ;
	port_clear_cpu(port);
}

/* A per-CPU @irq of @cpu gets its new @port (or -errno). */
static void rebind_percpu(unsigned int irq, long port, unsigned int cpu)
{
	if (port >= 0)
		port = rebind_irq(irq, port, cpu);
	if (port < 0)
		pr_err("xpv: irq %u of CPU %u lost at resume: %ld\n", irq, cpu, port);
}

/* The virqs and IPIs of @cpu, bound again. */
static void rebind_cpu(unsigned int cpu)
{
	unsigned int *virq_irq = per_cpu(xpv_virq_irq, cpu);
	unsigned int *ipi_irq = per_cpu(xpv_ipi_irq, cpu);
	unsigned int i;

	for (i = 0; i < NR_VIRQS; i++)
		if (virq_irq[i])
			rebind_percpu(virq_irq[i], bind_virq_port(i, cpu), cpu);
	for (i = 0; i < XPV_EVTCHN_IPIS; i++)
		if (ipi_irq[i])
			rebind_percpu(ipi_irq[i], bind_ipi_port(cpu), cpu);
}

/**
 * xpv_events_resume - after a resume in a new domain, events masked
 *
 * Every port is masked and none is ours: forget them all, then bind each
 * CPU's virqs and IPIs again. The console and xenstore rebind their own
 * irqs.
 */
void xpv_events_resume(void)
{
	evtchn_port_t port;
	unsigned int cpu;

	memset(xpv_shared_info->evtchn_mask, 0xff, sizeof(xpv_shared_info->evtchn_mask));
	this_cpu_read(xpv_vcpu)->evtchn_pending_sel = 0;
	for (port = 0; port < XPV_NR_PORTS; port++)
		forget_port(port);
	for_each_online_cpu(cpu)
		rebind_cpu(cpu);
}

/** xpv_evtchn_notify - signal the other end of a bound port */
void xpv_evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	xpv_event_channel_op(EVTCHNOP_send, &send);
}

static void dispatch_port(evtchn_port_t port)
{
	unsigned int irq = xpv_port_irq[port];

	if (irq && !generic_handle_irq(irq))
		return;
	/* Nobody's port: keep it quiet from now on. */
	sync_set_bit(port, xpv_shared_info->evtchn_mask);
	sync_clear_bit(port, xpv_shared_info->evtchn_pending);
}

/* The unmasked pending ports of word @w that notify this CPU. */
static void dispatch_word(unsigned int w)
{
	struct shared_info *s = xpv_shared_info;
	xen_ulong_t bits = READ_ONCE(s->evtchn_pending[w]) &
			   ~READ_ONCE(s->evtchn_mask[w]) &
			   this_cpu_read(xpv_cpu_ports[w]);

	while (bits) {
		unsigned int b = __ffs(bits);

		bits &= ~(1UL << b);
		dispatch_port(w * BITS_PER_LONG + b);
	}
}

/*
 * The 2-level scan; clearing upcall_pending first loses no event. Called
 * through run_sysvec_on_irqstack_cond(), which enters and leaves hardirq
 * context around it: entering again here would put every tick two levels
 * deep and the scheduler would count all kernel time as irq time.
 */
static void xpv_evtchn_demux(struct pt_regs *regs)
{
	struct pt_regs *old_regs = set_irq_regs(regs);
	struct vcpu_info *v = this_cpu_read(xpv_vcpu);
	xen_ulong_t sel;

	do {
		WRITE_ONCE(v->evtchn_upcall_pending, 0);
		sel = xchg(&v->evtchn_pending_sel, 0);
		while (sel) {
			unsigned int w = __ffs(sel);

			sel &= ~(1UL << w);
			dispatch_word(w);
		}
	} while (READ_ONCE(v->evtchn_upcall_pending));
	set_irq_regs(old_regs);
}

/* From the event callback (entry.S), events masked. */
__visible noinstr void xpv_evtchn_upcall(struct pt_regs *regs)
{
	irqentry_state_t state = irqentry_enter(regs);

	instrumentation_begin();
	run_sysvec_on_irqstack_cond(xpv_evtchn_demux, regs);
	instrumentation_end();
	irqentry_exit(regs, state);
}

/* x86_init.irqs.intr_init: mask every port, then take the callback. */
static void __init xpv_evtchn_init(void)
{
	struct shared_info *s = xpv_shared_info;
	struct callback_register cb = {
		.type = CALLBACKTYPE_event,
		.address = (unsigned long)xpv_event_entry,
	};
	long rc;

	memset(s->evtchn_mask, 0xff, sizeof(s->evtchn_mask));
	this_cpu_read(xpv_vcpu)->evtchn_pending_sel = 0;
	rc = xpv_callback_op(CALLBACKOP_register, &cb);
	if (rc)
		panic("xpv: event callback: %ld\n", rc);
	pr_info("xpv: %zu event channels masked, upcall at %pS\n",
		XPV_NR_PORTS, xpv_event_entry);
}

void __init xpv_events_setup(void)
{
	x86_init.irqs.intr_init = xpv_evtchn_init;
}
