// SPDX-License-Identifier: GPL-2.0-only
/*
 * The balloon: the domain's size follows memory/target (xl mem-set).
 *
 * The toolstack writes memory/target, in KiB, and sets the domain's limit
 * in Xen to match. Below our current size, pages are taken from the page
 * allocator and their frames given back to Xen; above it, frames are
 * taken again for pages given back before, and those pages freed
 * (<asm/xpv/reservation.h> does the P2M, M2P and direct-map part). Only
 * pfns below the boot-time size have a P2M entry, so the domain never
 * grows past the size it booted with.
 *
 * One work item does it, XPV_RESERVATION_BATCH pages per step, requeued
 * until the target is met. A step that gets nothing (the allocator has
 * no page to spare: __GFP_NORETRY, no OOM kill for a balloon; Xen has no
 * frame under the domain's limit yet) tries again a second later, so a
 * target the guest cannot meet now is met when it can be.
 *
 * WHY the target is parsed strictly and clamped: memory/target is input
 * from outside the kernel. A value that is not a number of KiB is
 * ignored; one above the boot size means the boot size; one below
 * BALLOON_FLOOR_KIB means the floor, so that a careless mem-set cannot
 * take the memory the kernel needs to run. Each is logged.
 *
 * Given-back pages are PageOffline (dumps and /proc/kcore skip them) and
 * leave the kernel's managed-page count, so MemTotal shows the size.
 * /sys/kernel/xpv_balloon/{target,current}_kib say where it stands.
 */
#define pr_fmt(fmt) "xpv-balloon: " fmt

#include <linux/kernel.h>
#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/page-flags.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include <asm/xpv/p2m.h>
#include <asm/xpv/reservation.h>
#include <xpv/xenbus.h>
#include "xenbus.h"

#define KIB_PER_PAGE		(PAGE_SIZE / 1024)
#define BALLOON_FLOOR_KIB	(32 * 1024)

static struct {
	struct mutex lock;		/* the fields below */
	unsigned long boot_pages;	/* the most we can be */
	unsigned long target_pages;
	unsigned long given_pages;	/* on @pages, frames with Xen */
	struct list_head pages;
	bool reported;			/* target reached and said so */
} balloon = {
	.lock = __MUTEX_INITIALIZER(balloon.lock),
	.pages = LIST_HEAD_INIT(balloon.pages),
};

static void balloon_step(struct work_struct *work);
static DECLARE_DELAYED_WORK(balloon_work, balloon_step);

/**
 * xpv_balloon_parse_target - memory/target as a number of pages
 * @val: the node's value: KiB, in decimal digits and nothing else
 * @pages: the target, KiB rounded down to whole pages
 *
 * Return: 0, -EINVAL for anything but digits, -ERANGE past 64 bits.
 */
int xpv_balloon_parse_target(const char *val, unsigned long *pages)
{
	unsigned long long kib;
	const char *c;
	int rc;

	if (!val || !*val)
		return -EINVAL;
	for (c = val; *c; c++)
		if (!isdigit(*c))
			return -EINVAL;
	rc = kstrtoull(val, 10, &kib);
	if (!rc)
		*pages = kib / KIB_PER_PAGE;
	return rc;
}

/** xpv_balloon_clamp - @pages within [the floor, @boot_pages] */
unsigned long xpv_balloon_clamp(unsigned long pages, unsigned long boot_pages)
{
	unsigned long floor = min(boot_pages, BALLOON_FLOOR_KIB / KIB_PER_PAGE);

	return clamp(pages, floor, boot_pages);
}

/* Up to @n pages from the allocator, their frames to Xen: how many went. */
static unsigned int balloon_shrink(unsigned int n)
{
	struct page *pages[XPV_RESERVATION_BATCH];
	unsigned int got, given, i;

	n = min_t(unsigned int, n, XPV_RESERVATION_BATCH);
	for (got = 0; got < n; got++) {
		pages[got] = alloc_page(GFP_HIGHUSER | __GFP_NOWARN |
					__GFP_NORETRY | __GFP_NOMEMALLOC);
		if (!pages[got])
			break;
	}
	given = xpv_reservation_give(pages, got);
	for (i = 0; i < given; i++) {
		__SetPageOffline(pages[i]);
		adjust_managed_page_count(pages[i], -1);
		list_add(&pages[i]->lru, &balloon.pages);
	}
	for (; i < got; i++)
		__free_page(pages[i]);
	balloon.given_pages += given;
	return given;
}

/* Up to @n given-back pages backed again and freed: how many. */
static unsigned int balloon_grow(unsigned int n)
{
	struct page *pages[XPV_RESERVATION_BATCH];
	unsigned int got, taken, i;

	n = min_t(unsigned int, n, XPV_RESERVATION_BATCH);
	for (got = 0; got < n && !list_empty(&balloon.pages); got++) {
		pages[got] = list_first_entry(&balloon.pages, struct page, lru);
		list_del(&pages[got]->lru);
	}
	taken = xpv_reservation_take(pages, got);
	for (i = 0; i < taken; i++) {
		__ClearPageOffline(pages[i]);
		adjust_managed_page_count(pages[i], 1);
		__free_page(pages[i]);
	}
	for (; i < got; i++)
		list_add(&pages[i]->lru, &balloon.pages);
	balloon.given_pages -= taken;
	return taken;
}

/* Our size in pages; sysfs reads it without the lock. */
static unsigned long balloon_current(void)
{
	return balloon.boot_pages - READ_ONCE(balloon.given_pages);
}

static void balloon_step(struct work_struct *work)
{
	unsigned long cur, target;
	unsigned int done = 0;

	mutex_lock(&balloon.lock);
	cur = balloon_current();
	target = balloon.target_pages;
	if (target < cur)
		done = balloon_shrink(min(cur - target, (unsigned long)UINT_MAX));
	else if (target > cur)
		done = balloon_grow(min(target - cur, (unsigned long)UINT_MAX));
	cur = balloon_current();
	if (cur == target && !balloon.reported)
		pr_info("at %lu KiB\n", cur * KIB_PER_PAGE);
	balloon.reported = cur == target;
	mutex_unlock(&balloon.lock);
	if (cur != target)
		schedule_delayed_work(&balloon_work, done ? 0 : HZ);
}

static void target_changed(struct xpv_xs_watch *w, const char *path)
{
	unsigned long want, pages;
	char *val = NULL;
	int rc = xpv_xs_read(0, "memory/target", &val);

	if (rc) {
		if (rc != -ENOENT)
			pr_err("cannot read memory/target: %d\n", rc);
		return;
	}
	if (xpv_balloon_parse_target(val, &want)) {
		pr_warn("ignoring memory/target \"%.32s\": not a size in KiB\n", val);
	} else {
		pages = xpv_balloon_clamp(want, balloon.boot_pages);
		if (pages != want)
			pr_warn("memory/target %s KiB is out of reach; aiming at %lu KiB\n",
				val, pages * KIB_PER_PAGE);
		mutex_lock(&balloon.lock);
		balloon.target_pages = pages;
		balloon.reported = false;
		mutex_unlock(&balloon.lock);
		mod_delayed_work(system_wq, &balloon_work, 0);
	}
	kfree(val);
}

static struct xpv_xs_watch target_watch = {
	.path = "memory/target",
	.callback = target_changed,
};

static ssize_t pages_show(char *buf, unsigned long pages)
{
	return sysfs_emit(buf, "%lu\n", pages * KIB_PER_PAGE);
}

static ssize_t target_kib_show(struct kobject *kobj, struct kobj_attribute *attr,
			       char *buf)
{
	return pages_show(buf, READ_ONCE(balloon.target_pages));
}

static ssize_t current_kib_show(struct kobject *kobj, struct kobj_attribute *attr,
				char *buf)
{
	return pages_show(buf, balloon_current());
}

static struct kobj_attribute target_kib_attr = __ATTR_RO(target_kib);
static struct kobj_attribute current_kib_attr = __ATTR_RO(current_kib);

static struct attribute *balloon_attrs[] = {
	&target_kib_attr.attr,
	&current_kib_attr.attr,
	NULL
};

static const struct attribute_group balloon_group = { .attrs = balloon_attrs };

static int __init xpv_balloon_init(void)
{
	struct kobject *kobj;
	int rc;

	if (!xpv_xs_available())
		return 0;
	balloon.boot_pages = xpv_p2m.nr_pfns;
	balloon.target_pages = balloon.boot_pages;
	kobj = kobject_create_and_add("xpv_balloon", kernel_kobj);
	if (!kobj || sysfs_create_group(kobj, &balloon_group))
		pr_warn("no /sys/kernel/xpv_balloon\n");
	/* It fires once now: a target written before we booted. */
	rc = xpv_xs_watch_register(&target_watch);
	if (rc)
		pr_err("cannot watch memory/target: %d\n", rc);
	return 0;
}
late_initcall(xpv_balloon_init);
