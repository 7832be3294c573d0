/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The domain's memory reservation, page by page, for the balloon
 * (drivers/xenbus/balloon.c); arch/x86/pv/reservation.c explains the steps.
 */
#ifndef _ASM_X86_XPV_RESERVATION_H
#define _ASM_X86_XPV_RESERVATION_H

struct page;

/* The most pages one call gives or takes. */
#define XPV_RESERVATION_BATCH	64

unsigned int xpv_reservation_give(struct page **pages, unsigned int n);
unsigned int xpv_reservation_take(struct page **pages, unsigned int n);

#endif /* _ASM_X86_XPV_RESERVATION_H */
