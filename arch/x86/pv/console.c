// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot console of the xpv port: printk on the early console.
 *
 * Registered just before the kernel proper starts, so every line of
 * start_kernel() and setup_arch() reaches the same place as our own early
 * messages (CONSOLEIO_write as Xen's first domain, the console ring as a
 * domU). It is a boot console: the real console driver, when it registers,
 * takes over from the next record and this one is dropped.
 */
#include <linux/console.h>
#include <linux/init.h>
#include "pv.h"

static void xpv_boot_console_write(struct console *con, const char *s,
				   unsigned int n)
{
	xpv_early_write(s, n);
}

static struct console xpv_boot_console = {
	.name	= "xpvboot",
	.write	= xpv_boot_console_write,
	.flags	= CON_PRINTBUFFER | CON_BOOT,
	.index	= -1,
};

void __init xpv_boot_console_init(void)
{
	register_console(&xpv_boot_console);
}
