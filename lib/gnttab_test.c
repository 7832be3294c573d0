// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of gnttab, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST) and
 * as a cmocka program (tests/unit): entries as Xen reads them, ending
 * access while a peer maps the frame, and the id free list taken empty,
 * refilled and given back what it never handed out.
 */
#include <xpv/gnttab.h>
#include <xpv/xtest.h>

#ifdef __KERNEL__
#include <linux/module.h>
#include <linux/stddef.h>
#include <xen/interface/grant_table.h>
#else
#include <stdint.h>
typedef uint16_t domid_t;
#include <xen/grant_table.h>
#endif

static void gnttab_test_layout(XT_CTX)
{
	XT_EQ(sizeof(struct xpv_gnt_entry), sizeof(struct grant_entry_v1));
	XT_EQ(offsetof(struct xpv_gnt_entry, domid), offsetof(struct grant_entry_v1, domid));
	XT_EQ(offsetof(struct xpv_gnt_entry, frame), offsetof(struct grant_entry_v1, frame));
	XT_EQ(XPV_GTF_PERMIT_ACCESS, GTF_permit_access);
	XT_EQ(XPV_GTF_READONLY, GTF_readonly);
	XT_EQ(XPV_GTF_READING, GTF_reading);
	XT_EQ(XPV_GTF_WRITING, GTF_writing);
	XT_EQ(XPV_GNT_NR_RESERVED, GNTTAB_NR_RESERVED_ENTRIES);
	XT_EQ(XPV_GNT_PER_PAGE, 512);
}

static void gnttab_test_grant(XT_CTX)
{
	struct xpv_gnt_entry e = { 0 };

	xpv_gnt_grant(&e, 0, 0x12345, false);
	XT_EQ(e.flags, XPV_GTF_PERMIT_ACCESS);
	XT_EQ(e.domid, 0);
	XT_EQ(e.frame, 0x12345);
	xpv_gnt_grant(&e, 7, 0xabc, true);
	XT_EQ(e.flags, XPV_GTF_PERMIT_ACCESS | XPV_GTF_READONLY);
	XT_EQ(e.domid, 7);
}

static void gnttab_test_end(XT_CTX)
{
	struct xpv_gnt_entry e = { 0 };

	xpv_gnt_grant(&e, 0, 1, false);
	XT_FALSE(xpv_gnt_in_use(&e));
	XT_TRUE(xpv_gnt_try_end(&e));
	XT_EQ(e.flags, 0);
	XT_TRUE(xpv_gnt_try_end(&e));	/* ending twice is harmless */
}

/* What Xen does while the peer maps the frame: the entry stays granted. */
static void gnttab_test_end_while_mapped(XT_CTX)
{
	struct xpv_gnt_entry e = { 0 };

	xpv_gnt_grant(&e, 0, 1, false);
	e.flags |= XPV_GTF_WRITING;
	XT_TRUE(xpv_gnt_in_use(&e));
	XT_FALSE(xpv_gnt_try_end(&e));
	XT_EQ(e.flags, XPV_GTF_PERMIT_ACCESS | XPV_GTF_WRITING);
	e.flags &= ~XPV_GTF_WRITING;
	e.flags |= XPV_GTF_READING;
	XT_FALSE(xpv_gnt_try_end(&e));
	e.flags &= ~XPV_GTF_READING;		/* the peer unmapped */
	XT_TRUE(xpv_gnt_try_end(&e));
	XT_EQ(e.flags, 0);
}

static void gnttab_test_idfree(XT_CTX)
{
	u32 link[4];
	struct xpv_idfree f;
	s64 a, b, c, d;

	xpv_idfree_init(&f, link, 8, 4);
	XT_EQ(f.nr_free, 4);
	a = xpv_idfree_get(&f);
	b = xpv_idfree_get(&f);
	c = xpv_idfree_get(&f);
	d = xpv_idfree_get(&f);
	XT_TRUE(a >= 8 && a < 12 && b >= 8 && b < 12);
	XT_TRUE(a != b && a != c && a != d && b != c && b != d && c != d);
	XT_EQ(xpv_idfree_get(&f), -ENOSPC);
	XT_EQ(f.nr_free, 0);
	XT_EQ(xpv_idfree_put(&f, (u32)c), 0);
	XT_EQ(xpv_idfree_get(&f), c);		/* the one given back */
	XT_EQ(xpv_idfree_put(&f, (u32)a), 0);
	XT_EQ(xpv_idfree_put(&f, (u32)a), -EINVAL);	/* twice */
	XT_EQ(xpv_idfree_put(&f, 7), -EINVAL);		/* below the range */
	XT_EQ(xpv_idfree_put(&f, 12), -EINVAL);		/* above it */
	XT_EQ(f.nr_free, 1);
}

static void gnttab_test_idfree_empty(XT_CTX)
{
	struct xpv_idfree f;

	xpv_idfree_init(&f, NULL, 0, 0);
	XT_EQ(xpv_idfree_get(&f), -ENOSPC);
	XT_EQ(xpv_idfree_put(&f, 0), -EINVAL);
}

XT_CASES(xpv_lib_gnttab) = {
	XT_CASE(gnttab_test_layout),
	XT_CASE(gnttab_test_grant),
	XT_CASE(gnttab_test_end),
	XT_CASE(gnttab_test_end_while_mapped),
	XT_CASE(gnttab_test_idfree),
	XT_CASE(gnttab_test_idfree_empty),
	XT_END
};

XT_SUITE(xpv_lib_gnttab,
	 "KUnit tests for the xpv grant table entries and id free lists");
