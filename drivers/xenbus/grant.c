// SPDX-License-Identifier: GPL-2.0-only
/*
 * The grant table of the xpv port (v1).
 *
 * Xen keeps the table in frames of its own and tells a PV guest their
 * machine numbers (GNTTABOP_setup_table); we map them into one vmalloc
 * area and write entries there with lib/gnttab.c. References come from a
 * free list under gnt_lock. An end of access that the peer still holds
 * (it maps the page) leaves the reference, and the page if the caller
 * gave it to us, on a deferred list that a work item retries every
 * second until the peer lets go.
 */
#define pr_fmt(fmt) "xpv-gnttab: " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/xpv/hypercall.h>
#include <asm/xpv/p2m.h>
#include <xpv/gnttab.h>
#include <xpv/grant.h>
#include "xenbus.h"

/*
 * Frames we ask for: 512 references each. blkfront's persistent grants
 * keep up to 1056 per queue for as long as a disk is connected.
 */
#define GNT_WANT_FRAMES		32

static struct xpv_gnt_entry *gnt_table;
static unsigned int gnt_nr_refs;
static DEFINE_SPINLOCK(gnt_lock);
static struct xpv_idfree gnt_free;

struct gnt_deferred {
	struct list_head list;
	grant_ref_t ref;
	struct page *page;
	unsigned int tries;
};

static LIST_HEAD(gnt_deferred);
static unsigned int gnt_nr_deferred;
static void gnt_retry(struct work_struct *w);
static DECLARE_DELAYED_WORK(gnt_retry_work, gnt_retry);

static bool ref_ok(grant_ref_t ref)
{
	return ref >= XPV_GNT_NR_RESERVED && ref < gnt_nr_refs;
}

int xpv_gnttab_grant(domid_t domid, unsigned long mfn, bool readonly)
{
	unsigned long flags;
	s64 ref;

	if (!gnt_table)
		return -ENODEV;
	if (mfn > U32_MAX)
		return -EINVAL;	/* v1 entries hold 32-bit frames */
	spin_lock_irqsave(&gnt_lock, flags);
	ref = xpv_idfree_get(&gnt_free);
	spin_unlock_irqrestore(&gnt_lock, flags);
	if (ref < 0)
		return -ENOSPC;
	xpv_gnt_grant(&gnt_table[ref], domid, mfn, readonly);
	return ref;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_grant);

int xpv_gnttab_grant_page(domid_t domid, struct page *page, bool readonly)
{
	return xpv_gnttab_grant(domid, xpv_pfn_to_mfn(page_to_pfn(page)), readonly);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_grant_page);

static void put_ref(grant_ref_t ref)
{
	unsigned long flags;
	int rc;

	spin_lock_irqsave(&gnt_lock, flags);
	rc = xpv_idfree_put(&gnt_free, ref);
	spin_unlock_irqrestore(&gnt_lock, flags);
	WARN_ONCE(rc, "xpv-gnttab: reference %u was not in use\n", ref);
}

bool xpv_gnttab_end(grant_ref_t ref)
{
	if (WARN_ONCE(!ref_ok(ref), "xpv-gnttab: no reference %u\n", ref))
		return false;
	if (!xpv_gnt_try_end(&gnt_table[ref]))
		return false;
	put_ref(ref);
	return true;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_end);

void xpv_gnttab_end_free_page(grant_ref_t ref, struct page *page)
{
	struct gnt_deferred *d;
	unsigned long flags;

	if (xpv_gnttab_end(ref)) {
		if (page)
			__free_page(page);
		return;
	}
	if (!ref_ok(ref))
		return;
	d = kmalloc(sizeof(*d), GFP_ATOMIC);
	if (!d) {
		/* never free what the peer maps: lose the page and the ref */
		pr_warn_ratelimited("reference %u still mapped, page leaked\n", ref);
		return;
	}
	d->ref = ref;
	d->page = page;
	d->tries = 0;
	spin_lock_irqsave(&gnt_lock, flags);
	list_add_tail(&d->list, &gnt_deferred);
	gnt_nr_deferred++;
	spin_unlock_irqrestore(&gnt_lock, flags);
	schedule_delayed_work(&gnt_retry_work, HZ);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_end_free_page);

static void gnt_retry(struct work_struct *w)
{
	struct gnt_deferred *d, *next;
	unsigned long flags;
	LIST_HEAD(done);
	bool more;

	spin_lock_irqsave(&gnt_lock, flags);
	list_for_each_entry_safe(d, next, &gnt_deferred, list) {
		if (xpv_gnt_try_end(&gnt_table[d->ref])) {
			list_move(&d->list, &done);
			gnt_nr_deferred--;
		} else if (++d->tries % 60 == 0) {
			pr_warn("reference %u still mapped by domain %u after %u s\n",
				d->ref, gnt_table[d->ref].domid, d->tries);
		}
	}
	more = !list_empty(&gnt_deferred);
	spin_unlock_irqrestore(&gnt_lock, flags);
	list_for_each_entry_safe(d, next, &done, list) {
		put_ref(d->ref);
		if (d->page)
			__free_page(d->page);
		kfree(d);
	}
	if (more)
		schedule_delayed_work(&gnt_retry_work, HZ);
}

unsigned int xpv_gnttab_nr_refs(void)
{
	return gnt_nr_refs;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_nr_refs);

unsigned int xpv_gnttab_nr_free(void)
{
	return gnt_free.nr_free;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_nr_free);

unsigned int xpv_gnttab_nr_deferred(void)
{
	return READ_ONCE(gnt_nr_deferred);
}
EXPORT_SYMBOL_GPL(xpv_gnttab_nr_deferred);

/*
 * /sys/bus/xpv-xenbus/grants_in_use and grants_deferred: references
 * handed out and not yet back (deferred ones included), and those still
 * waiting for their peer to let go. With no frontend device left both are 0.
 */
static ssize_t grants_in_use_show(struct bus_type *bus, char *buf)
{
	unsigned int refs = xpv_gnttab_nr_refs();

	if (refs)
		refs -= XPV_GNT_NR_RESERVED + xpv_gnttab_nr_free();
	return sysfs_emit(buf, "%u\n", refs);
}
static BUS_ATTR_RO(grants_in_use);

static ssize_t grants_deferred_show(struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%u\n", xpv_gnttab_nr_deferred());
}
static BUS_ATTR_RO(grants_deferred);

static struct attribute *xpv_gnttab_attrs[] = {
	&bus_attr_grants_in_use.attr,
	&bus_attr_grants_deferred.attr,
	NULL,
};

const struct attribute_group xpv_gnttab_group = {
	.attrs = xpv_gnttab_attrs,
};

struct xpv_gnt_entry *xpv_gnttab_entry(grant_ref_t ref)
{
	return ref < gnt_nr_refs ? &gnt_table[ref] : NULL;
}
EXPORT_SYMBOL_GPL(xpv_gnttab_entry);

/* ---- setup ---- */

struct gnt_map {
	const xen_pfn_t *frames;
	unsigned int i;
	long rc;
};

/* apply_to_page_range made the L1 entry exist; Xen writes it. */
static int gnt_map_one(pte_t *pte, unsigned long addr, void *data)
{
	struct gnt_map *m = data;
	u64 val = ((u64)m->frames[m->i++] << PAGE_SHIFT) | pgprot_val(PAGE_KERNEL);

	m->rc = xpv_update_va_mapping(addr, val, 0);
	return m->rc ? -EFAULT : 0;
}

/*
 * Ask Xen for @nr (at most GNT_WANT_FRAMES) table frames and map them at
 * @addr. Does not sleep once the range has its page tables (at resume,
 * with the other CPUs held).
 */
static int gnt_setup_map(void *addr, unsigned int nr)
{
	struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = nr };
	xen_pfn_t frames[GNT_WANT_FRAMES];
	struct gnt_map map = { .frames = frames };
	long rc;

	if (nr > ARRAY_SIZE(frames))
		return -EINVAL;
	set_xen_guest_handle(setup.frame_list, frames);
	rc = xpv_grant_table_op(GNTTABOP_setup_table, &setup, 1);
	if (rc || setup.status) {
		pr_err("setup_table of %u frames: %ld/%d\n", nr, rc, setup.status);
		return -ENODEV;
	}
	rc = apply_to_page_range(&init_mm, (unsigned long)addr, nr * PAGE_SIZE,
				 gnt_map_one, &map);
	if (rc)
		pr_err("mapping frame %u: %ld\n", map.i, map.rc);
	return rc;
}

int __init xpv_gnttab_init(void)
{
	struct gnttab_query_size query = { .dom = DOMID_SELF };
	struct vm_struct *area;
	unsigned int nr;
	u32 *links;
	long rc;

	rc = xpv_grant_table_op(GNTTABOP_query_size, &query, 1);
	if (rc || query.status) {
		pr_err("query_size: %ld/%d\n", rc, query.status);
		return -ENODEV;
	}
	nr = min_t(unsigned int, query.max_nr_frames, GNT_WANT_FRAMES);
	links = kcalloc(nr * XPV_GNT_PER_PAGE, sizeof(*links), GFP_KERNEL);
	area = get_vm_area(nr * PAGE_SIZE, VM_IOREMAP);
	rc = links && area ? gnt_setup_map(area->addr, nr) : -ENOMEM;
	if (rc)
		goto fail;
	gnt_table = area->addr;
	gnt_nr_refs = nr * XPV_GNT_PER_PAGE;
	xpv_idfree_init(&gnt_free, links + XPV_GNT_NR_RESERVED, XPV_GNT_NR_RESERVED,
			gnt_nr_refs - XPV_GNT_NR_RESERVED);
	pr_info("%u frames, %u references (Xen allows %u frames)\n", nr,
		gnt_nr_refs, query.max_nr_frames);
	return 0;
fail:
	if (area)
		free_vm_area(area);
	kfree(links);
	return rc;
}

static int gnt_unmap_one(pte_t *pte, unsigned long addr, void *data)
{
	return xpv_update_va_mapping(addr, 0, UVMF_INVLPG | UVMF_ALL) ? -EFAULT : 0;
}

/*
 * Around a suspend, with the other CPUs held and events masked (a
 * frontend's interrupt or poll ends grants at any time): Xen's frames
 * leave our page tables (the toolstack saves only our own frames), and
 * come back after it, those of the new domain's table after a restore.
 * Its entries are then empty: what was granted, the frontends grant
 * again when they reconnect, and the references they end meanwhile go
 * back to the free list.
 */
int xpv_gnttab_suspend(void)
{
	if (!gnt_table)
		return 0;
	return apply_to_existing_page_range(&init_mm, (unsigned long)gnt_table,
					    gnt_nr_refs / XPV_GNT_PER_PAGE * PAGE_SIZE,
					    gnt_unmap_one, NULL);
}

int xpv_gnttab_resume(void)
{
	if (!gnt_table)
		return 0;
	return gnt_setup_map(gnt_table, gnt_nr_refs / XPV_GNT_PER_PAGE);
}
