// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for the P2M/M2P lookups (<asm/xpv/p2m.h>), on fake tables:
 * four pfns of ours backed by scattered mfns, in an M2P of sixteen
 * machine frames whose other entries belong to "someone else".
 */
#include <kunit/test.h>
#include <asm/xpv/p2m.h>

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

static struct kunit_case p2m_test_cases[] = {
	KUNIT_CASE(p2m_test_lookup),
	KUNIT_CASE(p2m_test_m2p_ours),
	KUNIT_CASE(p2m_test_m2p_foreign),
	KUNIT_CASE(p2m_test_set),
	{}
};

static struct kunit_suite p2m_test_suite = {
	.name = "xpv_p2m",
	.test_cases = p2m_test_cases,
};
kunit_test_suite(p2m_test_suite);

MODULE_LICENSE("GPL");
