// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the bus: what it accepts as a device's backend, the
 * backend and backend-id nodes the toolstack writes into the device's
 * directory (read at probe and again after a move to a new domain), and
 * which paths under device/ the device watch may pass over without a scan.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/interface/xen.h>
#include <xpv/xs_wire.h>
#include "xenbus.h"

#define BE	"/local/domain/0/backend/vbd/1/51712"

struct backend_case {
	const char *what;
	const char *path;
	unsigned long long id;
	bool ok;
};

static const struct backend_case backend_cases[] = {
	{ "dom0's backend",		BE,	0,	true },
	{ "a driver domain's",		"/local/domain/7/backend/vif/1/0", 7, true },
	{ "last ordinary domid",	BE,	DOMID_FIRST_RESERVED - 1, true },
	{ "first reserved domid",	BE,	DOMID_FIRST_RESERVED, false },
	{ "past 16 bits",		BE,	0x10000, false },
	{ "all ones",			BE,	~0ULL, false },
	{ "relative path",		BE + 1,	0, false },
	{ "empty path",			"",	0, false },
	{ "the root alone",		"/",	0, false },
	{ "trailing slash",		BE "/",	0, false },
	{ "double slash",		"/local/domain/0//backend", 0, false },
	{ "a space",			"/local/domain/0/back end", 0, false },
	{ "a dot-dot",			"/local/domain/0/backend/..", 0, false },
	{ "a newline",			BE "\n", 0, false },
};

static void backend_desc(const struct backend_case *c, char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}
KUNIT_ARRAY_PARAM(backend, backend_cases, backend_desc);

static void bus_test_backend(struct kunit *test)
{
	const struct backend_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xpv_xenbus_backend_ok(c->path, c->id), c->ok);
}

/* The longest absolute path xenstore takes is a backend; one more is not. */
static void bus_test_backend_length(struct kunit *test)
{
	char *path = kunit_kzalloc(test, XPV_XS_ABS_PATH_MAX + 2, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, path);
	memset(path, 'a', XPV_XS_ABS_PATH_MAX + 1);
	path[0] = '/';
	KUNIT_EXPECT_FALSE(test, xpv_xenbus_backend_ok(path, 0));
	path[XPV_XS_ABS_PATH_MAX] = '\0';
	KUNIT_EXPECT_TRUE(test, xpv_xenbus_backend_ok(path, 0));
}

struct prefix_case {
	const char *path;
	size_t len;
};

static const struct prefix_case prefix_cases[] = {
	{ "device/vbd/51712/state",		16 },
	{ "device/vif/0/queue-0/tx-ring-ref",	12 },
	{ "device/vbd/51712",			0 },
	{ "device/vbd",				0 },
	{ "device/",				0 },
	{ "device",				0 },
	{ "device//51712/state",		0 },
	{ "device/vbd//state",			0 },
	{ "devices/vbd/51712/state",		0 },
	{ "backend/vbd/1/51712/state",		0 },
	{ "/local/domain/1/device/vbd/51712/state", 0 },
	{ "",					0 },
};

static void prefix_desc(const struct prefix_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "\"%s\"", c->path);
}
KUNIT_ARRAY_PARAM(prefix, prefix_cases, prefix_desc);

/* Only a node strictly below device/<type>/<id> skips the scan. */
static void bus_test_device_prefix(struct kunit *test)
{
	const struct prefix_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, xpv_xenbus_device_prefix(c->path), c->len);
}

static struct kunit_case bus_test_cases[] = {
	KUNIT_CASE_PARAM(bus_test_backend, backend_gen_params),
	KUNIT_CASE(bus_test_backend_length),
	KUNIT_CASE_PARAM(bus_test_device_prefix, prefix_gen_params),
	{}
};

static struct kunit_suite xpv_bus_suite = {
	.name = "xpv_xenbus_bus",
	.test_cases = bus_test_cases,
};
kunit_test_suite(xpv_bus_suite);
