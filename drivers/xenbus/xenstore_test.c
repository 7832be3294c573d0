// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the xenstore client against the real xenstored: it runs
 * at boot in a domU, in the domain's own data/ directory (which the
 * toolstack makes writable by the guest), and cleans up after itself.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/slab.h>
#include <xpv/xenbus.h>
#include "xenbus.h"

#define DIR	"data/xpv-kunit"

static void expect_value(struct kunit *test, const char *path, const char *want)
{
	char *got = NULL;

	KUNIT_ASSERT_EQ(test, xpv_xs_read(0, path, &got), 0);
	KUNIT_EXPECT_STREQ(test, got, want);
	kfree(got);
}

static void xenstore_test_domid(struct kunit *test)
{
	unsigned long long domid;

	/* "domid" under our home: ours, and never dom0's */
	KUNIT_ASSERT_EQ(test, xpv_xs_read_uint(0, "domid", NULL, &domid), 0);
	KUNIT_EXPECT_GT(test, domid, 0ULL);
	KUNIT_EXPECT_LT(test, domid, 0x7ff0ULL);
}

static void xenstore_test_write_read_rm(struct kunit *test)
{
	char *s = NULL;

	KUNIT_ASSERT_EQ(test, xpv_xs_write(0, DIR "/a", "hello"), 0);
	expect_value(test, DIR "/a", "hello");
	KUNIT_ASSERT_EQ(test, xpv_xs_printf(0, DIR, "b", "%d-%s", 42, "x"), 0);
	expect_value(test, DIR "/b", "42-x");
	KUNIT_ASSERT_EQ(test, xpv_xs_write(0, DIR "/a", ""), 0);	/* empty value */
	expect_value(test, DIR "/a", "");
	KUNIT_ASSERT_EQ(test, xpv_xs_rm(0, DIR), 0);
	KUNIT_EXPECT_EQ(test, xpv_xs_read(0, DIR "/a", &s), -ENOENT);
	KUNIT_EXPECT_NULL(test, s);
}

static void xenstore_test_directory(struct kunit *test)
{
	char **names;
	unsigned int n, i, seen = 0;

	KUNIT_ASSERT_EQ(test, xpv_xs_write(0, DIR "/d/x", "1"), 0);
	KUNIT_ASSERT_EQ(test, xpv_xs_write(0, DIR "/d/y", "2"), 0);
	KUNIT_ASSERT_EQ(test, xpv_xs_mkdir(0, DIR "/d/z"), 0);
	KUNIT_ASSERT_EQ(test, xpv_xs_directory(0, DIR "/d", &names, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 3U);
	for (i = 0; i < n; i++)
		seen |= !strcmp(names[i], "x") << 0 | !strcmp(names[i], "y") << 1 |
			!strcmp(names[i], "z") << 2;
	KUNIT_EXPECT_EQ(test, seen, 7U);
	kfree(names);
	KUNIT_ASSERT_EQ(test, xpv_xs_directory(0, DIR "/d/z", &names, &n), 0);
	KUNIT_EXPECT_EQ(test, n, 0U);
	kfree(names);
	KUNIT_EXPECT_EQ(test, xpv_xs_directory(0, DIR "/nothing", &names, &n), -ENOENT);
	xpv_xs_rm(0, DIR);
}

static void xenstore_test_errors(struct kunit *test)
{
	char *s = NULL;

	/* dom0's part of the tree is not ours to write */
	KUNIT_EXPECT_EQ(test, xpv_xs_write(0, "/local/domain/0/xpv-kunit", "no"), -EACCES);
	KUNIT_EXPECT_EQ(test, xpv_xs_read(0, DIR "/missing", &s), -ENOENT);
	/* refused before it reaches the ring */
	KUNIT_EXPECT_EQ(test, xpv_xs_write(0, DIR "/bad path", "x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, xpv_xs_read(0, DIR "//x", &s), -EINVAL);
}

/*
 * Larger than either 1 KiB ring, so it goes through in pieces both ways;
 * within xenstored's default limit for one node (2048 bytes).
 */
static void xenstore_test_large_value(struct kunit *test)
{
	const unsigned int len = 2000;
	char *val = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	char *got = NULL;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, val);
	for (i = 0; i < len; i++)
		val[i] = 'a' + i % 26;
	KUNIT_ASSERT_EQ(test, xpv_xs_write(0, DIR "/big", val), 0);
	KUNIT_ASSERT_EQ(test, xpv_xs_read(0, DIR "/big", &got), 0);
	KUNIT_EXPECT_EQ(test, strlen(got), (size_t)len);
	KUNIT_EXPECT_EQ(test, memcmp(got, val, len), 0);
	kfree(got);
	xpv_xs_rm(0, DIR);
}

struct test_watch {
	struct xpv_xs_watch w;
	struct completion fired;
	char last[64];
};

static void test_watch_fired(struct xpv_xs_watch *w, const char *path)
{
	struct test_watch *tw = container_of(w, struct test_watch, w);

	strscpy(tw->last, path, sizeof(tw->last));
	complete(&tw->fired);
}

static void xenstore_test_watch(struct kunit *test)
{
	struct test_watch tw = { .w = { .path = DIR "/w", .callback = test_watch_fired } };

	init_completion(&tw.fired);
	KUNIT_ASSERT_EQ(test, xpv_xs_watch_register(&tw.w), 0);
	/* a watch fires once when it is set */
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&tw.fired, 30 * HZ), 0UL);
	reinit_completion(&tw.fired);
	KUNIT_ASSERT_EQ(test, xpv_xs_write(0, DIR "/w/child", "1"), 0);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&tw.fired, 30 * HZ), 0UL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(tw.last, "xpv-kunit/w"));
	xpv_xs_watch_unregister(&tw.w);
	reinit_completion(&tw.fired);
	KUNIT_ASSERT_EQ(test, xpv_xs_write(0, DIR "/w/child", "2"), 0);
	/* gone: nothing more may arrive */
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&tw.fired, HZ), 0UL);
	xpv_xs_rm(0, DIR);
}

static void xenstore_test_transaction(struct kunit *test)
{
	xpv_xs_tx tx;
	char *s = NULL;

	KUNIT_ASSERT_EQ(test, xpv_xs_transaction_start(&tx), 0);
	KUNIT_ASSERT_NE(test, tx, 0U);
	KUNIT_ASSERT_EQ(test, xpv_xs_write(tx, DIR "/t/one", "1"), 0);
	KUNIT_ASSERT_EQ(test, xpv_xs_write(tx, DIR "/t/two", "2"), 0);
	/* not visible outside the transaction before it ends */
	KUNIT_EXPECT_EQ(test, xpv_xs_read(0, DIR "/t/one", &s), -ENOENT);
	KUNIT_ASSERT_EQ(test, xpv_xs_transaction_end(tx, false), 0);
	expect_value(test, DIR "/t/one", "1");
	expect_value(test, DIR "/t/two", "2");

	KUNIT_ASSERT_EQ(test, xpv_xs_transaction_start(&tx), 0);
	KUNIT_ASSERT_EQ(test, xpv_xs_write(tx, DIR "/t/three", "3"), 0);
	KUNIT_ASSERT_EQ(test, xpv_xs_transaction_end(tx, true), 0);	/* abort */
	KUNIT_EXPECT_EQ(test, xpv_xs_read(0, DIR "/t/three", &s), -ENOENT);
	xpv_xs_rm(0, DIR);
}

/* A reply that could not be kept is an error, not an empty success. */
static void xenstore_test_reply_nomem(struct kunit *test)
{
	unsigned long long domid;
	char *s = NULL;
	int rc;

	xpv_xs_test_nomem_task = current;
	rc = xpv_xs_read(0, "domid", &s);
	xpv_xs_test_nomem_task = NULL;
	KUNIT_EXPECT_EQ(test, rc, -ENOMEM);
	KUNIT_EXPECT_NULL(test, s);
	kfree(s);
	/* and the connection goes on */
	KUNIT_EXPECT_EQ(test, xpv_xs_read_uint(0, "domid", NULL, &domid), 0);
}

/* A watch whose callback can hold the watch thread, so events pile up. */
struct flood_watch {
	struct xpv_xs_watch w;
	struct completion entered, release;
	atomic_t calls;
	bool block;
	char last[64];
};

static void flood_watch_fired(struct xpv_xs_watch *w, const char *path)
{
	struct flood_watch *fw = container_of(w, struct flood_watch, w);

	strscpy(fw->last, path, sizeof(fw->last));
	atomic_inc(&fw->calls);
	complete(&fw->entered);
	if (READ_ONCE(fw->block))
		wait_for_completion_timeout(&fw->release, 60 * HZ);
}

/* Events queued for a token nobody registered, as a hostile writer makes. */
static void queue_junk(const char *fmt, unsigned int n)
{
	char path[64];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), fmt, i);
		xpv_xs_queue_event(path, "xpv-kunit-nobody", false);
	}
}

/*
 * A flood of events while a callback runs: duplicates are queued once,
 * the queue stops at its bound and counts the rest, and once it has
 * drained every watch fires again with its own path.
 */
static void xenstore_test_event_flood(struct kunit *test)
{
	struct flood_watch fw = {
		.w = { .path = DIR "/flood", .callback = flood_watch_fired },
		.block = true,
	};
	unsigned int q0;
	unsigned long d0;

	init_completion(&fw.entered);
	init_completion(&fw.release);
	KUNIT_ASSERT_EQ(test, xpv_xs_watch_register(&fw.w), 0);
	/* the watch fires once when set: the watch thread now waits in it */
	KUNIT_ASSERT_GT(test, wait_for_completion_timeout(&fw.entered, 30 * HZ), 0UL);
	q0 = xpv_xs_nr_queued_events();
	d0 = xpv_xs_nr_dropped_events();

	queue_junk(DIR "/same", 20);	/* one path: the same event 20 times */
	KUNIT_EXPECT_LT(test, xpv_xs_nr_queued_events() - q0, 5U);
	queue_junk(DIR "/flood/%u", 2 * XPV_XS_EVENTS_MAX);
	KUNIT_EXPECT_LE(test, xpv_xs_nr_queued_events(), (unsigned int)XPV_XS_EVENTS_MAX);
	KUNIT_EXPECT_GE(test, xpv_xs_nr_dropped_events() - d0,
			(unsigned long)XPV_XS_EVENTS_MAX);

	reinit_completion(&fw.entered);
	WRITE_ONCE(fw.block, false);
	complete(&fw.release);
	/* nothing writes DIR/flood: only the resync can fire it again */
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&fw.entered, 30 * HZ), 0UL);
	KUNIT_EXPECT_GE(test, atomic_read(&fw.calls), 2);
	KUNIT_EXPECT_STREQ(test, fw.last, DIR "/flood");
	xpv_xs_watch_unregister(&fw.w);
}

/*
 * The frontends' fatal-error helper, on a device whose directory is under
 * data/: the reason in error/<nodename>/error, the device in Closing.
 */
static void xenstore_test_dev_fatal(struct kunit *test)
{
	struct xpv_xenbus_device *xd = kunit_kzalloc(test, sizeof(*xd), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, xd);
	xpv_xenbus_device_init(xd);
	xd->dev.init_name = "vbd-kunit";
	xd->nodename = DIR "/dev";
	xpv_xenbus_dev_fatal(xd, -EIO, "ring %u broke", 3);
	expect_value(test, "error/" DIR "/dev/error", "-5 ring 3 broke");
	expect_value(test, DIR "/dev/state", "5");	/* XenbusStateClosing */
	/* from now on it only closes: a late connect cannot undo that */
	KUNIT_EXPECT_EQ(test, xpv_xenbus_switch_state(xd, XenbusStateConnected), -EIO);
	KUNIT_EXPECT_EQ(test, xpv_xenbus_switch_state(xd, XenbusStateInitialising), -EIO);
	expect_value(test, DIR "/dev/state", "5");
	KUNIT_EXPECT_EQ(test, xpv_xenbus_switch_state(xd, XenbusStateClosed), 0);
	expect_value(test, DIR "/dev/state", "6");
	KUNIT_EXPECT_EQ(test, xpv_xs_rm(0, "error/" DIR), 0);
	KUNIT_EXPECT_EQ(test, xpv_xs_rm(0, DIR), 0);
}

static struct kunit_case xpv_xenstore_cases[] = {
	KUNIT_CASE(xenstore_test_dev_fatal),
	KUNIT_CASE(xenstore_test_domid),
	KUNIT_CASE(xenstore_test_write_read_rm),
	KUNIT_CASE(xenstore_test_directory),
	KUNIT_CASE(xenstore_test_errors),
	KUNIT_CASE(xenstore_test_large_value),
	KUNIT_CASE(xenstore_test_watch),
	KUNIT_CASE(xenstore_test_transaction),
	KUNIT_CASE(xenstore_test_reply_nomem),
	KUNIT_CASE(xenstore_test_event_flood),
	{}
};

/* Xen's first domain has no xenstore yet: nothing to test there. */
static int xenstore_test_init(struct kunit *test)
{
	if (!xpv_xs_available())
		kunit_skip(test, "no xenstore (this is Xen's first domain)");
	return 0;
}

static struct kunit_suite xpv_xenstore_suite = {
	.name = "xpv_xenstore",
	.init = xenstore_test_init,
	.test_cases = xpv_xenstore_cases,
};
kunit_test_suite(xpv_xenstore_suite);
