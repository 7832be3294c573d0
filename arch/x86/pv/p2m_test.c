// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the P2M/M2P lookups (<asm/xpv/p2m.h>), on fake tables:
 * four pfns of ours backed by scattered mfns, in an M2P of sixteen
 * machine frames whose other entries belong to "someone else"; then the
 * frame list for the toolstack, filled for P2Ms of several sizes with
 * made-up frame numbers, and the one this kernel published in
 * shared_info, walked from its top page the way xl save walks it.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/xpv/p2m.h>
#include "pv.h"

#define NR_PFNS	4
#define NR_MFNS	16

struct p2m_fake {
	unsigned long p2m[NR_PFNS];
	unsigned long m2p[NR_MFNS];
	struct xpv_p2m t;
};

static struct p2m_fake *fake(struct kunit *test)
{
	static const unsigned long mfns[NR_PFNS] = { 9, 3, 14, 7 };
	struct p2m_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < NR_MFNS; i++)
		f->m2p[i] = i % NR_PFNS;	/* plausible lies */
	for (i = 0; i < NR_PFNS; i++) {
		f->p2m[i] = mfns[i];
		f->m2p[mfns[i]] = i;
	}
	f->t = (struct xpv_p2m){ f->p2m, NR_PFNS, f->m2p, NR_MFNS };
	return f;
}

static void p2m_test_lookup(struct kunit *test)
{
	struct p2m_fake *f = fake(test);

	KUNIT_EXPECT_EQ(test, xpv_p2m_lookup(&f->t, 0), 9UL);
	KUNIT_EXPECT_EQ(test, xpv_p2m_lookup(&f->t, 3), 7UL);
	KUNIT_EXPECT_EQ(test, xpv_p2m_lookup(&f->t, NR_PFNS), XPV_INVALID_MFN);
	KUNIT_EXPECT_EQ(test, xpv_p2m_lookup(&f->t, ~0UL), XPV_INVALID_MFN);
}

static void p2m_test_m2p_ours(struct kunit *test)
{
	struct p2m_fake *f = fake(test);
	unsigned long pfn;

	for (pfn = 0; pfn < NR_PFNS; pfn++)
		KUNIT_EXPECT_EQ(test,
				xpv_m2p_lookup(&f->t, xpv_p2m_lookup(&f->t, pfn)),
				pfn);
}

/* Frames that are not ours: the M2P names a pfn, the P2M disagrees. */
static void p2m_test_m2p_foreign(struct kunit *test)
{
	struct p2m_fake *f = fake(test);

	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, 0), XPV_INVALID_PFN);
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, 4), XPV_INVALID_PFN);
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, NR_MFNS), XPV_INVALID_PFN);
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, XPV_INVALID_MFN),
			XPV_INVALID_PFN);
	f->m2p[5] = 1000;	/* a pfn past the end */
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, 5), XPV_INVALID_PFN);
}

static void p2m_test_set(struct kunit *test)
{
	struct p2m_fake *f = fake(test);

	KUNIT_EXPECT_EQ(test, xpv_p2m_set(&f->t, 1, 12), 0);
	KUNIT_EXPECT_EQ(test, xpv_p2m_lookup(&f->t, 1), 12UL);
	/* The M2P is Xen's: until it says 12 -> 1, 12 is not ours. */
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, 12), XPV_INVALID_PFN);
	f->m2p[12] = 1;
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, 12), 1UL);
	/* The old frame no longer maps back. */
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, 3), XPV_INVALID_PFN);
	KUNIT_EXPECT_EQ(test, xpv_p2m_set(&f->t, NR_PFNS, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, xpv_p2m_set(&f->t, 2, XPV_INVALID_MFN), 0);
	KUNIT_EXPECT_EQ(test, xpv_m2p_lookup(&f->t, 14), XPV_INVALID_PFN);
}

/* A made-up MFN: the page's address as a frame number (never read). */
static unsigned long fake_mfn_of(const void *va)
{
	return (unsigned long)va >> PAGE_SHIFT;
}

#define PP	XPV_P2M_PER_PAGE

static const unsigned long fl_sizes[] = {
	1, PP - 1, PP, PP + 1, 65536, PP * PP, PP * PP + 1, 3 * PP * PP - 7,
};

static void fl_size_desc(const unsigned long *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu pfns", *n);
}
KUNIT_ARRAY_PARAM(fl_size, fl_sizes, fl_size_desc);

static struct xpv_p2m_fl *fake_fl(struct kunit *test, unsigned long nr_mid)
{
	struct xpv_p2m_fl *fl = kunit_kzalloc(test, sizeof(*fl), GFP_KERNEL);
	unsigned long j;

	KUNIT_ASSERT_NOT_NULL(test, fl);
	fl->nr_mid = nr_mid;
	fl->top = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	fl->mid = kunit_kcalloc(test, nr_mid, sizeof(*fl->mid), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fl->top);
	KUNIT_ASSERT_NOT_NULL(test, fl->mid);
	for (j = 0; j < nr_mid; j++) {
		fl->mid[j] = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, fl->mid[j]);
	}
	return fl;
}

/*
 * Every P2M page has its slot, in order, every unused slot says "no
 * frame", and the top page names each mid page. The P2M itself is only an
 * address here (nothing reads it), so a large one costs nothing.
 */
static void p2m_test_fl_fill(struct kunit *test)
{
	unsigned long nr_pfns = *(const unsigned long *)test->param_value;
	struct xpv_p2m t = { .p2m = (unsigned long *)(64UL << 30), .nr_pfns = nr_pfns };
	unsigned long leaves = xpv_p2m_fl_nr_leaves(nr_pfns);
	unsigned long nr_mid = xpv_p2m_fl_nr_mid(nr_pfns), i;
	struct xpv_p2m_fl *fl = fake_fl(test, nr_mid);

	KUNIT_EXPECT_EQ(test, leaves, (nr_pfns + PP - 1) / PP);
	KUNIT_EXPECT_EQ(test, nr_mid, (leaves + PP - 1) / PP);
	xpv_p2m_fl_fill(fl, &t, fake_mfn_of);
	for (i = 0; i < nr_mid * PP; i++) {
		unsigned long want = i < leaves ? fake_mfn_of(t.p2m) + i : XPV_INVALID_MFN;

		KUNIT_ASSERT_EQ_MSG(test, fl->mid[i / PP][i % PP], want, "slot %lu", i);
	}
	for (i = 0; i < PP; i++)
		KUNIT_ASSERT_EQ_MSG(test, fl->top[i],
				    i < nr_mid ? fake_mfn_of(fl->mid[i]) : XPV_INVALID_MFN,
				    "top slot %lu", i);
}

/* One of our pages, by its MFN, the way the toolstack maps it. */
static const unsigned long *our_page(struct kunit *test, unsigned long mfn)
{
	unsigned long pfn = xpv_mfn_to_pfn(mfn);

	KUNIT_ASSERT_NE_MSG(test, pfn, XPV_INVALID_PFN, "mfn %#lx is not ours", mfn);
	return __va(PFN_PHYS(pfn));
}

/*
 * What this kernel published: from shared_info's top MFN down to each P2M
 * page, every pfn's entry is the one our P2M holds.
 */
static void p2m_test_fl_published(struct kunit *test)
{
	const struct arch_shared_info *arch = &xpv_shared_info->arch;
	unsigned long nr = READ_ONCE(arch->max_pfn), pfn;
	const unsigned long *top, *mid = NULL, *leaf = NULL;

	KUNIT_ASSERT_EQ(test, nr, xpv_p2m.nr_pfns);
	KUNIT_EXPECT_EQ(test, READ_ONCE(arch->p2m_cr3), 0UL);	/* the tree, not a linear P2M */
	top = our_page(test, READ_ONCE(arch->pfn_to_mfn_frame_list_list));
	for (pfn = 0; pfn < nr; pfn++) {
		if (pfn % (PP * PP) == 0)
			mid = our_page(test, top[pfn / (PP * PP)]);
		if (pfn % PP == 0)
			leaf = our_page(test, mid[(pfn / PP) % PP]);
		KUNIT_ASSERT_EQ_MSG(test, leaf[pfn % PP], xpv_pfn_to_mfn(pfn),
				    "pfn %#lx", pfn);
	}
}

static struct kunit_case p2m_test_cases[] = {
	KUNIT_CASE(p2m_test_lookup),
	KUNIT_CASE(p2m_test_m2p_ours),
	KUNIT_CASE(p2m_test_m2p_foreign),
	KUNIT_CASE(p2m_test_set),
	KUNIT_CASE_PARAM(p2m_test_fl_fill, fl_size_gen_params),
	KUNIT_CASE(p2m_test_fl_published),
	{}
};

static struct kunit_suite p2m_test_suite = {
	.name = "xpv_p2m",
	.test_cases = p2m_test_cases,
};
kunit_test_suite(p2m_test_suite);

MODULE_LICENSE("GPL");
