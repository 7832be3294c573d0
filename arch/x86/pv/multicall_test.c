// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for hypercall batching (<asm/xpv/multicall.h>) against a
 * fake Xen that records what it was asked and fails the entries whose
 * first argument the test marks.
 */
#include <kunit/test.h>
#include <asm/xpv/multicall.h>

#define FAIL_ARG	0xbad

static struct {
	unsigned int calls;	/* multicalls issued */
	unsigned int entries;	/* entries in them */
	unsigned int reported;	/* failures reported */
	long refuse;		/* the whole multicall fails with this */
} fake;

static long fake_issue(struct multicall_entry *calls, unsigned int n)
{
	unsigned int i;

	fake.calls++;
	if (fake.refuse)
		return fake.refuse;
	fake.entries += n;
	for (i = 0; i < n; i++)
		calls[i].result = calls[i].args[0] == FAIL_ARG ? -EINVAL : 0;
	return 0;
}

static void fake_report(const struct multicall_entry *mc)
{
	fake.reported++;
}

static struct xpv_mc_batch *batch(struct kunit *test)
{
	struct xpv_mc_batch *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->issue = fake_issue;
	b->report = fake_report;
	memset(&fake, 0, sizeof(fake));
	return b;
}

static void queue(struct xpv_mc_batch *b, unsigned long arg)
{
	xpv_mc_batch_entry(b)->args[0] = arg;
}

static void multicall_test_queues_until_flush(struct kunit *test)
{
	struct xpv_mc_batch *b = batch(test);

	queue(b, 1);
	queue(b, 2);
	KUNIT_EXPECT_EQ(test, fake.calls, 0U);
	KUNIT_EXPECT_EQ(test, xpv_mc_batch_flush(b), 0);
	KUNIT_EXPECT_EQ(test, fake.calls, 1U);
	KUNIT_EXPECT_EQ(test, fake.entries, 2U);
	KUNIT_EXPECT_EQ(test, b->count, 0U);
}

static void multicall_test_empty_flush_issues_nothing(struct kunit *test)
{
	struct xpv_mc_batch *b = batch(test);

	KUNIT_EXPECT_EQ(test, xpv_mc_batch_flush(b), 0);
	KUNIT_EXPECT_EQ(test, fake.calls, 0U);
}

static void multicall_test_full_batch_is_issued(struct kunit *test)
{
	struct xpv_mc_batch *b = batch(test);
	unsigned int i;

	for (i = 0; i <= XPV_MC_BATCH; i++)
		queue(b, i);
	KUNIT_EXPECT_EQ(test, fake.calls, 1U);
	KUNIT_EXPECT_EQ(test, fake.entries, (unsigned int)XPV_MC_BATCH);
	KUNIT_EXPECT_EQ(test, b->count, 1U);
	KUNIT_EXPECT_EQ(test, b->entries[0].args[0], (xen_ulong_t)XPV_MC_BATCH);
}

static void multicall_test_entries_start_zeroed(struct kunit *test)
{
	struct xpv_mc_batch *b = batch(test);
	struct multicall_entry *mc;

	b->entries[0].op = 99;
	b->entries[0].args[5] = 99;
	mc = xpv_mc_batch_entry(b);
	KUNIT_EXPECT_EQ(test, mc->op, (xen_ulong_t)0);
	KUNIT_EXPECT_EQ(test, mc->args[5], (xen_ulong_t)0);
}

static void multicall_test_first_failure_returned(struct kunit *test)
{
	struct xpv_mc_batch *b = batch(test);

	queue(b, 1);
	queue(b, FAIL_ARG);
	queue(b, 3);
	queue(b, FAIL_ARG);
	KUNIT_EXPECT_EQ(test, xpv_mc_batch_flush(b), -EINVAL);
	KUNIT_EXPECT_EQ(test, fake.reported, 2U);
	/* The batch is empty again: a later flush starts clean. */
	queue(b, 5);
	KUNIT_EXPECT_EQ(test, xpv_mc_batch_flush(b), 0);
}

static void multicall_test_refused_multicall(struct kunit *test)
{
	struct xpv_mc_batch *b = batch(test);

	fake.refuse = -EFAULT;
	queue(b, 1);
	KUNIT_EXPECT_EQ(test, xpv_mc_batch_flush(b), -EFAULT);
	KUNIT_EXPECT_EQ(test, b->count, 0U);
	KUNIT_EXPECT_EQ(test, fake.reported, 0U);
}

static struct kunit_case multicall_test_cases[] = {
	KUNIT_CASE(multicall_test_queues_until_flush),
	KUNIT_CASE(multicall_test_empty_flush_issues_nothing),
	KUNIT_CASE(multicall_test_full_batch_is_issued),
	KUNIT_CASE(multicall_test_entries_start_zeroed),
	KUNIT_CASE(multicall_test_first_failure_returned),
	KUNIT_CASE(multicall_test_refused_multicall),
	{}
};

static struct kunit_suite multicall_test_suite = {
	.name = "xpv_multicall",
	.test_cases = multicall_test_cases,
};
kunit_test_suite(multicall_test_suite);

MODULE_LICENSE("GPL");
