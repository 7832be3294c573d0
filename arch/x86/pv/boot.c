// SPDX-License-Identifier: GPL-2.0-only
/*
 * PV domU boot of the xpv port, from xpv_entry (head.S) on.
 *
 * This is the only boot path of an xpv kernel: no dom0, no ACPI, no EFI.
 * Today it reaches first light: it finds its console, says who it is and
 * what Xen gave it, and asks Xen to power the domain off. The steps into
 * start_kernel (memory map, P2M, our page tables, traps, pv_ops) come in
 * here one by one.
 */
#include <linux/kernel.h>
#include <linux/cache.h>
#include <linux/printk.h>
#include <asm/xpv/boot.h>
#include <asm/xpv/hypercall.h>

struct start_info *xpv_start_info __ro_after_init;

void __noreturn xpv_shutdown(unsigned int reason)
{
	struct sched_shutdown arg = { .reason = reason };

	/* Returns only if Xen refused; there is nothing else to try. */
	for (;;)
		xpv_sched_op(SCHEDOP_shutdown, &arg);
}

void __init __noreturn xpv_start_kernel(struct start_info *si)
{
	xpv_start_info = si;
	xpv_early_console_init(si);
	xpv_early_printf("%s", linux_banner);
	xpv_early_printf("xpv: %.32s, %lu pages, flags %#x\n",
			 si->magic, si->nr_pages, si->flags);
	xpv_early_printf("xpv: command line: %.*s\n",
			 MAX_GUEST_CMDLINE, (const char *)si->cmd_line);
	xpv_early_printf("xpv: first light only, start_kernel is not reached yet: powering off\n");
	xpv_shutdown(SHUTDOWN_poweroff);
}
