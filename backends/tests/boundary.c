// SPDX-License-Identifier: GPL-2.0-only
/* Boundary strings for guest-written numbers; see boundary.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boundary.h"

static void row(struct boundary *b, const char *label, const char *value,
		unsigned long long max)
{
	size_t n = strspn(value, "0123456789");

	b->label = label;
	snprintf(b->value, sizeof(b->value), "%s", value);
	errno = 0;
	b->lax = strtoull(value, NULL, 0);
	b->valid = n && !value[n] && errno != ERANGE && b->lax <= max;
}

unsigned int boundary_rows(unsigned long long max, struct boundary *b)
{
	char s[2][24];

	snprintf(s[0], sizeof(s[0]), "%llu", max);
	if (max == ~0ull)
		snprintf(s[1], sizeof(s[1]), "18446744073709551616");
	else
		snprintf(s[1], sizeof(s[1]), "%llu", max + 1);
	row(&b[0], "max", s[0], max);
	row(&b[1], "max+1", s[1], max);
	row(&b[2], "9", "9", max);
	row(&b[3], "10", "10", max);
	row(&b[4], "2^32", "4294967296", max);
	row(&b[5], "-1", "-1", max);
	row(&b[6], "empty", "", max);
	row(&b[7], "hex", "0x1", max);
	row(&b[8], "leading space", " 1", max);
	row(&b[9], "trailing space", "1 ", max);
	return BOUNDARY_ROWS;
}

unsigned int boundary_row_failed(const char *node, const struct boundary *b,
				 const char *want)
{
	fprintf(stderr, "row %s %s \"%s\": %s expected\n", node,
		b ? b->label : "good setup", b ? b->value : "", want);
	return 1;
}
