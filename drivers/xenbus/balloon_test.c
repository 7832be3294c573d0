// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the balloon: what it makes of the values found in
 * memory/target, and where it aims for each.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include "xenbus.h"

#define MIB_PAGES(n)	((n) * 256UL)	/* 4 KiB pages */

struct balloon_parse_case {
	const char *val;
	int rc;
	unsigned long pages;
};

static const struct balloon_parse_case balloon_parse_cases[] = {
	{ "393216",			0,	  MIB_PAGES(384) },
	{ "0",				0,	  0 },
	{ "3",				0,	  0 },	/* under a page */
	{ "7",				0,	  1 },
	{ "18446744073709551615",	0,	  18446744073709551615ULL / 4 },
	{ "18446744073709551616",	-ERANGE,  0 },
	{ NULL,				-EINVAL,  0 },
	{ "",				-EINVAL,  0 },
	{ "-4",				-EINVAL,  0 },
	{ "+4",				-EINVAL,  0 },
	{ " 4",				-EINVAL,  0 },
	{ "4 ",				-EINVAL,  0 },
	{ "4\n",			-EINVAL,  0 },
	{ "0x10",			-EINVAL,  0 },
	{ "4k",				-EINVAL,  0 },
	{ "1e6",			-EINVAL,  0 },
};

static void balloon_parse_desc(const struct balloon_parse_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->val ?: "(null)");
}
KUNIT_ARRAY_PARAM(balloon_parse, balloon_parse_cases, balloon_parse_desc);

static void balloon_test_parse(struct kunit *test)
{
	const struct balloon_parse_case *c = test->param_value;
	unsigned long pages = 0;

	KUNIT_EXPECT_EQ(test, xpv_balloon_parse_target(c->val, &pages), c->rc);
	KUNIT_EXPECT_EQ(test, pages, c->pages);
}

struct balloon_clamp_case {
	unsigned long pages, boot, want;
};

static const struct balloon_clamp_case balloon_clamp_cases[] = {
	{ MIB_PAGES(192),	MIB_PAGES(384),	MIB_PAGES(192) },
	{ MIB_PAGES(384),	MIB_PAGES(384),	MIB_PAGES(384) },
	{ MIB_PAGES(385),	MIB_PAGES(384),	MIB_PAGES(384) },	/* past boot */
	{ ULONG_MAX,		MIB_PAGES(384),	MIB_PAGES(384) },
	{ MIB_PAGES(32),	MIB_PAGES(384),	MIB_PAGES(32) },	/* the floor */
	{ MIB_PAGES(31),	MIB_PAGES(384),	MIB_PAGES(32) },
	{ 0,			MIB_PAGES(384),	MIB_PAGES(32) },
	{ 0,			MIB_PAGES(16),	MIB_PAGES(16) },	/* booted under it */
	{ MIB_PAGES(64),	MIB_PAGES(16),	MIB_PAGES(16) },
};

static void balloon_clamp_desc(const struct balloon_clamp_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lu of %lu pages", c->pages, c->boot);
}
KUNIT_ARRAY_PARAM(balloon_clamp, balloon_clamp_cases, balloon_clamp_desc);

static void balloon_test_clamp(struct kunit *test)
{
	const struct balloon_clamp_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xpv_balloon_clamp(c->pages, c->boot), c->want);
}

static struct kunit_case xpv_balloon_cases[] = {
	KUNIT_CASE_PARAM(balloon_test_parse, balloon_parse_gen_params),
	KUNIT_CASE_PARAM(balloon_test_clamp, balloon_clamp_gen_params),
	{}
};

static struct kunit_suite xpv_balloon_suite = {
	.name = "xpv_balloon",
	.test_cases = xpv_balloon_cases,
};
kunit_test_suite(xpv_balloon_suite);
