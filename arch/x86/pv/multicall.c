// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batches of hypercalls: one trap into Xen for many operations.
 *
 * Every hypercall costs a ring transition, and under QEMU's TCG a slow one.
 * Page-table updates come in runs (building tables, fork, munmap), so they
 * are queued here and issued as one multicall when the run ends (lazy MMU
 * mode, mmu.c) or when the batch is full.
 *
 * The batch is the CPU's own and is used with interrupts masked (one vCPU;
 * an event handler that queues must flush before it returns). Each entry
 * gets its own result; a failed one is reported with its arguments, since
 * Xen's release build says nothing about why it refused.
 */
#include <linux/kernel.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

#define XPV_MC_BATCH	32

static struct {
	struct multicall_entry entries[XPV_MC_BATCH];
	unsigned int count;
} xpv_mc;

static void mc_report(const struct multicall_entry *mc)
{
	xpv_early_printf("xpv: multicall op %lu failed: %ld (args %#lx %#lx %#lx %#lx)\n",
			 (unsigned long)mc->op, (long)mc->result,
			 (unsigned long)mc->args[0], (unsigned long)mc->args[1],
			 (unsigned long)mc->args[2], (unsigned long)mc->args[3]);
}

/* Issue the queued calls; -errno of the first failure, or 0. */
int xpv_mc_flush(void)
{
	unsigned int i, n = xpv_mc.count;
	long rc;
	int ret = 0;

	if (!n)
		return 0;
	xpv_mc.count = 0;
	rc = xpv_multicall(xpv_mc.entries, n);
	if (rc) {
		xpv_early_printf("xpv: multicall of %u: %ld\n", n, rc);
		return rc;
	}
	for (i = 0; i < n; i++) {
		if (!xpv_mc.entries[i].result)
			continue;
		mc_report(&xpv_mc.entries[i]);
		if (!ret)
			ret = xpv_mc.entries[i].result;
	}
	return ret;
}

/* A zeroed entry to fill in; flushes first when the batch is full. */
struct multicall_entry *xpv_mc_entry(void)
{
	struct multicall_entry *mc;

	if (xpv_mc.count == XPV_MC_BATCH)
		xpv_mc_flush();
	mc = &xpv_mc.entries[xpv_mc.count++];
	memset(mc, 0, sizeof(*mc));
	return mc;
}
