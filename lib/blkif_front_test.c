// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of blkif_front, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST)
 * and as a cmocka program (tests/unit): the responses a backend may send
 * for requests in flight, honest ones first, then a table of malicious
 * ones, each bent from an honest response in one field and each caught
 * for its own reason, with the shadow left as it was.
 */
#include <xpv/blkif_front.h>
#include <xpv/xtest.h>

#define NR	32u	/* slots: a one-page ring's */

static struct xpv_blkfront_shadow sh[NR];

/* Requests in flight: id 3 a read, id 7 a write, id 31 a flush. */
static void start_three(void)
{
	memset(sh, 0, sizeof(sh));
	xpv_blkfront_start(sh, NR, 3, XPV_BLKIF_OP_READ);
	xpv_blkfront_start(sh, NR, 7, XPV_BLKIF_OP_WRITE);
	xpv_blkfront_start(sh, NR, 31, XPV_BLKIF_OP_FLUSH_DISKCACHE);
}

static struct xpv_blkif_rsp rsp(u64 id, u8 op, s16 status)
{
	struct xpv_blkif_rsp r;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.operation = op;
	r.status = status;
	return r;
}

static void blkif_front_test_start(XT_CTX)
{
	memset(sh, 0, sizeof(sh));
	XT_EQ(xpv_blkfront_start(sh, NR, 0, XPV_BLKIF_OP_READ), 0);
	XT_EQ(xpv_blkfront_start(sh, NR, 0, XPV_BLKIF_OP_READ), -EBUSY);	/* in flight */
	XT_EQ(xpv_blkfront_start(sh, NR, NR - 1, XPV_BLKIF_OP_WRITE), 0);
	XT_EQ(xpv_blkfront_start(sh, NR, NR, XPV_BLKIF_OP_WRITE), -EBUSY);	/* no such slot */
}

/* Honest responses end their request, once, with their outcome. */
static void blkif_front_test_outcomes(XT_CTX)
{
	struct xpv_blkif_rsp r;

	start_three();
	r = rsp(3, XPV_BLKIF_OP_READ, XPV_BLKIF_RSP_OKAY);
	XT_EQ(xpv_blkfront_check(sh, NR, &r), XPV_BLKFRONT_RSP_OKAY);
	XT_FALSE(sh[3].in_flight);
	r = rsp(7, XPV_BLKIF_OP_WRITE, XPV_BLKIF_RSP_ERROR);
	XT_EQ(xpv_blkfront_check(sh, NR, &r), XPV_BLKFRONT_RSP_ERROR);
	r = rsp(31, XPV_BLKIF_OP_FLUSH_DISKCACHE, XPV_BLKIF_RSP_EOPNOTSUPP);
	XT_EQ(xpv_blkfront_check(sh, NR, &r), XPV_BLKFRONT_RSP_NOTSUPP);
	/* the id is free again: a new request may take it */
	XT_EQ(xpv_blkfront_start(sh, NR, 3, XPV_BLKIF_OP_WRITE), 0);
	r = rsp(3, XPV_BLKIF_OP_WRITE, -77);	/* a status with no name: broken */
	XT_EQ(xpv_blkfront_check(sh, NR, &r), XPV_BLKFRONT_RSP_BAD_STATUS);
	XT_TRUE(xpv_blkfront_violation(XPV_BLKFRONT_RSP_BAD_STATUS));
	XT_FALSE(xpv_blkfront_violation(XPV_BLKFRONT_RSP_ERROR));
}

/* Every status blkif.h has no name for is a violation, at both ends of s16. */
static void blkif_front_test_bad_status(XT_CTX)
{
	static const s16 statuses[] = { 1, 7, -3, 0x7fff, -0x8000 };
	struct xpv_blkif_rsp r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(statuses); i++) {
		start_three();
		r = rsp(7, XPV_BLKIF_OP_WRITE, statuses[i]);
		XT_EQ(xpv_blkfront_check(sh, NR, &r), XPV_BLKFRONT_RSP_BAD_STATUS);
		XT_FALSE(sh[7].in_flight);	/* ended: it fails with the ring */
	}
}

/* What a hostile backend sends; each row differs from an honest one once. */
static void blkif_front_test_malicious(XT_CTX)
{
	static const struct {
		const char *name;
		u64 id;
		u8 op;
		s16 status;
		enum xpv_blkfront_verdict want;
	} rows[] = {
		{ "id one past the ring", NR, XPV_BLKIF_OP_READ, 0, XPV_BLKFRONT_RSP_BAD_ID },
		{ "id with high bits", (1ull << 32) | 3, XPV_BLKIF_OP_READ, 0,
		  XPV_BLKFRONT_RSP_BAD_ID },
		{ "id all ones", ~0ull, XPV_BLKIF_OP_READ, 0, XPV_BLKFRONT_RSP_BAD_ID },
		{ "id a pointer", 0xffff888004000000ull, XPV_BLKIF_OP_READ, 0,
		  XPV_BLKFRONT_RSP_BAD_ID },
		{ "id never sent", 4, XPV_BLKIF_OP_READ, 0, XPV_BLKFRONT_RSP_NOT_IN_FLIGHT },
		{ "id 0, never sent", 0, XPV_BLKIF_OP_READ, 0,
		  XPV_BLKFRONT_RSP_NOT_IN_FLIGHT },
		{ "read answered as write", 3, XPV_BLKIF_OP_WRITE, 0, XPV_BLKFRONT_RSP_WRONG_OP },
		{ "write answered as read", 7, XPV_BLKIF_OP_READ, 0, XPV_BLKFRONT_RSP_WRONG_OP },
		{ "flush answered as discard", 31, XPV_BLKIF_OP_DISCARD, 0,
		  XPV_BLKFRONT_RSP_WRONG_OP },
		{ "unknown operation", 3, 0xff, 0, XPV_BLKFRONT_RSP_WRONG_OP },
		{ "wrong op with an error", 7, XPV_BLKIF_OP_INDIRECT, -1,
		  XPV_BLKFRONT_RSP_WRONG_OP },
	};
	struct xpv_blkif_rsp r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		start_three();
		r = rsp(rows[i].id, rows[i].op, rows[i].status);
		XT_EQ_ROW(xpv_blkfront_check(sh, NR, &r), rows[i].want, rows[i].name);
		XT_EQ_ROW(xpv_blkfront_violation(rows[i].want), 1, rows[i].name);
		/* nothing was ended by it */
		XT_EQ_ROW(sh[3].in_flight && sh[7].in_flight && sh[31].in_flight, 1,
			  rows[i].name);
	}
}

/* What the shadow records: an indirect request's inner operation. */
static void blkif_front_test_rsp_op(XT_CTX)
{
	union xpv_blkif_req req;

	memset(&req, 0, sizeof(req));
	req.rw.operation = XPV_BLKIF_OP_WRITE;
	XT_EQ(xpv_blkfront_rsp_op(&req), XPV_BLKIF_OP_WRITE);
	req.discard.operation = XPV_BLKIF_OP_DISCARD;
	XT_EQ(xpv_blkfront_rsp_op(&req), XPV_BLKIF_OP_DISCARD);
	req.indirect.operation = XPV_BLKIF_OP_INDIRECT;
	req.indirect.indirect_op = XPV_BLKIF_OP_READ;
	XT_EQ(xpv_blkfront_rsp_op(&req), XPV_BLKIF_OP_READ);
}

/*
 * Indirect requests (id 5 an indirect read of 256 pages, id 9 a discard)
 * and a second queue's ring (its own shadow): the answers a hostile
 * backend may give them.
 */
static void blkif_front_test_indirect_and_queues(XT_CTX)
{
	static struct xpv_blkfront_shadow q1[NR];
	static const struct {
		const char *name;
		u64 id;
		u8 op;
		enum xpv_blkfront_verdict want;
	} rows[] = {
		{ "indirect read answered as indirect", 5, XPV_BLKIF_OP_INDIRECT,
		  XPV_BLKFRONT_RSP_WRONG_OP },
		{ "indirect read answered as write", 5, XPV_BLKIF_OP_WRITE,
		  XPV_BLKFRONT_RSP_WRONG_OP },
		{ "discard answered as write", 9, XPV_BLKIF_OP_WRITE, XPV_BLKFRONT_RSP_WRONG_OP },
		{ "discard answered as flush", 9, XPV_BLKIF_OP_FLUSH_DISKCACHE,
		  XPV_BLKFRONT_RSP_WRONG_OP },
		{ "queue 1's id answered on queue 0", 12, XPV_BLKIF_OP_WRITE,
		  XPV_BLKFRONT_RSP_NOT_IN_FLIGHT },
		{ "id of an indirect segment count", 256, XPV_BLKIF_OP_READ,
		  XPV_BLKFRONT_RSP_BAD_ID },
		{ "indirect read, honest", 5, XPV_BLKIF_OP_READ, XPV_BLKFRONT_RSP_OKAY },
		{ "discard, honest", 9, XPV_BLKIF_OP_DISCARD, XPV_BLKFRONT_RSP_OKAY },
	};
	enum xpv_blkfront_verdict v;
	union xpv_blkif_req req;
	struct xpv_blkif_rsp r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		memset(sh, 0, sizeof(sh));
		memset(q1, 0, sizeof(q1));
		memset(&req, 0, sizeof(req));
		req.indirect.operation = XPV_BLKIF_OP_INDIRECT;
		req.indirect.indirect_op = XPV_BLKIF_OP_READ;
		req.indirect.nr_segments = 256;
		xpv_blkfront_start(sh, NR, 5, xpv_blkfront_rsp_op(&req));
		xpv_blkfront_start(sh, NR, 9, XPV_BLKIF_OP_DISCARD);
		xpv_blkfront_start(q1, NR, 12, XPV_BLKIF_OP_WRITE);
		r = rsp(rows[i].id, rows[i].op, XPV_BLKIF_RSP_OKAY);
		v = xpv_blkfront_check(sh, NR, &r);	/* the macro reads it twice */
		XT_EQ_ROW(v, rows[i].want, rows[i].name);
		/* queue 1's request is untouched by anything said on queue 0 */
		XT_EQ_ROW(q1[12].in_flight, 1, rows[i].name);
	}
}

/* The same response twice: the second is a duplicate, a violation. */
static void blkif_front_test_duplicate(XT_CTX)
{
	struct xpv_blkif_rsp r = rsp(7, XPV_BLKIF_OP_WRITE, XPV_BLKIF_RSP_OKAY);

	start_three();
	XT_EQ(xpv_blkfront_check(sh, NR, &r), XPV_BLKFRONT_RSP_OKAY);
	XT_EQ(xpv_blkfront_check(sh, NR, &r), XPV_BLKFRONT_RSP_NOT_IN_FLIGHT);
}

static void blkif_front_test_names(XT_CTX)
{
	unsigned int v;

	for (v = 0; v < XPV_BLKFRONT_NR_VERDICTS; v++)
		XT_NOT_NULL(xpv_blkfront_verdict_name(v));
	XT_MEM_EQ(xpv_blkfront_verdict_name(XPV_BLKFRONT_NR_VERDICTS), "?", 2);
}

XT_CASES(xpv_lib_blkif_front) = {
	XT_CASE(blkif_front_test_start),
	XT_CASE(blkif_front_test_outcomes),
	XT_CASE(blkif_front_test_bad_status),
	XT_CASE(blkif_front_test_malicious),
	XT_CASE(blkif_front_test_rsp_op),
	XT_CASE(blkif_front_test_indirect_and_queues),
	XT_CASE(blkif_front_test_duplicate),
	XT_CASE(blkif_front_test_names),
	XT_END
};

XT_SUITE(xpv_lib_blkif_front,
	 "KUnit tests for the xpv blkif frontend response checks");
