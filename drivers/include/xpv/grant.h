/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables for the xpv frontends (v1, see lib/gnttab.c).
 *
 * A frontend grants a page to its backend's domain and passes the
 * reference; when done it ends access. Access cannot end while the peer
 * still maps the page: xpv_gnttab_end() then says so and keeps the
 * reference, and xpv_gnttab_end_free_page() keeps the page too, retrying
 * later before either is reused. Never free a granted page otherwise.
 */
#ifndef _XPV_GRANT_H
#define _XPV_GRANT_H

#include <linux/mm_types.h>
#include <linux/types.h>
#include <xen/interface/grant_table.h>

int xpv_gnttab_grant(domid_t domid, unsigned long mfn, bool readonly);
int xpv_gnttab_grant_page(domid_t domid, struct page *page, bool readonly);
bool xpv_gnttab_end(grant_ref_t ref);
void xpv_gnttab_end_free_page(grant_ref_t ref, struct page *page);

/* For tests and diagnostics. */
unsigned int xpv_gnttab_nr_refs(void);
unsigned int xpv_gnttab_nr_free(void);
unsigned int xpv_gnttab_nr_deferred(void);
struct xpv_gnt_entry *xpv_gnttab_entry(grant_ref_t ref);

#endif /* _XPV_GRANT_H */
