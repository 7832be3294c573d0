// SPDX-License-Identifier: GPL-2.0-only
/*
 * The console of the xpv port: hvc0 on the same channel as the early
 * console (the console ring shared with xenconsoled as a domU, Xen's own
 * console as its first domain).
 *
 * Output goes through the early console's writer, so the boot console
 * and hvc0 never interleave in the ring. When hvc0 registers, printk
 * hands over from the boot console at the next record: nothing is lost
 * or printed twice. Input arrives in the ring with a notification on the
 * ring's event channel (our irq); without a ring, hvc polls.
 */
#include <linux/console.h>
#include <linux/init.h>
#include <linux/err.h>
#include <../../../drivers/tty/hvc/hvc_console.h>
#include "pv.h"

#define XPV_HVC_VTERM	0
#define XPV_HVC_OUTBUF	256

static int xpv_hvc_put(u32 vtermno, const char *buf, int count)
{
	xpv_early_write(buf, count);
	return count;
}

static int xpv_hvc_get(u32 vtermno, char *buf, int count)
{
	return xpv_early_read(buf, count);
}

static const struct hv_ops xpv_hvc_ops = {
	.get_chars	 = xpv_hvc_get,
	.put_chars	 = xpv_hvc_put,
	.notifier_add	 = notifier_add_irq,
	.notifier_del	 = notifier_del_irq,
	.notifier_hangup = notifier_hangup_irq,
};

/* printk's console "hvc0", at console_init(). */
static int __init xpv_hvc_console_init(void)
{
	return hvc_instantiate(XPV_HVC_VTERM, 0, &xpv_hvc_ops);
}
console_initcall(xpv_hvc_console_init);

static int xpv_hvc_irq;	/* 0: hvc polls */

/* The tty /dev/hvc0, with the ring's event channel as its irq. */
static int __init xpv_hvc_init(void)
{
	evtchn_port_t port = xpv_early_console_port();
	struct hvc_struct *hp;

	if (port)
		xpv_hvc_irq = max(xpv_evtchn_bind_irq(port), 0);
	hp = hvc_alloc(XPV_HVC_VTERM, xpv_hvc_irq, &xpv_hvc_ops, XPV_HVC_OUTBUF);
	return PTR_ERR_OR_ZERO(hp);
}
device_initcall(xpv_hvc_init);

/* After a resume in a new domain, events masked: the ring's new port. */
void xpv_hvc_resume(void)
{
	if (xpv_hvc_irq)
		xpv_evtchn_rebind_irq(xpv_hvc_irq, xpv_early_console_port());
}
