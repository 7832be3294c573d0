// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of blkfront's own logic, at boot in a domU (it grants pages
 * through the real grant table). Included at the end of blkfront.c, so it
 * reaches the driver's static functions.
 *
 * A backend that keeps a page mapped after answering is played by setting
 * the flag Xen sets in the grant entry while a page is mapped.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <xpv/gnttab.h>

struct blkfront_test_ctx {
	struct blkfront bf;
	struct xpv_xenbus_device xd;
	struct blkfront_slot slot;
};

static struct blkfront_test_ctx *blkfront_test_setup(struct kunit *test,
							unsigned int nr_segs)
{
	struct blkfront_test_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct blkfront_slot *s;
	unsigned int i;
	int ref;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->xd.dev.init_name = "blkfront-test";
	c->bf.xd = &c->xd;
	s = &c->slot;
	for (i = 0; i < nr_segs; i++) {
		s->bounce[i] = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->bounce[i]);
		memset(page_address(s->bounce[i]), 0xa5, PAGE_SIZE);	/* a request's data */
		ref = xpv_gnttab_grant_page(0, s->bounce[i], false);
		KUNIT_ASSERT_GE(test, ref, XPV_GNT_NR_RESERVED);
		s->gref[i] = ref;
	}
	s->nr_segs = nr_segs;
	return c;
}

static void blkfront_test_free_pages(struct blkfront_slot *s)
{
	unsigned int i;

	for (i = 0; i < BLKFRONT_MAX_SEGS; i++)
		if (s->bounce[i])
			__free_page(s->bounce[i]);
}

/* Grants that end: the backend's status stands, the pages stay. */
static void blkfront_test_finish_ended(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 2);
	struct page *p0 = c->slot.bounce[0];

	KUNIT_EXPECT_EQ(test, slot_finish(&c->bf, &c->slot, BLK_STS_OK), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, c->slot.nr_segs, 0U);
	KUNIT_EXPECT_PTR_EQ(test, c->slot.bounce[0], p0);
	KUNIT_EXPECT_FALSE(test, xpv_ring_is_broken(&c->bf.ring));
	blkfront_test_free_pages(&c->slot);
}

/*
 * A page the backend still maps: the request fails whatever the backend
 * said, the page goes to the grant table's deferred list, and a zeroed
 * page takes its place in the slot.
 */
static void blkfront_test_finish_still_mapped(struct kunit *test)
{
	struct blkfront_test_ctx *c = blkfront_test_setup(test, 2);
	struct blkfront_slot *s = &c->slot;
	struct page *p0 = s->bounce[0], *p1 = s->bounce[1];
	struct xpv_gnt_entry *e = xpv_gnttab_entry(s->gref[0]);
	unsigned int deferred = xpv_gnttab_nr_deferred(), i;

	e->flags |= XPV_GTF_WRITING;		/* what Xen does while mapped */
	KUNIT_EXPECT_EQ(test, slot_finish(&c->bf, s, BLK_STS_OK), BLK_STS_IOERR);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), deferred + 1);
	KUNIT_EXPECT_FALSE(test, xpv_ring_is_broken(&c->bf.ring));
	KUNIT_EXPECT_PTR_EQ(test, s->bounce[1], p1);
	KUNIT_ASSERT_NOT_NULL(test, s->bounce[0]);
	KUNIT_EXPECT_PTR_NE(test, s->bounce[0], p0);
	KUNIT_EXPECT_NULL(test, memchr_inv(page_address(s->bounce[0]), 0, PAGE_SIZE));
	e->flags &= ~XPV_GTF_WRITING;		/* the backend lets go: p0 is freed */
	for (i = 0; i < 50 && xpv_gnttab_nr_deferred() > deferred; i++)
		msleep(100);
	KUNIT_EXPECT_EQ(test, xpv_gnttab_nr_deferred(), deferred);
	blkfront_test_free_pages(s);
}

/*
 * The interrupt handler against a hostile backend, played by writing its
 * side of the ring page directly: one request is on the ring (slot 0, a
 * read in flight, or nothing in flight for the "stale" rows); the backend
 * answers with a response bent one way. The handler must latch the ring
 * broken, end nothing that was not asked for, and take nothing more.
 */
struct hostile_row {
	const char *name;
	bool in_flight;		/* is slot 0's read in flight? */
	u64 id;
	u8 op;
	u32 extra_prod;		/* rsp_prod beyond the one response */
};

static const struct hostile_row hostile_rows[] = {
	{ "id out of range", true, 1ull << 40, XPV_BLKIF_OP_READ, 0 },
	{ "id not in flight", false, 0, XPV_BLKIF_OP_READ, 0 },
	{ "wrong operation", true, 0, XPV_BLKIF_OP_WRITE, 0 },
	{ "rsp_prod past the requests", true, 0, XPV_BLKIF_OP_READ, 1 },
	{ "rsp_prod a ring ahead", true, 0, XPV_BLKIF_OP_READ, 1u << 20 },
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
	struct blkfront *bf = &c->bf;
	struct xpv_sring *sr;
	struct xpv_blkif_rsp *rsp;
	union xpv_blkif_req *req;

	bf->ring_page = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bf->ring_page);
	KUNIT_ASSERT_EQ(test, xpv_ring_init_front(&bf->ring, bf->ring_page, PAGE_SIZE,
						  BLKFRONT_RING_SLOT), 0);
	bf->depth = bf->ring.nr_ents;
	bf->slots = kunit_kcalloc(test, bf->depth, sizeof(*bf->slots), GFP_KERNEL);
	bf->shadow = kunit_kcalloc(test, bf->depth, sizeof(*bf->shadow), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, bf->slots && bf->shadow);
	spin_lock_init(&bf->lock);
	bf->connected = true;
	req = xpv_ring_produce(&bf->ring);
	req->rw.operation = XPV_BLKIF_OP_READ;
	req->rw.id = 0;
	xpv_ring_push(&bf->ring);
	if (row->in_flight)
		xpv_blkfront_start(bf->shadow, bf->depth, 0, XPV_BLKIF_OP_READ);

	sr = bf->ring_page;
	rsp = (struct xpv_blkif_rsp *)sr->slots;	/* the backend's answer in slot 0 */
	rsp->id = row->id;
	rsp->operation = row->op;
	rsp->status = XPV_BLKIF_RSP_OKAY;
	smp_wmb();
	WRITE_ONCE(sr->rsp_prod, 1 + row->extra_prod);

	KUNIT_EXPECT_EQ(test, blkfront_interrupt(0, bf), IRQ_HANDLED);
	KUNIT_EXPECT_TRUE(test, xpv_ring_is_broken(&bf->ring));
	KUNIT_EXPECT_FALSE(test, bf->shadow[0].in_flight);	/* failed, not answered */
	/* a later event, even with a good answer, takes nothing */
	rsp->id = 0;
	rsp->operation = XPV_BLKIF_OP_READ;
	WRITE_ONCE(sr->rsp_prod, 1);
	KUNIT_EXPECT_EQ(test, blkfront_interrupt(0, bf), IRQ_HANDLED);
	KUNIT_EXPECT_TRUE(test, xpv_ring_is_broken(&bf->ring));
}

static struct kunit_case blkfront_test_cases[] = {
	KUNIT_CASE_PARAM(blkfront_test_hostile_response, hostile_gen_params),
	KUNIT_CASE(blkfront_test_finish_ended),
	KUNIT_CASE(blkfront_test_finish_still_mapped),
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
