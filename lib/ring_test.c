// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of xpv_ring, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST) and
 * as a cmocka program (tests/unit). Our frontend and backend talk to each
 * other and to Xen's own ring macros, and each end is shown a peer that
 * lies about its indices.
 */
#include <xpv/ring.h>
#include <xpv/xtest.h>

#ifdef __KERNEL__
#include <linux/module.h>
#include <xen/interface/io/ring.h>
#else
#include <xen/io/ring.h>
#endif

/* Xen's macros leave the barriers to the includer in userspace. */
#ifndef xen_mb
#define xen_mb()	xpv_mb()
#define xen_rmb()	xpv_rmb()
#define xen_wmb()	xpv_wmb()
#endif

/* A request/response pair shaped like blkif's: the response is smaller. */
struct xt_req {
	u64 id;
	u8 op;
	u8 payload[23];
};

struct xt_rsp {
	u64 id;
	s16 status;
};

DEFINE_RING_TYPES(xt, struct xt_req, struct xt_rsp);

#define XT_ENT	sizeof(union xt_sring_entry)
#define XT_PAGE	4096

/* Shared pages; the tests run one at a time. */
static u8 xt_shared[4 * XT_PAGE] __attribute__((aligned(XT_PAGE)));

/* Both ends over one page, as a connected pair of domains would have it. */
static void pair(XT_CTX, struct xpv_ring *front, struct xpv_ring *back)
{
	XT_EQ(xpv_ring_init_front(front, xt_shared, XT_PAGE, XT_ENT), 0);
	XT_EQ(xpv_ring_attach_back(back, xt_shared, XT_PAGE, XT_ENT), 0);
}

/* Start every index at @base, to exercise wrap-around at 2^32. */
static void pair_at(XT_CTX, struct xpv_ring *front, struct xpv_ring *back,
		    u32 base)
{
	pair(XT_ARG, front, back);
	front->prod_pvt = front->published = front->cons = front->peer_prod = base;
	back->prod_pvt = back->published = back->cons = back->peer_prod = base;
	front->sring->req_prod = front->sring->rsp_prod = base;
	front->sring->req_event = front->sring->rsp_event = base + 1;
}

static bool send_req(struct xpv_ring *front, u64 id)
{
	struct xt_req *req = xpv_ring_produce(front);

	if (!req)
		return false;
	memset(req, 0, sizeof(*req));
	req->id = id;
	req->op = (u8)id;
	return true;
}

/* Backend: answer every pending request with status = -op. */
static int answer_all(struct xpv_ring *back)
{
	union xt_sring_entry e;
	struct xt_rsp *rsp;
	int n = 0;

	while (xpv_ring_consume(back, &e) == 1) {
		rsp = xpv_ring_produce(back);
		if (!rsp)
			return -1;
		rsp->id = e.req.id;
		rsp->status = -(s16)e.req.op;
		n++;
	}
	xpv_ring_push(back);
	return n;
}

static void ring_test_nr_ents(XT_CTX)
{
	unsigned int pages;

	XT_EQ(xpv_ring_nr_ents(0, XT_ENT), 0);
	XT_EQ(xpv_ring_nr_ents(64, XT_ENT), 0);
	XT_EQ(xpv_ring_nr_ents(64 + XT_ENT, XT_ENT), 1);
	XT_EQ(xpv_ring_nr_ents(64 + 3 * XT_ENT, XT_ENT), 2);
	XT_EQ(xpv_ring_nr_ents(XT_PAGE, 0), 0);
	for (pages = 1; pages <= 4; pages++)
		XT_EQ(xpv_ring_nr_ents(pages * XT_PAGE, XT_ENT),
		      __CONST_RING_SIZE(xt, pages * XT_PAGE));
}

static void ring_test_layout_matches_xen(XT_CTX)
{
	struct xt_sring *xs = (struct xt_sring *)xt_shared;
	struct xpv_sring *s = (struct xpv_sring *)xt_shared;

	XT_EQ((u8 *)&xs->req_prod - xt_shared, (u8 *)&s->req_prod - xt_shared);
	XT_EQ((u8 *)&xs->req_event - xt_shared, (u8 *)&s->req_event - xt_shared);
	XT_EQ((u8 *)&xs->rsp_prod - xt_shared, (u8 *)&s->rsp_prod - xt_shared);
	XT_EQ((u8 *)&xs->rsp_event - xt_shared, (u8 *)&s->rsp_event - xt_shared);
	XT_EQ((u8 *)&xs->ring[0] - xt_shared, (u8 *)s->slots - xt_shared);
}

static void ring_test_init_front(XT_CTX)
{
	struct xpv_ring front;

	memset(xt_shared, 0xa5, XT_PAGE);
	XT_EQ(xpv_ring_init_front(&front, xt_shared, XT_PAGE, XT_ENT), 0);
	XT_EQ(front.sring->req_prod, 0);
	XT_EQ(front.sring->rsp_prod, 0);
	XT_EQ(front.sring->req_event, 1);
	XT_EQ(front.sring->rsp_event, 1);
	XT_EQ(front.sring->pad[0], 0);
	XT_EQ(front.sring->pad[47], 0);
	XT_EQ(xpv_ring_free_slots(&front), front.nr_ents);
	XT_FALSE(xpv_ring_is_broken(&front));
	XT_EQ(xpv_ring_init_front(&front, xt_shared, 64, XT_ENT), -EINVAL);
	XT_EQ(xpv_ring_init_front(&front, NULL, XT_PAGE, XT_ENT), -EINVAL);
}

static void ring_test_round_trip(XT_CTX)
{
	struct xpv_ring front, back;
	union xt_sring_entry e;
	u64 id;

	pair(XT_ARG, &front, &back);
	for (id = 1; id <= 5; id++)
		XT_TRUE(send_req(&front, id));
	XT_EQ(xpv_ring_consume(&back, &e), 0);	/* nothing published yet */
	XT_TRUE(xpv_ring_push(&front));		/* req_event was 1 */
	XT_EQ(answer_all(&back), 5);
	for (id = 1; id <= 5; id++) {
		XT_EQ(xpv_ring_consume(&front, &e), 1);
		XT_EQ(e.rsp.id, id);
		XT_EQ(e.rsp.status, -(s16)id);
	}
	XT_EQ(xpv_ring_consume(&front, &e), 0);
	XT_EQ(xpv_ring_free_slots(&front), front.nr_ents);
}

static void ring_test_full(XT_CTX)
{
	struct xpv_ring front, back;
	union xt_sring_entry e;
	u32 i;

	pair(XT_ARG, &front, &back);
	for (i = 0; i < front.nr_ents; i++)
		XT_TRUE(send_req(&front, i));
	XT_FALSE(send_req(&front, i));
	xpv_ring_push(&front);
	/* The backend may answer only what it has consumed. */
	XT_NULL(xpv_ring_produce(&back));
	XT_EQ(xpv_ring_consume(&back, &e), 1);
	XT_NOT_NULL(xpv_ring_produce(&back));
	XT_NULL(xpv_ring_produce(&back));
}

static void ring_test_notify_only_when_asked(XT_CTX)
{
	struct xpv_ring front, back;

	pair(XT_ARG, &front, &back);
	XT_FALSE(xpv_ring_push(&front));	/* nothing to publish */
	front.sring->req_event = 10;		/* backend busy until #10 */
	XT_TRUE(send_req(&front, 1));
	XT_FALSE(xpv_ring_push(&front));
	while (front.prod_pvt < 10)
		XT_TRUE(send_req(&front, front.prod_pvt));
	XT_TRUE(xpv_ring_push(&front));		/* crossed req_event */
	(void)back;
}

static void ring_test_final_check(XT_CTX)
{
	struct xpv_ring front, back;
	union xt_sring_entry e;

	pair(XT_ARG, &front, &back);
	XT_FALSE(xpv_ring_final_check(&back));
	XT_EQ(back.sring->req_event, 1);
	XT_TRUE(send_req(&front, 7));
	xpv_ring_push(&front);
	XT_TRUE(xpv_ring_final_check(&back));
	XT_EQ(xpv_ring_consume(&back, &e), 1);
	XT_FALSE(xpv_ring_final_check(&back));
	XT_EQ(back.sring->req_event, 2);
}

static void ring_test_wraparound(XT_CTX)
{
	struct xpv_ring front, back;
	union xt_sring_entry e;
	u64 id, next = 0;

	pair_at(XT_ARG, &front, &back, 0xfffffff0u);
	for (id = 0; id < 64; id++) {
		XT_TRUE(send_req(&front, id));
		xpv_ring_push(&front);
		XT_EQ(answer_all(&back), 1);
		XT_EQ(xpv_ring_consume(&front, &e), 1);
		XT_EQ(e.rsp.id, next++);
	}
	XT_EQ(front.cons, 0x30);
	XT_FALSE(xpv_ring_is_broken(&front));
	XT_FALSE(xpv_ring_is_broken(&back));
}

static void ring_test_copy_is_private(XT_CTX)
{
	struct xpv_ring front, back;
	union xt_sring_entry e;
	struct xt_req *slot;

	pair(XT_ARG, &front, &back);
	slot = xpv_ring_produce(&front);
	XT_NOT_NULL(slot);
	slot->id = 42;
	xpv_ring_push(&front);
	XT_EQ(xpv_ring_consume(&back, &e), 1);
	slot->id = 666;		/* the peer rewrites the slot after we read it */
	XT_EQ(e.req.id, 42);
}

/* Responses to requests never published (XSA-376): latch, never resume. */
static void ring_test_front_rejects_unasked_responses(XT_CTX)
{
	static const u32 lies[] = { 3, 0x80000000u, 0xffffffffu };
	struct xpv_ring front, back;
	union xt_sring_entry e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lies); i++) {
		pair(XT_ARG, &front, &back);
		XT_TRUE(send_req(&front, 1));
		XT_TRUE(send_req(&front, 2));
		xpv_ring_push(&front);
		XT_TRUE(send_req(&front, 3));	/* produced, not published */
		front.sring->rsp_prod = lies[i];
		XT_EQ(xpv_ring_consume(&front, &e), -EIO);
		XT_TRUE(xpv_ring_is_broken(&front));
		front.sring->rsp_prod = 1;	/* even a sane index now */
		XT_EQ(xpv_ring_consume(&front, &e), -EIO);
		XT_NULL(xpv_ring_produce(&front));
		XT_FALSE(xpv_ring_final_check(&front));
	}
}

/* A frontend claiming more requests than slots, or moving backwards. */
static void ring_test_back_rejects_bad_req_prod(XT_CTX)
{
	struct xpv_ring front, back;
	union xt_sring_entry e;
	u32 lies[4];
	unsigned int i;

	pair(XT_ARG, &front, &back);
	lies[0] = back.nr_ents + 1;
	lies[1] = 0x80000000u;
	lies[2] = 0xffffffffu;
	lies[3] = 2;			/* behind the 4 we consumed */
	for (i = 0; i < 4; i++) {
		pair(XT_ARG, &front, &back);
		while (front.prod_pvt < 4)
			XT_TRUE(send_req(&front, front.prod_pvt));
		xpv_ring_push(&front);
		while (xpv_ring_consume(&back, &e) == 1)
			;
		back.sring->req_prod = lies[i];
		XT_EQ(xpv_ring_consume(&back, &e), -EIO);
		XT_TRUE(xpv_ring_is_broken(&back));
		XT_NULL(xpv_ring_produce(&back));
	}
}

/* A backend restarted mid-conversation answers what its predecessor left. */
static void ring_test_back_resumes_after_restart(XT_CTX)
{
	struct xpv_ring front, back;
	union xt_sring_entry e;
	u64 id;

	pair_at(XT_ARG, &front, &back, 0xfffffffdu);
	for (id = 0; id < 5; id++)
		XT_TRUE(send_req(&front, id));
	xpv_ring_push(&front);
	/* the old backend consumed 4, answered and pushed 2, then died */
	for (id = 0; id < 4; id++)
		XT_EQ(xpv_ring_consume(&back, &e), 1);
	for (id = 0; id < 2; id++)
		XT_NOT_NULL(xpv_ring_produce(&back));
	xpv_ring_push(&back);

	XT_EQ(xpv_ring_resume_back(&back, xt_shared, XT_PAGE, XT_ENT), 0);
	XT_EQ(back.cons, 0xffffffffu);
	for (id = 2; id < 5; id++) {
		XT_EQ(xpv_ring_consume(&back, &e), 1);
		XT_EQ(e.req.id, id);
	}
	XT_EQ(xpv_ring_consume(&back, &e), 0);

	/* a fresh ring resumes at 0, like attach */
	pair(XT_ARG, &front, &back);
	XT_EQ(xpv_ring_resume_back(&back, xt_shared, XT_PAGE, XT_ENT), 0);
	XT_EQ(back.cons, 0);
	XT_EQ(back.prod_pvt, 0);

	/* a rsp_prod far from req_prod latches broken, nothing is consumed */
	pair(XT_ARG, &front, &back);
	XT_TRUE(send_req(&front, 1));
	xpv_ring_push(&front);
	front.sring->rsp_prod = 0x40000000u;
	XT_EQ(xpv_ring_resume_back(&back, xt_shared, XT_PAGE, XT_ENT), 0);
	XT_EQ(xpv_ring_consume(&back, &e), -EIO);
	XT_TRUE(xpv_ring_is_broken(&back));
	XT_EQ(xpv_ring_resume_back(&back, xt_shared, 10, XT_ENT), -EINVAL);
}

/* Our frontend against a backend built from Xen's own ring macros. */
static void ring_test_interop_with_xen_macros(XT_CTX)
{
	struct xpv_ring front;
	struct xt_back_ring xb;
	union xt_sring_entry e;
	RING_IDX rc, rp;
	int more;
	u64 id;

	XT_EQ(xpv_ring_init_front(&front, xt_shared, 2 * XT_PAGE, XT_ENT), 0);
	BACK_RING_INIT(&xb, (struct xt_sring *)xt_shared, 2 * XT_PAGE);
	XT_EQ(RING_SIZE(&xb), front.nr_ents);
	for (id = 0; id < 3; id++)
		XT_TRUE(send_req(&front, id + 100));
	xpv_ring_push(&front);

	rp = ((struct xt_sring *)xt_shared)->req_prod;
	for (rc = xb.req_cons; rc != rp; rc++) {
		struct xt_req req = *RING_GET_REQUEST(&xb, rc);
		struct xt_rsp *rsp = RING_GET_RESPONSE(&xb, xb.rsp_prod_pvt++);

		rsp->id = req.id;
		rsp->status = 0;
	}
	xb.req_cons = rc;
	RING_PUSH_RESPONSES(&xb);

	for (id = 0; id < 3; id++) {
		XT_EQ(xpv_ring_consume(&front, &e), 1);
		XT_EQ(e.rsp.id, id + 100);
	}
	XT_FALSE(xpv_ring_final_check(&front));
	RING_FINAL_CHECK_FOR_REQUESTS(&xb, more);
	XT_EQ(more, 0);
}

XT_CASES(xpv_lib_ring) = {
	XT_CASE(ring_test_nr_ents),
	XT_CASE(ring_test_layout_matches_xen),
	XT_CASE(ring_test_init_front),
	XT_CASE(ring_test_round_trip),
	XT_CASE(ring_test_full),
	XT_CASE(ring_test_notify_only_when_asked),
	XT_CASE(ring_test_final_check),
	XT_CASE(ring_test_wraparound),
	XT_CASE(ring_test_copy_is_private),
	XT_CASE(ring_test_front_rejects_unasked_responses),
	XT_CASE(ring_test_back_rejects_bad_req_prod),
	XT_CASE(ring_test_back_resumes_after_restart),
	XT_CASE(ring_test_interop_with_xen_macros),
	XT_END
};

XT_SUITE(xpv_lib_ring, "KUnit tests for the xpv shared-ring module");
