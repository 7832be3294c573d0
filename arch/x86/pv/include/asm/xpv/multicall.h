/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Batches of hypercalls (multicall) of the xpv port.
 *
 * Entries are queued in a fixed array and issued in one multicall when the
 * caller flushes or the array is full. Xen fills in each entry's result;
 * a batch reports the first failure as its own. The issuing function is a
 * member so KUnit can run the batching against a fake Xen.
 */
#ifndef _ASM_X86_XPV_MULTICALL_H
#define _ASM_X86_XPV_MULTICALL_H

#include <linux/types.h>
#include <xen/interface/xen.h>

#define XPV_MC_BATCH	32

struct xpv_mc_batch {
	struct multicall_entry entries[XPV_MC_BATCH];
	unsigned int count;		/* queued, not yet issued */
	/* The multicall hypercall (or a fake): 0 or -errno for the call. */
	long (*issue)(struct multicall_entry *calls, unsigned int n);
	/* Told about each entry Xen failed; may be NULL. */
	void (*report)(const struct multicall_entry *mc);
};

struct multicall_entry *xpv_mc_batch_entry(struct xpv_mc_batch *b);
int xpv_mc_batch_flush(struct xpv_mc_batch *b);

#endif /* _ASM_X86_XPV_MULTICALL_H */
