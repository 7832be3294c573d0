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

static void grant_node(struct fake_xen *fx, uint16_t domid, const char *fe,
		       const char *node)
{
	char p[256];

	snprintf(p, sizeof(p), "%.128s/%.100s", fe, node);
	fake_grant_node(fx, domid, p);
}

/* queue-@i/: @refs granted, an event channel offered; unless it is there */
static void spare_queue(struct fake_xen *fx, uint16_t domid, const char *fe,
			unsigned int i, const char *const *refs)
{
	char p[256];

	snprintf(p, sizeof(p), "%.128s/queue-%u/%.64s", fe, i, refs[0]);
	if (fake_read(fx, p))
		return;
	for (; *refs; refs++) {
		snprintf(p, sizeof(p), "queue-%u/%.64s", i, *refs);
		grant_node(fx, domid, fe, p);
	}
	snprintf(p, sizeof(p), "%.128s/queue-%u/event-channel", fe, i);
	fake_write(fx, p, "%u", fake_offer_port(fx, domid));
}

void boundary_publish_lax(struct fake_xen *fx, uint16_t domid, const char *fe,
			  const char *node, const struct boundary *b,
			  const char *const *refs)
{
	const char *slash = strrchr(node, '/');
	int dirlen = slash ? (int)(slash - node + 1) : 0;
	unsigned int n = boundary_lax(b);
	char name[100];

	if (strstr(node, "ring-page-order"))
		for (unsigned int k = 0; k < 1u << n; k++)
			for (const char *const *r = refs; *r; r++) {
				snprintf(name, sizeof(name), "%.*s%.32s%u", dirlen, node, *r, k);
				grant_node(fx, domid, fe, name);
			}
	if (!strcmp(node, "multi-queue-num-queues"))
		for (unsigned int i = 0; i < n; i++)
			spare_queue(fx, domid, fe, i, refs);
}

unsigned int boundary_run_rows(const char *node, unsigned long long max,
			       int (*row)(const struct boundary *b))
{
	struct boundary rows[BOUNDARY_ROWS];
	unsigned int nr = boundary_rows(max, rows), failed = 0;

	for (unsigned int k = 0; k < nr; k++)
		if (row(&rows[k]) != (rows[k].valid ? 4 : 5))
			failed += boundary_row_failed(node, &rows[k], rows[k].valid ?
						      "Connected" : "refused");
	return failed;
}
