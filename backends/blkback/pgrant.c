// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent grants (feature-persistent). A frontend that offers them
 * (Linux's blkfront does) grants a fixed pool of its pages once and
 * copies each request's data through them; we map a pool page the first
 * time a request names its ref and keep it mapped until the queue goes,
 * so a request's data moves by memcpy instead of a grant copy (dom0's
 * grant copy runs at about a sixth of its memcpy rate: make bench's
 * reference rows).
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

/* The table's slots: a power of two at least twice @max. */
static unsigned int table_size(unsigned int max)
{
	unsigned int n = 16;

	while (n < 2 * max)
		n *= 2;
	return n;
}

/**
 * blk_pgrant_init() - persistent grants for @q, up to @max pages; 0 or
 * @max 0 leaves them off (every segment grant-copied)
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
	if (!p->slots)
		return -ENOMEM;
	p->mask = n - 1;
	return 0;
}

/** blk_pgrant_free() - unmap every page @q kept and drop its table */
void blk_pgrant_free(struct blk_queue *q)
{
	struct blk_pgrants *p = &q->pgrants;
	struct xpv_transport *t;
	unsigned int i;

	if (!p->slots)
		return;
	t = q->vbd->dev->be->t;
	for (i = 0; i <= p->mask; i++)
		if (p->slots[i].page)
			t->ops->gnt_unmap(t, p->slots[i].page, 1);
	free(p->slots);
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

/* Map @ref into @s; NULL when it does not map (the caller grant-copies). */
static uint8_t *map_one(struct blk_queue *q, struct blk_pgrant *s, uint32_t ref)
{
	struct blk_pgrants *p = &q->pgrants;
	struct xpv_transport *t = q->vbd->dev->be->t;
	uint8_t *page = t->ops->gnt_map(t, q->vbd->dev->domid, 1, &ref, true);

	if (!page) {
		q->stats.pgrants_refused++;
		if (++p->failed == MAX_FAILS)
			xpv_log("%s: queue %u: %u persistent grants refused to map; grant copy from now on",
				q->vbd->dev->path, q->index, MAX_FAILS);
		return NULL;
	}
	*s = (struct blk_pgrant){ ref, page };
	p->nr++;
	q->stats.pgrants++;
	return page;
}

/**
 * blk_pgrant_page() - the page @ref names, mapped and kept
 *
 * Return: NULL when persistent grants are off for @q, the table is full,
 * or @ref does not map: grant-copy that segment.
 */
uint8_t *blk_pgrant_page(struct blk_queue *q, uint32_t ref)
{
	struct blk_pgrants *p = &q->pgrants;
	struct blk_pgrant *s;

	if (!p->slots)
		return NULL;
	s = slot_of(p, ref);
	if (s->page)
		return s->page;
	if (p->nr == p->max || p->failed >= MAX_FAILS)
		return NULL;
	return map_one(q, s, ref);
}
