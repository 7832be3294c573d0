// SPDX-License-Identifier: GPL-2.0-only
/*
 * The early console of the xpv port: output before any driver exists.
 *
 * Xen's first domain may write straight to Xen's console with
 * CONSOLEIO_write. A domU may not (a non-debug Xen answers -EPERM); it
 * owns a console ring page shared with xenconsoled in dom0, announced in
 * start_info as a MACHINE frame and an event channel. Xen's bootstrap
 * region maps every page we own at __START_KERNEL_map + (pfn << PAGE_SHIFT),
 * and the read-only M2P table turns the frame into that pfn.
 *
 * The ring's indices are shared with dom0: we read out_cons, the
 * consumer's, and only ever write out_prod and the bytes before it.
 */
#include <linux/kernel.h>
#include <asm/xpv/boot.h>
#include <asm/xpv/hypercall.h>
#include <xen/interface/io/console.h>

/*
 * A full ring waits for xenconsoled, which under load (or under TCG) can
 * take a long while to run: as long as it makes progress we wait, so no
 * output is lost. A ring nobody drains (xenconsoled gone) must not hang
 * the kernel: after this many yields without progress we give up, and from
 * then on write only what fits until the consumer moves again.
 */
#define XPV_EARLY_CONSOLE_PATIENCE	1000000

static struct xencons_interface *early_ring;
static evtchn_port_t early_port;
static bool early_hypercall;
static bool ring_stuck;
static XENCONS_RING_IDX stuck_cons;

static void *bootstrap_va(xen_pfn_t mfn)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

	return (void *)(__START_KERNEL_map + (m2p[mfn] << PAGE_SHIFT));
}

void __init xpv_early_console_init(const struct start_info *si)
{
	if (si->flags & SIF_INITDOMAIN) {
		early_hypercall = true;
		return;
	}
	early_port = si->console.domU.evtchn;
	early_ring = bootstrap_va(si->console.domU.mfn);
}

/* Once our own page tables are in: the ring through the direct map. */
void __init xpv_early_console_use_direct_map(void)
{
	if (early_ring)
		early_ring = __va(__pa(early_ring));
}

/* After a resume: the ring is the same page, its event channel is new. */
void xpv_early_console_resume(const struct start_info *si)
{
	if (early_ring)
		early_port = si->console.domU.evtchn;
}

static void early_notify(void)
{
	struct evtchn_send send = { .port = early_port };

	xpv_event_channel_op(EVTCHNOP_send, &send);
}

static void ring_write(const char *s, unsigned int len)
{
	struct xencons_interface *r = early_ring;
	unsigned int stalls = 0;
	XENCONS_RING_IDX cons, prod, last_cons = r->out_cons;

	while (len) {
		cons = READ_ONCE(r->out_cons);
		prod = r->out_prod;
		virt_mb();	/* see the space before reusing it */
		if (ring_stuck && cons != stuck_cons)
			ring_stuck = false;
		if (prod - cons >= sizeof(r->out)) {
			if (ring_stuck)
				break;
			if (cons != last_cons) {
				last_cons = cons;
				stalls = 0;
			}
			if (++stalls > XPV_EARLY_CONSOLE_PATIENCE) {
				ring_stuck = true;
				stuck_cons = cons;
				break;
			}
			early_notify();
			xpv_sched_op(SCHEDOP_yield, NULL);
			continue;
		}
		while (len && prod - cons < sizeof(r->out)) {
			r->out[MASK_XENCONS_IDX(prod, r->out)] = *s++;
			prod++;
			len--;
		}
		virt_wmb();	/* bytes before the index that shows them */
		WRITE_ONCE(r->out_prod, prod);
	}
	early_notify();
}

/* Console input: what xenconsoled put in the ring, or Xen's own console. */
int xpv_early_read(char *buf, unsigned int len)
{
	struct xencons_interface *r = early_ring;
	XENCONS_RING_IDX cons, prod;
	unsigned int n = 0;

	if (early_hypercall)
		return max_t(long, xpv_console_read(buf, len), 0);
	if (!r)
		return 0;
	cons = r->in_cons;
	prod = READ_ONCE(r->in_prod);
	virt_rmb();	/* the bytes after the index that shows them */
	/* WHY: dom0 writes in_prod; an index past a full ring is a lie. */
	if (prod - cons > sizeof(r->in))
		return 0;
	while (cons != prod && n < len)
		buf[n++] = r->in[MASK_XENCONS_IDX(cons++, r->in)];
	virt_mb();	/* done reading before the space is given back */
	WRITE_ONCE(r->in_cons, cons);
	early_notify();
	return n;
}

/* The console ring's event channel, or 0 when there is no ring. */
evtchn_port_t xpv_early_console_port(void)
{
	return early_ring ? early_port : 0;
}

void xpv_early_write(const char *s, unsigned int len)
{
	if (early_hypercall)
		xpv_console_write(s, len);
	else if (early_ring)
		ring_write(s, len);
}

void xpv_early_printf(const char *fmt, ...)
{
	static char buf[512];
	va_list args;
	int len;

	va_start(args, fmt);
	len = vscnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	xpv_early_write(buf, len);
}
