/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The strings a hostile guest writes where a backend expects a number
 * bounded by @max: the bound itself, one past it, the two digits a
 * per-digit overflow check gets wrong, 2^32 and -1, nothing, and the
 * forms a lax parser (strtoul, sscanf) takes: hex, leading and trailing
 * space. Shared by the xenstore boundary tables and the control fuzzer.
 */
#ifndef BOUNDARY_H
#define BOUNDARY_H

#include <stdbool.h>

#include "fake_xen.h"

#define BOUNDARY_ROWS	10

struct boundary {
	const char *label;	/* "max", "max+1", "9", ... */
	char value[24];		/* what the guest writes */
	bool valid;		/* a strict decimal in [0, max] */
	unsigned long long lax;	/* what strtoull(value, 0) would read */
};

/* Fill @row[BOUNDARY_ROWS] for @max; returns BOUNDARY_ROWS. */
unsigned int boundary_rows(unsigned long long max, struct boundary *row);

/*
 * A table row publishes what a lax reading of its value would look for
 * (the refs of that order, the dirs of that many queues) so that only the
 * parse can refuse it; in full up to this order or count.
 */
#define BOUNDARY_LAX_MAX	10

static inline unsigned int boundary_lax(const struct boundary *b)
{
	return b->lax > BOUNDARY_LAX_MAX ? BOUNDARY_LAX_MAX : (unsigned int)b->lax;
}

/*
 * Publish in the frontend dir @fe what a lax reading of @node = @b would
 * look for: for a ring-page-order, <dir><ref>N for every ref node in
 * @refs (NULL-terminated) and N < 2^lax; for multi-queue-num-queues,
 * queue-I/ with those refs granted and an event-channel offered, I < lax.
 */
void boundary_publish_lax(struct fake_xen *fx, uint16_t domid, const char *fe,
			  const char *node, const struct boundary *b,
			  const char *const *refs);

/*
 * Run @row (a fresh daemon each, returning our state at the end) for each
 * boundary string of @node at @max; returns how many rows did not end
 * Connected (4) for a valid string or refused (5) for any other.
 */
unsigned int boundary_run_rows(const char *node, unsigned long long max,
			       int (*row)(const struct boundary *b));

/* a row that went wrong, on stderr; returns 1 to count it */
unsigned int boundary_row_failed(const char *node, const struct boundary *b,
				 const char *want);

#endif /* BOUNDARY_H */
