/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV boot path of the xpv port: what Xen hands us at entry and the
 * early console that works before any driver does.
 */
#ifndef _ASM_X86_XPV_BOOT_H
#define _ASM_X86_XPV_BOOT_H

#include <linux/compiler.h>
#include <linux/init.h>
#include <xen/interface/xen.h>
#include <asm/xpv/hypercall.h>

/* Xen's start_info page, as it was at entry (read-only to us after). */
extern struct start_info *xpv_start_info;

void __init __noreturn xpv_start_kernel(struct start_info *si);

/* SCHEDOP_shutdown; inline, so objtool sees that it does not return. */
static __always_inline __noreturn void xpv_shutdown(unsigned int reason)
{
	struct sched_shutdown arg = { .reason = reason };

	/* Returns only if Xen refused; there is nothing else to try. */
	for (;;)
		xpv_sched_op(SCHEDOP_shutdown, &arg);
}

void __init xpv_early_console_init(const struct start_info *si);
void __init xpv_early_console_use_direct_map(void);
void xpv_early_console_resume(const struct start_info *si);
void xpv_early_write(const char *s, unsigned int len);
int xpv_early_read(char *buf, unsigned int len);
evtchn_port_t xpv_early_console_port(void);
__printf(1, 2) void xpv_early_printf(const char *fmt, ...);

#endif /* _ASM_X86_XPV_BOOT_H */
