// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent grants (feature-persistent). A frontend that offers them
 * (Linux's blkfront does) grants a fixed pool of its pages once and
 * copies each request's data through them; the pages a request names
 * that we do not keep yet are mapped in one gnt_map call and kept until
 * the queue goes, so a request's data moves by memcpy instead of a grant
 * copy (dom0's grant copy runs at about a fifth of its memcpy rate: make
 * bench's reference rows).
 *
 * The guest chooses the refs, so the table is bounded: at most
 * blk_config.max_pgrants pages per queue (the default fits Linux's pool:
 * (32 segments + 1 indirect page) x 32 ring slots). A ref past that bound,
 * or one that does not map writable (revoked, read-only, a typo), is
 * grant-copied as before; after MAX_FAILS refused maps a queue stops
 * trying, so a guest that offers the feature and lies about it costs only
 * its own time. Mapped pages stay the guest's memory: they cost dom0 a
 * mapping each, not a page, and are unmapped when the queue is freed
 * (disconnect, removal, worker exit), which is when the frontend ends its
 * grants.
 *
 * Loop thread only, like the rest of a queue.
 */
#include <errno.h>
#include <stdlib.h>

#include "blkback.h"

#define MAX_FAILS 64	/* refused maps before a queue stops mapping */

struct blk_pgrant {
	uint32_t ref;
	uint8_t *page;		/* NULL: a free slot */
};

/* One gnt_map call's pages, unmapped together. */
struct blk_pregion {
	uint8_t *base;
	unsigned int count;
};

/* The table's slots: a power of two at least twice @max. */
static unsigned int table_size(unsigned int max)
{
	unsigned int n = 16;

	while (n < 2 * max)
		n *= 2;
	return n;
}

/**
 * blk_pgrant_init() - persistent grants for @q (its max_segs set), up to
 * @max pages; @max 0 leaves them off (every segment grant-copied)
 */
int blk_pgrant_init(struct blk_queue *q, unsigned int max)
{
	struct blk_pgrants *p = &q->pgrants;
	unsigned int n;

	*p = (struct blk_pgrants){ .max = max };
	if (!max)
		return 0;
	n = table_size(max);
	p->slots = calloc(n, sizeof(*p->slots));
	p->regions = calloc(max, sizeof(*p->regions));	/* each maps >= 1 page */
	p->want = calloc(q->max_segs, sizeof(*p->want));
	if (!p->slots || !p->regions || !p->want) {
		blk_pgrant_free(q);
		return -ENOMEM;
	}
	p->mask = n - 1;
	return 0;
}

/** blk_pgrant_free() - unmap every page @q kept and drop its table */
void blk_pgrant_free(struct blk_queue *q)
{
	struct blk_pgrants *p = &q->pgrants;
	struct xpv_transport *t = q->vbd ? q->vbd->dev->be->t : NULL;
	unsigned int i;

	for (i = 0; i < p->nr_regions; i++)
		t->ops->gnt_unmap(t, p->regions[i].base, p->regions[i].count);
	free(p->slots);
	free(p->regions);
	free(p->want);
	*p = (struct blk_pgrants){ 0 };
}

/* The slot of @ref, or the free slot where it would go. */
static struct blk_pgrant *slot_of(struct blk_pgrants *p, uint32_t ref)
{
	unsigned int i = (ref * 2654435761u) & p->mask;

	while (p->slots[i].page && p->slots[i].ref != ref)
		i = (i + 1) & p->mask;
	return &p->slots[i];
}

/* Into p->want: the refs of @segs not kept yet, once each, within room. */
static unsigned int wanted(struct blk_pgrants *p, const struct xpv_blkback_seg *segs,
			   unsigned int n)
{
	unsigned int i, j, m = 0;

	for (i = 0; i < n && p->nr + m < p->max; i++) {
		if (slot_of(p, segs[i].gref)->page)
			continue;
		for (j = 0; j < m && p->want[j] != segs[i].gref; j++)
			;
		if (j == m)
			p->want[m++] = segs[i].gref;
	}
	return m;
}

/* Map @m refs in one call and keep them; false when they did not map. */
static bool map_keep(struct blk_queue *q, const uint32_t *refs, unsigned int m)
{
	struct blk_pgrants *p = &q->pgrants;
	struct xpv_transport *t = q->vbd->dev->be->t;
	uint8_t *base = t->ops->gnt_map(t, q->vbd->dev->domid, m, refs, true);
	unsigned int i;

	if (!base)
		return false;
	p->regions[p->nr_regions++] = (struct blk_pregion){ base, m };
	for (i = 0; i < m; i++)
		*slot_of(p, refs[i]) = (struct blk_pgrant){ refs[i], base + (size_t)i * XPV_BLKIF_PAGE_SIZE };
	p->nr += m;
	q->stats.pgrants += m;
	return true;
}

static void map_refused(struct blk_queue *q)
{
	struct blk_pgrants *p = &q->pgrants;

	q->stats.pgrants_refused++;
	if (++p->failed == MAX_FAILS)
		xpv_log("%s: queue %u: %u persistent grants refused to map; grant copy from now on",
			q->vbd->dev->path, q->index, MAX_FAILS);
}

/**
 * blk_pgrant_prepare() - map, in one call, the pages of @segs not kept
 * yet (as many as the bound leaves room for)
 *
 * A call that fails (one ref the guest did not grant writable fails them
 * all) is tried again ref by ref, so only the bad ones are left to grant
 * copy. Nothing to do when persistent grants are off for @q.
 */
void blk_pgrant_prepare(struct blk_queue *q, const struct xpv_blkback_seg *segs,
			unsigned int n)
{
	struct blk_pgrants *p = &q->pgrants;
	unsigned int i, m;

	if (!p->slots || p->failed >= MAX_FAILS)
		return;
	m = wanted(p, segs, n < q->max_segs ? n : q->max_segs);
	if (!m || map_keep(q, p->want, m))
		return;
	if (m == 1)
		return map_refused(q);
	for (i = 0; i < m && p->failed < MAX_FAILS; i++)
		if (!map_keep(q, &p->want[i], 1))
			map_refused(q);
}

/**
 * blk_pgrant_page() - the kept page @ref names (blk_pgrant_prepare)
 *
 * Return: NULL when persistent grants are off for @q or @ref is not kept:
 * grant-copy that segment.
 */
uint8_t *blk_pgrant_page(struct blk_queue *q, uint32_t ref)
{
	struct blk_pgrants *p = &q->pgrants;
	struct blk_pgrant *s;

	if (!p->slots)
		return NULL;
	s = slot_of(p, ref);
	return s->page;
}
