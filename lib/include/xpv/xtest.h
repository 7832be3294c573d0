/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * xtest: write a protocol test once, run it under KUnit and cmocka.
 *
 * A test is `static void name(XT_CTX)` using the XT_* checks below. The
 * test file of a unit ends with its case array and its suite:
 *
 *	XT_CASES(unit) = { XT_CASE(test_a), XT_CASE(test_b), XT_END };
 *	XT_SUITE(unit, "module description");
 *
 * In the kernel that is the KUnit suite `unit`; in tests/unit/ it is a
 * cmocka program whose main runs the cases as the group `unit`. Helpers
 * that check take XT_CTX too and are called with XT_ARG. Checks abort the
 * test on failure in both frameworks, so a test may rely on what it has
 * checked. Tables of cases use XT_EQ_ROW, which names the failing row.
 */
#ifndef XPV_XTEST_H
#define XPV_XTEST_H

#ifdef __KERNEL__

#include <kunit/test.h>
#include <linux/module.h>

#define XT_CTX			struct kunit *xt
#define XT_ARG			xt
#define XT_EQ(a, b)		KUNIT_ASSERT_EQ(xt, (long long)(a), (long long)(b))
#define XT_TRUE(c)		KUNIT_ASSERT_TRUE(xt, !!(c))
#define XT_FALSE(c)		KUNIT_ASSERT_FALSE(xt, !!(c))
#define XT_NULL(p)		KUNIT_ASSERT_NULL(xt, (p))
#define XT_NOT_NULL(p)		KUNIT_ASSERT_NOT_NULL(xt, (p))
#define XT_MEM_EQ(a, b, n)	KUNIT_ASSERT_EQ(xt, memcmp((a), (b), (n)), 0)
/* XT_EQ that names the table row (a C string) when it fails */
#define XT_EQ_ROW(a, b, row)	\
	KUNIT_ASSERT_EQ_MSG(xt, (long long)(a), (long long)(b), "row: %s", (row))

/* @suite's case array, which XT_SUITE(@suite, ...) runs; XT_END ends it */
#define XT_CASES(suite)		static struct kunit_case suite##_cases[]
#define XT_CASE(fn)		KUNIT_CASE(fn)
#define XT_END			{}

/* The KUnit suite @suite of the tests in XT_CASES(@suite). */
#define XT_SUITE(suite, desc)						\
	static struct kunit_suite suite##_suite = {			\
		.name = #suite,						\
		.test_cases = suite##_cases,				\
	};								\
	kunit_test_suite(suite##_suite);				\
	MODULE_DESCRIPTION(desc);					\
	MODULE_LICENSE("Dual MIT/GPL")

#else

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <xpv/types.h>

#define XT_CTX			void **xt_state __attribute__((unused))
#define XT_ARG			xt_state
#define XT_EQ(a, b)		assert_int_equal((long long)(a), (long long)(b))
#define XT_TRUE(c)		assert_true(c)
#define XT_FALSE(c)		assert_false(c)
#define XT_NULL(p)		assert_null(p)
#define XT_NOT_NULL(p)		assert_non_null(p)
#define XT_MEM_EQ(a, b, n)	assert_memory_equal((a), (b), (n))
#define XT_EQ_ROW(a, b, row) do {					\
	if ((long long)(a) != (long long)(b))				\
		print_error("row: %s\n", (row));			\
	assert_int_equal((long long)(a), (long long)(b));		\
} while (0)

/* @suite's case array, which XT_SUITE(@suite, ...) runs; XT_END ends it */
#define XT_CASES(suite)		static const struct CMUnitTest suite##_cases[]
#define XT_CASE(fn)		cmocka_unit_test(fn)
#define XT_END

/* The cmocka program running the tests in XT_CASES(@suite) as @suite. */
#define XT_SUITE(suite, desc)						\
	int main(void)							\
	{								\
		return cmocka_run_group_tests_name(#suite, suite##_cases, \
						   NULL, NULL);		\
	}

#endif /* __KERNEL__ */

#endif /* XPV_XTEST_H */
