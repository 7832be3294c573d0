// SPDX-License-Identifier: GPL-2.0-only
/*
 * Giving pages back to Xen and taking frames again: the arch half of the
 * balloon (drivers/xenbus/balloon.c decides how many, and which pages).
 *
 * Giving a page back: its direct-map entry goes first (Xen would keep a
 * frame that is still mapped, and we would keep a way to write to it),
 * with one multicall for the batch and every vCPU's TLB flushed by its
 * last entry; then its P2M entry becomes XPV_INVALID_MFN (the toolstack's
 * save skips such pfns); then XENMEM_decrease_reservation takes the
 * frames. Frames Xen did not take get their P2M entry and mapping back.
 *
 * Taking frames again: XENMEM_populate_physmap gives a PV guest machine
 * frames, written into the array in place of the pfns asked for. Each
 * gets its M2P entry (MMU_MACHPHYS_UPDATE, so the frame maps back to the
 * pfn), its P2M entry and its direct-map entry.
 *
 * The P2M itself never grows: only pfns below the boot-time nr_pages can
 * be backed, so the pages to fill are always pages given back before.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/preempt.h>
#include <asm/xpv/hypercall.h>
#include <asm/xpv/reservation.h>
#include "pv.h"

/* Queue a new direct-map entry of @page, @pte (0: none) in this CPU's batch. */
static void queue_map(struct page *page, u64 pte, unsigned long flags)
{
	struct multicall_entry *mc = xpv_mc_entry();

	mc->op = __HYPERVISOR_update_va_mapping;
	mc->args[0] = (unsigned long)page_address(page);
	mc->args[1] = pte;
	mc->args[2] = flags;
}

/* Back the pfn of @page by @mfn again and map it, writable. */
static int map_back(struct page *page, unsigned long mfn)
{
	void *va = page_address(page);

	xpv_p2m_set(&xpv_p2m, page_to_pfn(page), mfn);
	return xpv_update_va_mapping((unsigned long)va, xpv_kernel_pte(va, false),
				     UVMF_INVLPG);
}

/* Unmap @n pages (their mfns into @mfns) and invalidate their P2M entries. */
static int unmap_pages(struct page **pages, unsigned int n, xen_pfn_t *mfns)
{
	unsigned int i;
	int rc;

	preempt_disable();
	for (i = 0; i < n; i++) {
		mfns[i] = xpv_pfn_to_mfn(page_to_pfn(pages[i]));
		queue_map(pages[i], 0, i == n - 1 ? UVMF_TLB_FLUSH | UVMF_ALL : 0);
	}
	rc = xpv_mc_flush();
	preempt_enable();
	if (rc)
		return rc;
	for (i = 0; i < n; i++)
		xpv_p2m_set(&xpv_p2m, page_to_pfn(pages[i]), XPV_INVALID_MFN);
	return 0;
}

/* XENMEM @cmd on the first @n of @frames: how many Xen did (0 on error). */
static unsigned int reservation_op(unsigned int cmd, xen_pfn_t *frames,
				   unsigned int n)
{
	struct xen_memory_reservation r = { .nr_extents = n, .domid = DOMID_SELF };
	long done;

	set_xen_guest_handle(r.extent_start, frames);
	done = xpv_memory_op(cmd, &r);
	return done < 0 || done > n ? 0 : done;
}

/**
 * xpv_reservation_give - give the frames of @n pages back to Xen
 * @pages: pages of ours, allocated and unused, in the direct map
 * @n: how many, at most XPV_RESERVATION_BATCH
 *
 * Return: how many Xen took, the first ones of @pages; the others are
 * backed and mapped as before (still the caller's).
 */
unsigned int xpv_reservation_give(struct page **pages, unsigned int n)
{
	xen_pfn_t mfns[XPV_RESERVATION_BATCH];
	unsigned int done, i;

	n = min_t(unsigned int, n, XPV_RESERVATION_BATCH);
	if (!n || unmap_pages(pages, n, mfns))
		return 0;	/* the multicall's report says which and why */
	done = reservation_op(XENMEM_decrease_reservation, mfns, n);
	if (done < n)
		pr_err("xpv: Xen took %u of %u frames given back\n", done, n);
	for (i = done; i < n; i++)
		map_back(pages[i], mfns[i]);
	return done;
}

/* A new frame for @page: M2P, P2M and direct map (none of it on failure). */
static int back_page(struct page *page, unsigned long mfn)
{
	unsigned long pfn = page_to_pfn(page);
	struct mmu_update u = {
		.ptr = ((u64)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
		.val = pfn,
	};
	long rc = xpv_mmu_update(&u, 1, NULL);

	if (!rc)
		rc = map_back(page, mfn);
	if (rc) {
		xpv_p2m_set(&xpv_p2m, pfn, XPV_INVALID_MFN);
		pr_err("xpv: pfn %#lx on new mfn %#lx: %ld\n", pfn, mfn, rc);
	}
	return rc;
}

/* Frames we were given but cannot use, back to Xen. */
static void give_frames(xen_pfn_t *mfns, unsigned int n)
{
	unsigned int done = reservation_op(XENMEM_decrease_reservation, mfns, n);

	if (done < n)
		pr_err("xpv: Xen took %u of %u unused frames\n", done, n);
}

/**
 * xpv_reservation_take - new frames from Xen for @n pages given back before
 * @pages: the pages, whose pfns have no frame (xpv_reservation_give())
 * @n: how many, at most XPV_RESERVATION_BATCH
 *
 * Return: how many are backed and mapped again, the first ones of @pages.
 */
unsigned int xpv_reservation_take(struct page **pages, unsigned int n)
{
	xen_pfn_t frames[XPV_RESERVATION_BATCH];
	unsigned int done, i;

	n = min_t(unsigned int, n, XPV_RESERVATION_BATCH);
	for (i = 0; i < n; i++)
		frames[i] = page_to_pfn(pages[i]);
	/* fewer than n: the domain's limit is reached */
	done = reservation_op(XENMEM_populate_physmap, frames, n);
	for (i = 0; i < done; i++)
		if (back_page(pages[i], frames[i]))
			break;
	if (i < done)
		give_frames(&frames[i], done - i);
	return i;
}
