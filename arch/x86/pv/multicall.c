// SPDX-License-Identifier: GPL-2.0-only
/*
 * Batches of hypercalls: one trap into Xen for many operations.
 *
 * Every hypercall costs a ring transition, and under QEMU's TCG a slow one.
 * Page-table updates come in runs (building tables, pinning an mm), so
 * they are queued here and issued as one multicall when the run ends or
 * the batch is full (<asm/xpv/multicall.h>).
 *
 * The port's batch (xpv_mc_entry/xpv_mc_flush) is per CPU: each CPU
 * queues into its own and issues it, with preemption off from the first
 * entry to the flush, and never from an interrupt handler (its users are
 * pin.c, the balloon's reservation.c and the boot-time pagetable.c), so
 * two CPUs never share a batch and an interrupt never finds one half
 * built. A failed entry is reported with its arguments, since Xen's
 * release build says nothing about why it refused.
 */
#include <linux/kernel.h>
#include <linux/export.h>
#include <linux/percpu.h>
#include <asm/xpv/hypercall.h>
#include <asm/xpv/multicall.h>
#include "pv.h"

/*
 * Each entry's hypercall, and the requests of the mmu_update and
 * mmuext_op entries (their second argument), for the counts
 * (CONFIG_XPV_HYPERCALL_STATS).
 */
static void count_batched(const struct multicall_entry *mc, unsigned int n)
{
#ifdef CONFIG_XPV_HYPERCALL_STATS
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (mc[i].op >= XPV_HYPERCALLS)
			continue;
		xpv_hypercall_stat_add(mc[i].op, batched, 1);
		if (mc[i].op == __HYPERVISOR_mmu_update ||
		    mc[i].op == __HYPERVISOR_mmuext_op)
			xpv_hypercall_stat_add(mc[i].op, requests, mc[i].args[1]);
	}
#endif
}

/**
 * xpv_mc_batch_flush - issue the queued calls of a batch
 * @b: the batch; empty afterwards, whatever happened
 *
 * Return: the multicall's own error, else the result of the first entry
 * that failed, else 0.
 */
int xpv_mc_batch_flush(struct xpv_mc_batch *b)
{
	unsigned int i, n = b->count;
	long rc;
	int ret = 0;

	if (!n)
		return 0;
	b->count = 0;
	count_batched(b->entries, n);
	rc = b->issue(b->entries, n);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		if (!b->entries[i].result)
			continue;
		if (b->report)
			b->report(&b->entries[i]);
		if (!ret)
			ret = b->entries[i].result;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(xpv_mc_batch_flush);

/**
 * xpv_mc_batch_entry - a zeroed entry to fill in
 * @b: the batch; issued first when full (its errors are then reported
 *     only through @b->report)
 */
struct multicall_entry *xpv_mc_batch_entry(struct xpv_mc_batch *b)
{
	struct multicall_entry *mc;

	if (b->count == XPV_MC_BATCH)
		xpv_mc_batch_flush(b);
	mc = &b->entries[b->count++];
	memset(mc, 0, sizeof(*mc));
	return mc;
}
EXPORT_SYMBOL_GPL(xpv_mc_batch_entry);

static long mc_issue(struct multicall_entry *calls, unsigned int n)
{
	long rc = xpv_multicall(calls, n);

	if (rc)
		xpv_early_printf("xpv: multicall of %u: %ld\n", n, rc);
	return rc;
}

static void mc_report(const struct multicall_entry *mc)
{
	xpv_early_printf("xpv: multicall op %lu failed: %ld (args %#lx %#lx %#lx %#lx)\n",
			 (unsigned long)mc->op, (long)mc->result,
			 (unsigned long)mc->args[0], (unsigned long)mc->args[1],
			 (unsigned long)mc->args[2], (unsigned long)mc->args[3]);
}

static DEFINE_PER_CPU(struct xpv_mc_batch, xpv_mc) = {
	.issue	= mc_issue,
	.report	= mc_report,
};

/* This CPU's batch, issued; preemption off since its first entry. */
int xpv_mc_flush(void)
{
	return xpv_mc_batch_flush(this_cpu_ptr(&xpv_mc));
}

/* An entry of this CPU's batch; preemption off until xpv_mc_flush(). */
struct multicall_entry *xpv_mc_entry(void)
{
	return xpv_mc_batch_entry(this_cpu_ptr(&xpv_mc));
}
