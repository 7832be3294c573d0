// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of control/: what the parsers make of the values a
 * toolstack (or anyone allowed to write there) leaves in control/shutdown
 * and control/sysrq, and the feature nodes this domain announces, read
 * back from the real xenstored.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <xpv/xenbus.h>
#include "xenbus.h"

struct control_parse_case {
	const char *val;
	enum xpv_control_req want;
};

static const struct control_parse_case control_parse_cases[] = {
	{ NULL,		XPV_CONTROL_NONE },
	{ "",		XPV_CONTROL_NONE },
	{ "poweroff",	XPV_CONTROL_POWEROFF },
	{ "halt",	XPV_CONTROL_HALT },
	{ "reboot",	XPV_CONTROL_REBOOT },
	{ "suspend",	XPV_CONTROL_SUSPEND },
	{ "Poweroff",	XPV_CONTROL_UNKNOWN },
	{ "poweroff ",	XPV_CONTROL_UNKNOWN },
	{ "poweroffx",	XPV_CONTROL_UNKNOWN },
	{ "power",	XPV_CONTROL_UNKNOWN },
	{ "reboot\n",	XPV_CONTROL_UNKNOWN },
	{ "crash",	XPV_CONTROL_UNKNOWN },
};

static void control_parse_desc(const struct control_parse_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->val ?: "(null)");
}
KUNIT_ARRAY_PARAM(control_parse, control_parse_cases, control_parse_desc);

static void control_test_parse(struct kunit *test)
{
	const struct control_parse_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xpv_control_parse(c->val), c->want);
}

struct control_sysrq_case {
	const char *val;
	int want;
};

static const struct control_sysrq_case control_sysrq_cases[] = {
	{ NULL,		0 },
	{ "",		0 },
	{ "h",		'h' },
	{ "c",		'c' },
	{ "?",		'?' },
	{ "hh",		-EINVAL },
	{ "h\n",	-EINVAL },
	{ " ",		-EINVAL },
	{ "\n",		-EINVAL },
	{ "\x7f",	-EINVAL },
	{ "\xe9",	-EINVAL },
};

static void control_sysrq_desc(const struct control_sysrq_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%*phN", c->val ? (int)strlen(c->val) : 0,
		 c->val ?: "");
}
KUNIT_ARRAY_PARAM(control_sysrq, control_sysrq_cases, control_sysrq_desc);

static void control_test_sysrq_key(struct kunit *test)
{
	const struct control_sysrq_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xpv_control_sysrq_key(c->val), c->want);
}

static void expect_feature(struct kunit *test, const char *node)
{
	unsigned long long v = 0;

	KUNIT_EXPECT_EQ_MSG(test, xpv_xs_read_uint(0, "control", node, &v), 0,
			    "control/%s", node);
	KUNIT_EXPECT_EQ_MSG(test, v, 1ULL, "control/%s", node);
}

/* At boot the suite runs after every initcall: control.c wrote these. */
static void control_test_features(struct kunit *test)
{
	if (!xpv_xs_available())
		kunit_skip(test, "no xenstore (this is Xen's first domain)");
	expect_feature(test, "feature-poweroff");
	expect_feature(test, "feature-reboot");
}

static struct kunit_case xpv_control_cases[] = {
	KUNIT_CASE_PARAM(control_test_parse, control_parse_gen_params),
	KUNIT_CASE_PARAM(control_test_sysrq_key, control_sysrq_gen_params),
	KUNIT_CASE(control_test_features),
	{}
};

static struct kunit_suite xpv_control_suite = {
	.name = "xpv_control",
	.test_cases = xpv_control_cases,
};
kunit_test_suite(xpv_control_suite);
