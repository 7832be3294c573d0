// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of blkfront's queues, at boot in a domU (it grants pages
 * through the real grant table). Included at the end of queue.c, so it
 * reaches the static functions.
 *
 * A backend that keeps a page mapped after answering is played by setting
 * the flag Xen sets in the grant entry while a page is mapped; a hostile
 * backend by writing its side of the ring page; a silent one by calling
 * the block layer's timeout handler. The device's failure work is a probe
 * here (the real one writes xenstore).
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <xpv/gnttab.h>

struct blkfront_test_ctx {
	struct blkfront bf;
	struct xpv_xenbus_device xd;
	struct blkfront_slot slot;
	bool failed;			/* the failure work ran */
};

static void blkfront_test_fail_work(struct work_struct *work)
{
	struct blkfront_test_ctx *c = container_of(work, struct blkfront_test_ctx,
						   bf.fail_work);

	c->failed = true;
}

/* A device, and a slot with @nr pages granted (to dom0, read-only). */
static struct blkfront_test_ctx *blkfront_test_setup(struct kunit *test, unsigned int nr)
{
	struct blkfront_test_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct blkfront_slot *s;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	xpv_xenbus_device_init(&c->xd);
	c->xd.dev.init_name = "blkfront-test";
	blkfront_init(&c->bf, &c->xd, 51712);
	INIT_WORK(&c->bf.fail_work, blkfront_test_fail_work);
	s = &c->slot;
	for (i = 0; i < nr; i++) {
		s->page[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->page[i]);
		memset(page_address(s->page[i]), 0xa5, PAGE_SIZE);	/* a request's data */
	}
	s->nr_pages = nr;
	s->nr_data = nr;
	KUNIT_ASSERT_EQ(test, slot_grant(&c->bf.queues[0], s, false), 0);
	KUNIT_ASSERT_EQ(test, s->nr_grants, nr);
	return c;
}

/* Grants that end: nothing failed, the pages stay the request's. */
static void blkfront_test_end_grants(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 2);
	struct page *p0 = c->slot.page[0];

	KUNIT_EXPECT_EQ(test, slot_end_grants(&c->slot), 0);
	KUNIT_EXPECT_EQ(test, c->slot.nr_grants, 0U);
	KUNIT_EXPECT_PTR_EQ(test, c->slot.page[0], p0);
	slot_free_pages(&c->bf.queues[0], &c->slot);
	KUNIT_EXPECT_EQ(test, c->slot.nr_pages, 0U);
}

/*
 * A page the backend still maps: its request must fail, and the page goes
 * to the grant table's deferred list (freed once the backend lets go).
 */
static void blkfront_test_end_grants_still_mapped(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 2);
	struct blkfront_slot *s = &c->slot;
	struct page *p1 = s->page[1];
	struct xpv_gnt_entry *e = xpv_gnttab_entry(s->gref[0]);
	unsigned int deferred = xpv_gnttab_nr_deferred(), i;

	e->flags |= XPV_GTF_WRITING;		/* what Xen does while mapped */
	KUNIT_EXPECT_EQ(test, slot_end_grants(s), -EBUSY);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), deferred + 1);
	KUNIT_EXPECT_NULL(test, s->page[0]);		/* not ours any more */
	KUNIT_EXPECT_PTR_EQ(test, s->page[1], p1);
	e->flags &= ~XPV_GTF_WRITING;		/* the backend lets go: freed */
	for (i = 0; i < 50 && xpv_gnttab_nr_deferred() > deferred; i++)
		msleep(100);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), deferred);
	slot_free_pages(&c->bf.queues[0], s);
}

/*
 * No grant to be had (the table full): the slot keeps nothing granted and
 * the caller is told to retry (queue_rq answers BLK_STS_RESOURCE).
 */
static void blkfront_test_grant_exhausted(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 0);
	struct blkfront_slot *s = &c->slot;
	unsigned int n = xpv_gnttab_nr_free(), i, got = 0;
	grant_ref_t *refs = kunit_kcalloc(test, n, sizeof(*refs), GFP_KERNEL);
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	int ref;

	KUNIT_ASSERT_TRUE(test, refs && page);
	s->page[0] = page;
	s->nr_pages = s->nr_data = 1;
	while (got < n && (ref = xpv_gnttab_grant_page(0, page, true)) >= 0)
		refs[got++] = ref;
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), 0U);
	KUNIT_EXPECT_LT(test, slot_grant(&c->bf.queues[0], s, true), 0);
	KUNIT_EXPECT_EQ(test, s->nr_grants, 0U);
	for (i = 0; i < got; i++)
		KUNIT_EXPECT_TRUE(test, xpv_gnttab_end(refs[i]));
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), n);
	KUNIT_EXPECT_EQ(test, slot_grant(&c->bf.queues[0], s, true), 0);	/* retried */
	KUNIT_EXPECT_EQ(test, slot_end_grants(s), 0);
	slot_free_pages(&c->bf.queues[0], s);
}

/* Queue @i of @c with a one-page ring, slot 0's read on it and in flight. */
static struct blkfront_queue *blkfront_test_queue(struct kunit *test,
						  struct blkfront_test_ctx *c,
						  unsigned int i, bool in_flight)
{
	struct blkfront_queue *q = &c->bf.queues[i];
	union xpv_blkif_req *req;

	q->ring_pages = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q->ring_pages);
	KUNIT_ASSERT_EQ(test, xpv_ring_init_front(&q->ring, q->ring_pages, PAGE_SIZE,
						  BLKFRONT_RING_SLOT), 0);
	c->bf.depth = q->ring.nr_ents;
	q->slots = kunit_kcalloc(test, c->bf.depth, sizeof(*q->slots), GFP_KERNEL);
	q->shadow = kunit_kcalloc(test, c->bf.depth, sizeof(*q->shadow), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, q->slots && q->shadow);
	q->connected = true;
	req = xpv_ring_produce(&q->ring);
	req->rw.operation = XPV_BLKIF_OP_READ;
	req->rw.id = 0;
	xpv_ring_push(&q->ring);
	if (in_flight)
		xpv_blkfront_start(q->shadow, c->bf.depth, 0, XPV_BLKIF_OP_READ);
	return q;
}

/* The device failed: every queue latched, nothing in flight, work queued. */
static void blkfront_test_expect_failed(struct kunit *test, struct blkfront_test_ctx *c,
					const char *why)
{
	unsigned int i;

	for (i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		KUNIT_EXPECT_TRUE(test, xpv_ring_is_broken(&c->bf.queues[i].ring));
	KUNIT_EXPECT_FALSE(test, c->bf.queues[0].shadow[0].in_flight);	/* failed */
	KUNIT_EXPECT_STREQ(test, c->bf.fail_why, why);
	flush_work(&c->bf.fail_work);
	KUNIT_EXPECT_TRUE(test, c->failed);
}

/*
 * The interrupt handler against a hostile backend: one request is on the
 * ring (slot 0, a read in flight, or nothing in flight for the "stale"
 * row); the backend answers with a response bent one way. The handler
 * must latch the ring broken, fail the device, end nothing that was not
 * asked for, and take nothing more.
 */
struct hostile_row {
	const char *name;
	bool in_flight;		/* is slot 0's read in flight? */
	u64 id;
	u8 op;
	u32 extra_prod;		/* rsp_prod beyond the one response */
	s16 status;
};

static const struct hostile_row hostile_rows[] = {
	{ "id out of range", true, 1ull << 40, XPV_BLKIF_OP_READ, 0 },
	{ "id not in flight", false, 0, XPV_BLKIF_OP_READ, 0 },
	{ "wrong operation", true, 0, XPV_BLKIF_OP_WRITE, 0 },
	{ "indirect read answered as indirect", true, 0, XPV_BLKIF_OP_INDIRECT, 0 },
	{ "rsp_prod past the requests", true, 0, XPV_BLKIF_OP_READ, 1 },
	{ "rsp_prod a ring ahead", true, 0, XPV_BLKIF_OP_READ, 1u << 20 },
	{ "unknown status", true, 0, XPV_BLKIF_OP_READ, 0, 7 },
};

static void hostile_desc(const struct hostile_row *r, char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hostile, hostile_rows, hostile_desc);

static void blkfront_test_hostile_response(struct kunit *test)
{
	const struct hostile_row *row = test->param_value;
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 0);
	struct blkfront_queue *q = blkfront_test_queue(test, c, 0, row->in_flight);
	struct xpv_sring *sr = q->ring_pages;
	struct xpv_blkif_rsp *rsp = (struct xpv_blkif_rsp *)sr->slots;

	rsp->id = row->id;		/* the backend's answer in slot 0 */
	rsp->operation = row->op;
	rsp->status = row->status;
	smp_wmb();	/* the response before the index, as a backend writes them */
	WRITE_ONCE(sr->rsp_prod, 1 + row->extra_prod);

	KUNIT_EXPECT_EQ(test, blkfront_interrupt(0, q), IRQ_HANDLED);
	blkfront_test_expect_failed(test, c, "the backend broke the protocol");
	/* a later event, even with a good answer, takes nothing */
	rsp->id = 0;
	rsp->operation = XPV_BLKIF_OP_READ;
	WRITE_ONCE(sr->rsp_prod, 1);
	KUNIT_EXPECT_EQ(test, blkfront_interrupt(0, q), IRQ_HANDLED);
	KUNIT_EXPECT_TRUE(test, xpv_ring_is_broken(&q->ring));
}

/*
 * A backend that never answers: the block layer's timeout handler fails
 * the device (both queues here) and says it handled the request.
 */
static void blkfront_test_timeout(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 0);
	struct blk_mq_hw_ctx *hctx = kunit_kzalloc(test, sizeof(*hctx), GFP_KERNEL);
	struct request *rq = kunit_kzalloc(test, sizeof(*rq), GFP_KERNEL);

	KUNIT_ASSERT_TRUE(test, hctx && rq);
	blkfront_test_queue(test, c, 0, true);
	hctx->driver_data = blkfront_test_queue(test, c, 1, true);
	rq->mq_hctx = hctx;
	KUNIT_EXPECT_EQ(test, blkfront_rq_timeout(rq), BLK_EH_DONE);
	blkfront_test_expect_failed(test, c, "the backend did not answer in time");
	KUNIT_EXPECT_FALSE(test, c->bf.queues[1].shadow[0].in_flight);
	/* failing again changes nothing: one message */
	c->failed = false;
	blkfront_fail(&c->bf, "again");
	KUNIT_EXPECT_STREQ(test, c->bf.fail_why, "the backend did not answer in time");
	flush_work(&c->bf.fail_work);
	KUNIT_EXPECT_FALSE(test, c->failed);
}

/* Numbers a backend writes, at the boundaries: compared whole, then capped. */
static void blkfront_test_cap(struct kunit *test)
{
	static const struct {
		unsigned long long v;
		unsigned int cap, want;
	} rows[] = {
		{ 0, 4, 0 }, { 3, 4, 3 }, { 4, 4, 4 }, { 5, 4, 4 }, { 9, 4, 4 },
		{ 10, 4, 4 }, { 1ull << 32, 4, 4 }, { (1ull << 32) + 1, 4, 4 },
		{ ~0ull, 4, 4 }, { (1ull << 32) + 255, 256, 256 }, { 255, 256, 255 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		KUNIT_EXPECT_EQ_MSG(test, blkfront_cap(rows[i].v, rows[i].cap), rows[i].want,
				    "row %u: %llu capped at %u", i, rows[i].v, rows[i].cap);
}

/* Queue 0 of @c with a pool of at most @max kept pages, none kept yet. */
static struct blkfront_queue *blkfront_test_pool(struct kunit *test,
						 struct blkfront_test_ctx *c,
						 unsigned int max)
{
	struct blkfront_queue *q = &c->bf.queues[0];

	q->pool = kunit_kcalloc(test, max, sizeof(*q->pool), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q->pool);
	q->pool_max = max;
	return q;
}

/*
 * Persistent grants: the pool grants a page once and lends it to request
 * after request; answering one ends no grant, even of a page the backend
 * still maps; the pool grows as requests need, never past its bound.
 */
static void blkfront_test_pool_lend(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 0);
	struct blkfront_queue *q = blkfront_test_pool(test, c, 8);
	struct blkfront_slot *s = &c->slot;
	struct blkfront_slot *other = kunit_kzalloc(test, sizeof(*other), GFP_KERNEL);
	unsigned int free = xpv_gnttab_nr_free();
	grant_ref_t first;

	KUNIT_ASSERT_NOT_NULL(test, other);
	KUNIT_ASSERT_EQ(test, pool_lend(q, s, 3), 0);
	KUNIT_EXPECT_TRUE(test, s->lent);
	KUNIT_EXPECT_EQ(test, s->nr_pages, 3U);
	KUNIT_EXPECT_EQ(test, q->pool_kept, 3U);
	KUNIT_EXPECT_EQ(test, q->pool_free, 0U);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), free - 3);
	first = s->gref[0];
	KUNIT_EXPECT_EQ(test, slot_grant(q, s, true), 0);
	KUNIT_EXPECT_EQ(test, s->nr_grants, 0U);	/* nothing of its own */
	xpv_gnttab_entry(first)->flags |= XPV_GTF_WRITING;	/* mapped, kept */
	KUNIT_EXPECT_EQ(test, slot_end_grants(s), 0);
	slot_free_pages(q, s);
	KUNIT_EXPECT_FALSE(test, s->lent);
	KUNIT_EXPECT_NULL(test, s->page[0]);
	KUNIT_EXPECT_EQ(test, q->pool_free, 3U);	/* back, still granted */
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), free - 3);

	KUNIT_ASSERT_EQ(test, pool_lend(q, s, 5), 0);	/* 3 again, 2 new */
	KUNIT_EXPECT_EQ(test, q->pool_kept, 5U);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), free - 5);
	KUNIT_EXPECT_TRUE(test, s->gref[2] == first || s->gref[3] == first ||
			  s->gref[4] == first);
	slot_free_pages(q, s);

	KUNIT_EXPECT_EQ(test, pool_lend(q, s, 9), -EBUSY);	/* past the bound */
	KUNIT_EXPECT_FALSE(test, s->lent);
	KUNIT_EXPECT_EQ(test, s->nr_pages, 0U);
	KUNIT_EXPECT_EQ(test, q->pool_kept, 5U);	/* nothing granted for it */
	KUNIT_ASSERT_EQ(test, pool_lend(q, s, 8), 0);
	KUNIT_EXPECT_EQ(test, pool_lend(q, other, 1), -EBUSY);	/* all lent */
	slot_free_pages(q, s);
	xpv_gnttab_entry(first)->flags &= ~XPV_GTF_WRITING;
	pool_release(q);
	KUNIT_EXPECT_EQ(test, q->pool_kept, 0U);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_free(), free);
}

/*
 * Released with a kept page the backend still maps: its grant is not
 * ended under it; the grant table keeps the page until the backend lets
 * go, then frees it.
 */
static void blkfront_test_pool_release_mapped(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 0);
	struct blkfront_queue *q = blkfront_test_pool(test, c, 4);
	struct blkfront_slot *s = &c->slot;
	unsigned int deferred = xpv_gnttab_nr_deferred(), i;
	struct xpv_gnt_entry *e;

	KUNIT_ASSERT_EQ(test, pool_lend(q, s, 2), 0);
	e = xpv_gnttab_entry(s->gref[1]);
	slot_free_pages(q, s);
	e->flags |= XPV_GTF_WRITING;
	pool_release(q);
	KUNIT_EXPECT_EQ(test, q->pool_free, 0U);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), deferred + 1);
	e->flags &= ~XPV_GTF_WRITING;
	for (i = 0; i < 50 && xpv_gnttab_nr_deferred() > deferred; i++)
		msleep(100);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), deferred);
}

static struct kunit_case blkfront_test_cases[] = {
	KUNIT_CASE(blkfront_test_cap),
	KUNIT_CASE_PARAM(blkfront_test_hostile_response, hostile_gen_params),
	KUNIT_CASE(blkfront_test_timeout),
	KUNIT_CASE(blkfront_test_end_grants),
	KUNIT_CASE(blkfront_test_end_grants_still_mapped),
	KUNIT_CASE(blkfront_test_grant_exhausted),
	KUNIT_CASE(blkfront_test_pool_lend),
	KUNIT_CASE(blkfront_test_pool_release_mapped),
	{}
};

static int blkfront_test_init(struct kunit *test)
{
	if (!xpv_gnttab_nr_refs())
		kunit_skip(test, "no grant table (this is Xen's first domain)");
	return 0;
}

static struct kunit_suite blkfront_test_suite = {
	.name = "xpv_blkfront",
	.init = blkfront_test_init,
	.test_cases = blkfront_test_cases,
};
kunit_test_suite(blkfront_test_suite);
