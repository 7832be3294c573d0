/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels for the xpv drivers: a port already bound on Xen's side
 * becomes an irq of its own (a CPU's virq or IPI: a per-CPU one); a
 * notification is EVTCHNOP_send; a frontend allocates a port for its
 * backend and, done with it, unbinds its irq (which closes the port,
 * unless the port went with a resume) or closes a port it never bound.
 */
#ifndef _ASM_X86_XPV_EVENTS_H
#define _ASM_X86_XPV_EVENTS_H

#include <xen/interface/event_channel.h>

/* IPIs a CPU can have (enum xpv_ipi in arch/x86/pv/pv.h) */
#define XPV_EVTCHN_IPIS	4

int xpv_evtchn_bind_irq(evtchn_port_t port);
void xpv_evtchn_irq_spread(unsigned int irq, unsigned int index);
int xpv_evtchn_bind_virq(unsigned int virq, unsigned int cpu);
int xpv_evtchn_bind_ipi(unsigned int slot, unsigned int cpu);
void xpv_evtchn_send_ipi(unsigned int slot, unsigned int cpu);
void xpv_evtchn_ipi_clear(unsigned int slot);
bool xpv_evtchn_ipi_pending(unsigned int slot);
long xpv_evtchn_ipi_poll(unsigned int slot, u64 deadline);
evtchn_port_t xpv_evtchn_port_of_irq(unsigned int irq);
void xpv_evtchn_notify(evtchn_port_t port);
int xpv_evtchn_alloc_unbound(domid_t remote_dom);
void xpv_evtchn_close(evtchn_port_t port);
void xpv_evtchn_unbind(unsigned int irq);
int xpv_evtchn_rebind_irq(unsigned int irq, evtchn_port_t port);

#endif /* _ASM_X86_XPV_EVENTS_H */
