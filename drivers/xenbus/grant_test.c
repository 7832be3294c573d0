// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the grant table against the real Xen, at boot in a
 * domU. The peer is ourselves: a page granted to our own domain is copied
 * by Xen with GNTTABOP_copy through the grant reference, which Xen only
 * does when the entry is right; a read-only grant must refuse to be
 * written. Ending access while "mapped" is checked by setting the flag Xen
 * would set.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <asm/xpv/hypercall.h>
#include <asm/xpv/p2m.h>
#include <xpv/gnttab.h>
#include <xpv/grant.h>
#include <xpv/xenbus.h>

static domid_t self_domid(struct kunit *test)
{
	unsigned long long domid;

	KUNIT_ASSERT_EQ(test, xpv_xs_read_uint(0, "domid", NULL, &domid), 0);
	return domid;
}

static struct page *test_page(struct kunit *test, u8 fill)
{
	struct page *p = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(page_address(p), fill, PAGE_SIZE);
	return p;
}

static unsigned long mfn_of(struct page *p)
{
	return xpv_pfn_to_mfn(page_to_pfn(p));
}

/* Xen copies @len bytes from grant @ref (of domain @domid) into @dst. */
static s16 copy_from_grant(grant_ref_t ref, domid_t domid, struct page *dst,
			   unsigned int len)
{
	struct gnttab_copy op = {
		.source = { .u.ref = ref, .domid = domid },
		.dest = { .u.gmfn = mfn_of(dst), .domid = DOMID_SELF },
		.len = len,
		.flags = GNTCOPY_source_gref,
	};

	if (xpv_grant_table_op(GNTTABOP_copy, &op, 1))
		return GNTST_general_error;
	return op.status;
}

/* ...and into grant @ref from @src. */
static s16 copy_to_grant(struct page *src, grant_ref_t ref, domid_t domid,
			 unsigned int len)
{
	struct gnttab_copy op = {
		.source = { .u.gmfn = mfn_of(src), .domid = DOMID_SELF },
		.dest = { .u.ref = ref, .domid = domid },
		.len = len,
		.flags = GNTCOPY_dest_gref,
	};

	if (xpv_grant_table_op(GNTTABOP_copy, &op, 1))
		return GNTST_general_error;
	return op.status;
}

static void grant_test_table(struct kunit *test)
{
	KUNIT_EXPECT_GE(test, xpv_gnttab_nr_refs(), 512U);
	KUNIT_EXPECT_GT(test, xpv_gnttab_nr_free(), 0U);
}

static void grant_test_copy_through_grant(struct kunit *test)
{
	domid_t me = self_domid(test);
	struct page *src = test_page(test, 0x5a), *dst = test_page(test, 0);
	int ref = xpv_gnttab_grant_page(me, src, true);

	KUNIT_ASSERT_GE(test, ref, XPV_GNT_NR_RESERVED);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_entry(ref)->frame, (u32)mfn_of(src));
	KUNIT_EXPECT_EQ(test, copy_from_grant(ref, me, dst, PAGE_SIZE), GNTST_okay);
	KUNIT_EXPECT_EQ(test, memcmp(page_address(src), page_address(dst), PAGE_SIZE), 0);
	/* read-only: Xen must refuse to write through it */
	KUNIT_EXPECT_NE(test, copy_to_grant(dst, ref, me, 16), GNTST_okay);
	KUNIT_EXPECT_TRUE(test, xpv_gnttab_end(ref));
	/* ended: Xen must refuse to read through it */
	KUNIT_EXPECT_NE(test, copy_from_grant(ref, me, dst, 16), GNTST_okay);
	__free_page(src);
	__free_page(dst);
}

static void grant_test_writable(struct kunit *test)
{
	domid_t me = self_domid(test);
	struct page *target = test_page(test, 0), *src = test_page(test, 0xc3);
	int ref = xpv_gnttab_grant_page(me, target, false);

	KUNIT_ASSERT_GE(test, ref, XPV_GNT_NR_RESERVED);
	KUNIT_EXPECT_EQ(test, copy_to_grant(src, ref, me, PAGE_SIZE), GNTST_okay);
	KUNIT_EXPECT_EQ(test, memcmp(page_address(src), page_address(target), PAGE_SIZE), 0);
	/* granted to another domain: not ours to use */
	xpv_gnttab_end(ref);
	ref = xpv_gnttab_grant_page(me + 1, target, false);
	KUNIT_ASSERT_GE(test, ref, XPV_GNT_NR_RESERVED);
	KUNIT_EXPECT_NE(test, copy_to_grant(src, ref, me, 16), GNTST_okay);
	KUNIT_EXPECT_TRUE(test, xpv_gnttab_end(ref));
	__free_page(src);
	__free_page(target);
}

/* A page the peer still maps is neither reused nor freed until it lets go. */
static void grant_test_deferred_free(struct kunit *test)
{
	struct page *p = test_page(test, 1);
	struct xpv_gnt_entry *e;
	unsigned int free_before = xpv_gnttab_nr_free(), i;
	int ref = xpv_gnttab_grant_page(0, p, false);

	KUNIT_ASSERT_GE(test, ref, XPV_GNT_NR_RESERVED);
	e = xpv_gnttab_entry(ref);
	get_page(p);				/* ours, to watch the page's count */
	e->flags |= XPV_GTF_WRITING;		/* what Xen does while mapped */
	xpv_gnttab_end_free_page(ref, p);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), 1U);
	KUNIT_EXPECT_EQ(test, page_count(p), 2);	/* not freed */
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), free_before - 1);
	msleep(1500);
	KUNIT_EXPECT_EQ(test, page_count(p), 2);	/* still mapped: still kept */
	e->flags &= ~XPV_GTF_WRITING;		/* the peer unmapped */
	for (i = 0; i < 50 && xpv_gnttab_nr_deferred(); i++)
		msleep(100);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), 0U);
	KUNIT_EXPECT_EQ(test, page_count(p), 1);	/* the deferred free ran */
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), free_before);
	put_page(p);
}

static void grant_test_exhaustion(struct kunit *test)
{
	unsigned int n = xpv_gnttab_nr_free(), i;
	int *refs = kunit_kcalloc(test, n, sizeof(*refs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, refs);
	for (i = 0; i < n; i++) {
		refs[i] = xpv_gnttab_grant(0, 1, true);
		KUNIT_ASSERT_GE(test, refs[i], XPV_GNT_NR_RESERVED);
	}
	KUNIT_EXPECT_EQ(test, xpv_gnttab_grant(0, 1, true), -ENOSPC);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_TRUE(test, xpv_gnttab_end(refs[i]));
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), n);
}

static int grant_test_init(struct kunit *test)
{
	if (!xpv_gnttab_nr_refs() || !xpv_xs_available())
		kunit_skip(test, "no grant table or xenstore (Xen's first domain)");
	return 0;
}

static struct kunit_case xpv_gnttab_cases[] = {
	KUNIT_CASE(grant_test_table),
	KUNIT_CASE(grant_test_copy_through_grant),
	KUNIT_CASE(grant_test_writable),
	KUNIT_CASE(grant_test_deferred_free),
	KUNIT_CASE(grant_test_exhaustion),
	{}
};

static struct kunit_suite xpv_gnttab_suite = {
	.name = "xpv_gnttab",
	.init = grant_test_init,
	.test_cases = xpv_gnttab_cases,
};
kunit_test_suite(xpv_gnttab_suite);
