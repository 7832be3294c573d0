/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Suspend and resume of the xpv port (save, restore, migration), for the
 * xenbus side that drives it (drivers/xenbus/suspend.c).
 */
#ifndef _ASM_X86_XPV_SUSPEND_H
#define _ASM_X86_XPV_SUSPEND_H

int xpv_arch_suspend(void);

#endif /* _ASM_X86_XPV_SUSPEND_H */
