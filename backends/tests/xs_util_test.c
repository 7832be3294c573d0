// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parser every guest-written number goes through (lib/xs_util.c),
 * against the boundary strings of tests/boundary.c at the bounds the
 * daemons use: 0 (netback's ring-page-order), 1 (flags), 4, UINT32_MAX
 * (refs, ports) and ULLONG_MAX. The oracle is strtoull's own reading of
 * the string, so each row fails only when the parser disagrees with it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <xpvback/backend.h>

#include "boundary.h"

static const unsigned long long maxima[] = { 0, 1, 4, UINT32_MAX, ~0ull };

static void check_row(unsigned long long max, const struct boundary *b)
{
	unsigned long long v = 12345;
	int err = xpv_parse_ull(b->value, max, &v);

	if (b->valid && (err || v != b->lax))
		fail_msg("max %llu, %s \"%s\": refused (%d) or misread (%llu)",
			 max, b->label, b->value, err, v);
	if (!b->valid && (!err || v != 12345))
		fail_msg("max %llu, %s \"%s\": accepted as %llu", max, b->label,
			 b->value, v);
}

static void test_parse_boundaries(void **state)
{
	struct boundary rows[BOUNDARY_ROWS];

	(void)state;
	for (size_t m = 0; m < sizeof(maxima) / sizeof(maxima[0]); m++) {
		unsigned int n = boundary_rows(maxima[m], rows);

		for (unsigned int i = 0; i < n; i++)
			check_row(maxima[m], &rows[i]);
	}
}

/* Every single digit against every small bound: the per-digit check. */
static void test_parse_single_digits(void **state)
{
	(void)state;
	for (unsigned long long max = 0; max < 10; max++)
		for (char c = '0'; c <= '9'; c++) {
			char s[2] = { c, '\0' };
			unsigned long long v = 99;
			int err = xpv_parse_ull(s, max, &v);

			if ((unsigned long long)(c - '0') <= max ?
			    err || v != (unsigned long long)(c - '0') : err != -ERANGE)
				fail_msg("max %llu, \"%s\": %d, %llu", max, s, err, v);
		}
}

static void test_parse_errors(void **state)
{
	unsigned long long v;

	(void)state;
	assert_int_equal(xpv_parse_ull("", 5, &v), -EINVAL);
	assert_int_equal(xpv_parse_ull("+1", 5, &v), -EINVAL);
	assert_int_equal(xpv_parse_ull("1x", 5, &v), -EINVAL);
	assert_int_equal(xpv_parse_ull("6", 5, &v), -ERANGE);
	assert_int_equal(xpv_parse_ull("18446744073709551615", ~0ull, &v), 0);
	assert_true(v == ~0ull);
	assert_int_equal(xpv_parse_ull("18446744073709551616", ~0ull, &v), -ERANGE);
	assert_int_equal(xpv_parse_ull("4294967295", UINT32_MAX, &v), 0);
	assert_int_equal(xpv_parse_ull("0005", 5, &v), 0);
	assert_true(v == 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_boundaries),
		cmocka_unit_test(test_parse_single_digits),
		cmocka_unit_test(test_parse_errors),
	};

	xpv_log_quiet = 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
