// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of blkif_back, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST)
 * and as a cmocka program (tests/unit). A well-formed request of each kind
 * is built, then bent one field at a time by named tables of malformed
 * requests; each must come back with its own verdict, never OK.
 */
#include <xpv/blkif_back.h>
#include <xpv/xtest.h>

#ifdef __KERNEL__
#include <linux/module.h>
#include <linux/stddef.h>
#include <xen/interface/io/blkif.h>
#define XEN_RW_OFF(f)		offsetof(struct blkif_request, u.rw.f)
#define XEN_DISCARD_OFF(f)	offsetof(struct blkif_request, u.discard.f)
#define XEN_INDIRECT_OFF(f)	offsetof(struct blkif_request, u.indirect.f)
#else
#include <xen/io/blkif.h>
#define XEN_RW_OFF(f)		offsetof(struct blkif_request, f)
#define XEN_DISCARD_OFF(f)	offsetof(struct blkif_request_discard, f)
#define XEN_INDIRECT_OFF(f)	offsetof(struct blkif_request_indirect, f)
#endif

#define DISK_SECTORS	1000u	/* 512-byte sectors */

static const struct xpv_blkback_geom geom_all = {
	.nr_sectors = DISK_SECTORS, .sector_size = 512, .flush = true,
	.discard = true, .max_indirect_segs = 1024,
};

/* Tests run one at a time; big arrays stay off the (kernel) stack. */
static struct xpv_blkback_seg segs[XPV_BLKIF_MAX_INDIRECT_SEGS];
static struct xpv_blkif_seg wire_segs[XPV_BLKIF_MAX_INDIRECT_SEGS];

/* A valid request: @nseg whole pages from @sector. */
static union xpv_blkif_req rw_req(u8 op, u8 nseg, u64 sector)
{
	union xpv_blkif_req w;
	u8 i;

	memset(&w, 0, sizeof(w));
	w.rw.operation = op;
	w.rw.nr_segments = nseg;
	w.rw.id = 0x1122334455667788ull;
	w.rw.sector_number = sector;
	for (i = 0; i < nseg && i < XPV_BLKIF_MAX_SEGS; i++) {
		w.rw.seg[i].gref = 100 + i;
		w.rw.seg[i].first_sect = 0;
		w.rw.seg[i].last_sect = 7;
	}
	return w;
}

static enum xpv_blkback_verdict parse(const union xpv_blkif_req *w,
				      const struct xpv_blkback_geom *g,
				      struct xpv_blkback_req *req)
{
	return xpv_blkback_parse(w, g, req, segs);
}

static void blkif_back_test_layout_matches_xen(XT_CTX)
{
	XT_EQ(sizeof(union xpv_blkif_req), sizeof(struct blkif_request));
	XT_EQ(sizeof(struct xpv_blkif_rsp), sizeof(struct blkif_response));
	XT_EQ(sizeof(struct xpv_blkif_seg), sizeof(struct blkif_request_segment));
	XT_EQ(offsetof(struct xpv_blkif_rw, nr_segments), XEN_RW_OFF(nr_segments));
	XT_EQ(offsetof(struct xpv_blkif_rw, id), XEN_RW_OFF(id));
	XT_EQ(offsetof(struct xpv_blkif_rw, sector_number), XEN_RW_OFF(sector_number));
	XT_EQ(offsetof(struct xpv_blkif_rw, seg), XEN_RW_OFF(seg));
	XT_EQ(offsetof(struct xpv_blkif_discard, nr_sectors), XEN_DISCARD_OFF(nr_sectors));
	XT_EQ(offsetof(struct xpv_blkif_indirect, nr_segments), XEN_INDIRECT_OFF(nr_segments));
	XT_EQ(offsetof(struct xpv_blkif_indirect, handle), XEN_INDIRECT_OFF(handle));
	XT_EQ(offsetof(struct xpv_blkif_indirect, indirect_grefs),
	      XEN_INDIRECT_OFF(indirect_grefs));
	XT_EQ(offsetof(struct xpv_blkif_rsp, status), offsetof(struct blkif_response, status));
	XT_EQ(offsetof(struct xpv_blkif_rsp, operation),
	      offsetof(struct blkif_response, operation));
}

static void blkif_back_test_read(XT_CTX)
{
	union xpv_blkif_req w = rw_req(XPV_BLKIF_OP_READ, 2, 16);
	struct xpv_blkback_req req;

	w.rw.seg[1].first_sect = 2;
	w.rw.seg[1].last_sect = 4;
	XT_EQ(parse(&w, &geom_all, &req), XPV_BLKBACK_OK);
	XT_EQ(req.id, 0x1122334455667788ull);
	XT_EQ(req.op, XPV_BLKIF_OP_READ);
	XT_EQ(req.sector, 16);
	XT_EQ(req.nr_segs, 2);
	XT_EQ(req.nr_sectors, 8 + 3);
	XT_EQ(segs[0].gref, 100);
	XT_EQ(segs[0].offset, 0);
	XT_EQ(segs[0].len, 4096);
	XT_EQ(segs[1].gref, 101);
	XT_EQ(segs[1].offset, 1024);
	XT_EQ(segs[1].len, 1536);
}

static void blkif_back_test_write_to_last_sector(XT_CTX)
{
	union xpv_blkif_req w = rw_req(XPV_BLKIF_OP_WRITE, 11, DISK_SECTORS - 88);
	struct xpv_blkback_req req;

	XT_EQ(parse(&w, &geom_all, &req), XPV_BLKBACK_OK);
	XT_EQ(req.nr_sectors, 88);
	XT_EQ(req.nr_segs, 11);
	w.rw.sector_number++;
	XT_EQ(parse(&w, &geom_all, &req), XPV_BLKBACK_BAD_RANGE);
}

static void blkif_back_test_flush(XT_CTX)
{
	union xpv_blkif_req w = rw_req(XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 12345);
	struct xpv_blkback_geom g = geom_all;
	struct xpv_blkback_req req;

	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_OK);
	XT_EQ(req.op, XPV_BLKIF_OP_FLUSH_DISKCACHE);
	XT_EQ(req.nr_segs, 0);
	/* a flush that carries data is checked like a write */
	w = rw_req(XPV_BLKIF_OP_FLUSH_DISKCACHE, 1, DISK_SECTORS);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_RANGE);
	g.flush = false;
	w = rw_req(XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_OP);
	XT_EQ(xpv_blkback_status(XPV_BLKBACK_BAD_OP), XPV_BLKIF_RSP_EOPNOTSUPP);
}

static union xpv_blkif_req discard_req(u64 sector, u64 n)
{
	union xpv_blkif_req w;

	memset(&w, 0, sizeof(w));
	w.discard.operation = XPV_BLKIF_OP_DISCARD;
	w.discard.id = 7;
	w.discard.sector_number = sector;
	w.discard.nr_sectors = n;
	return w;
}

static void blkif_back_test_discard(XT_CTX)
{
	union xpv_blkif_req w = discard_req(8, DISK_SECTORS - 8);
	struct xpv_blkback_geom g = geom_all;
	struct xpv_blkback_req req;

	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_OK);
	XT_EQ(req.op, XPV_BLKIF_OP_DISCARD);
	XT_EQ(req.sector, 8);
	XT_EQ(req.nr_sectors, DISK_SECTORS - 8);
	XT_EQ(req.nr_segs, 0);
	w = discard_req(9, DISK_SECTORS - 8);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_RANGE);
	w = discard_req(~0ull - 2, 4);		/* sector + n wraps */
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_RANGE);
	w = discard_req(0, ~0ull);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_RANGE);
	g.discard = false;
	w = discard_req(0, 8);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_OP);
}

/* One field bent away from a valid 2-segment write at sector 8. */
struct bad_rw {
	const char *name;
	u8 op;
	u8 nseg;
	u64 sector;
	u8 first, last;		/* of segment 1 */
	u32 gref;		/* of segment 1 */
	enum xpv_blkback_verdict want;
};

static const struct bad_rw bad_rw_table[] = {
	{ "reserved op 4", 4, 2, 8, 0, 7, 101, XPV_BLKBACK_BAD_OP },
	{ "barrier, not advertised", 2, 2, 8, 0, 7, 101, XPV_BLKBACK_BAD_OP },
	{ "op 7", 7, 2, 8, 0, 7, 101, XPV_BLKBACK_BAD_OP },
	{ "op 255", 255, 2, 8, 0, 7, 101, XPV_BLKBACK_BAD_OP },
	{ "read, 0 segments", 0, 0, 8, 0, 7, 101, XPV_BLKBACK_BAD_NSEG },
	{ "write, 0 segments", 1, 0, 8, 0, 7, 101, XPV_BLKBACK_BAD_NSEG },
	{ "write, 12 segments", 1, 12, 8, 0, 7, 101, XPV_BLKBACK_BAD_NSEG },
	{ "read, 255 segments", 0, 255, 8, 0, 7, 101, XPV_BLKBACK_BAD_NSEG },
	{ "first > last", 1, 2, 8, 5, 4, 101, XPV_BLKBACK_BAD_SECT },
	{ "last = 8, past the page", 1, 2, 8, 0, 8, 101, XPV_BLKBACK_BAD_SECT },
	{ "first = last = 255", 0, 2, 8, 255, 255, 101, XPV_BLKBACK_BAD_SECT },
	{ "gref 0", 0, 2, 8, 0, 7, 0, XPV_BLKBACK_BAD_GREF },
	{ "gref 1, the xenstore page", 1, 2, 8, 0, 7, 1, XPV_BLKBACK_BAD_GREF },
	{ "gref 7", 1, 2, 8, 0, 7, 7, XPV_BLKBACK_BAD_GREF },
	{ "one sector past the end", 1, 2, DISK_SECTORS - 15, 0, 7, 101,
	  XPV_BLKBACK_BAD_RANGE },
	{ "sector = disk size", 0, 2, DISK_SECTORS, 0, 7, 101, XPV_BLKBACK_BAD_RANGE },
	{ "sector near 2^64", 0, 2, ~0ull - 8, 0, 7, 101, XPV_BLKBACK_BAD_RANGE },
	{ "sector 2^63", 1, 2, 1ull << 63, 0, 7, 101, XPV_BLKBACK_BAD_RANGE },
};

static void blkif_back_test_malformed_rw(XT_CTX)
{
	struct xpv_blkback_req req;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_rw_table); i++) {
		const struct bad_rw *t = &bad_rw_table[i];
		union xpv_blkif_req w = rw_req(t->op, t->nseg, t->sector);

		w.rw.seg[1].first_sect = t->first;
		w.rw.seg[1].last_sect = t->last;
		w.rw.seg[1].gref = t->gref;
		XT_EQ_ROW(parse(&w, &geom_all, &req), t->want, t->name);
		XT_EQ(req.id, w.rw.id);
		XT_EQ(req.rsp_op, t->op);
		XT_EQ(xpv_blkback_status(t->want) < 0, 1);
	}
}

static void blkif_back_test_read_only(XT_CTX)
{
	struct xpv_blkback_geom g = geom_all;
	struct xpv_blkback_req req;
	union xpv_blkif_req w;

	g.read_only = true;
	w = rw_req(XPV_BLKIF_OP_READ, 1, 0);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_OK);
	w = rw_req(XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_OK);
	w = rw_req(XPV_BLKIF_OP_WRITE, 1, 0);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_READ_ONLY);
	w = rw_req(XPV_BLKIF_OP_FLUSH_DISKCACHE, 1, 0);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_READ_ONLY);
	w = discard_req(0, 8);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_READ_ONLY);
	XT_EQ(xpv_blkback_status(XPV_BLKBACK_READ_ONLY), XPV_BLKIF_RSP_ERROR);
}

static void blkif_back_test_4k_sectors(XT_CTX)
{
	struct xpv_blkback_geom g = geom_all;
	struct xpv_blkback_req req;
	union xpv_blkif_req w;

	g.sector_size = 4096;
	w = rw_req(XPV_BLKIF_OP_WRITE, 2, 16);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_OK);
	w.rw.sector_number = 17;
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_ALIGN);
	w.rw.sector_number = 16;
	w.rw.seg[1].last_sect = 3;		/* half a logical sector */
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_ALIGN);
	w = discard_req(8, 4);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_BAD_ALIGN);
	w = discard_req(8, 16);
	XT_EQ(parse(&w, &g, &req), XPV_BLKBACK_OK);
}

static union xpv_blkif_req indirect_req(u8 op, u16 nseg, u64 sector)
{
	union xpv_blkif_req w;
	u32 i;

	memset(&w, 0, sizeof(w));
	w.indirect.operation = XPV_BLKIF_OP_INDIRECT;
	w.indirect.indirect_op = op;
	w.indirect.nr_segments = nseg;
	w.indirect.id = 99;
	w.indirect.sector_number = sector;
	for (i = 0; i < XPV_BLKIF_MAX_INDIRECT_PAGES; i++)
		w.indirect.indirect_grefs[i] = 500 + i;
	for (i = 0; i < nseg && i < XPV_BLKIF_MAX_INDIRECT_SEGS; i++) {
		wire_segs[i].gref = 1000 + i;
		wire_segs[i].first_sect = 0;
		wire_segs[i].last_sect = 0;
	}
	return w;
}

static void blkif_back_test_indirect(XT_CTX)
{
	union xpv_blkif_req w = indirect_req(XPV_BLKIF_OP_WRITE, 513, 0);
	struct xpv_blkback_req req;

	XT_EQ(parse(&w, &geom_all, &req), XPV_BLKBACK_NEED_INDIRECT);
	XT_EQ(req.nr_indirect, 2);
	XT_EQ(req.indirect_grefs[1], 501);
	XT_EQ(req.rsp_op, XPV_BLKIF_OP_WRITE);	/* what Linux's blkfront checks */
	XT_EQ(xpv_blkback_parse_indirect(&req, &geom_all, wire_segs, segs),
	      XPV_BLKBACK_OK);
	XT_EQ(req.nr_sectors, 513);
	XT_EQ(segs[512].gref, 1512);
	XT_EQ(segs[512].len, 512);

	XT_EQ(parse(&w, &geom_all, &req), XPV_BLKBACK_NEED_INDIRECT);
	wire_segs[300].last_sect = 9;
	XT_EQ(xpv_blkback_parse_indirect(&req, &geom_all, wire_segs, segs),
	      XPV_BLKBACK_BAD_SECT);

	w = indirect_req(XPV_BLKIF_OP_READ, 513, DISK_SECTORS - 512);
	XT_EQ(parse(&w, &geom_all, &req), XPV_BLKBACK_NEED_INDIRECT);
	XT_EQ(xpv_blkback_parse_indirect(&req, &geom_all, wire_segs, segs),
	      XPV_BLKBACK_BAD_RANGE);

	/* segments without a checked header are refused */
	w = rw_req(XPV_BLKIF_OP_READ, 1, 0);
	XT_EQ(parse(&w, &geom_all, &req), XPV_BLKBACK_OK);
	XT_EQ(xpv_blkback_parse_indirect(&req, &geom_all, wire_segs, segs),
	      XPV_BLKBACK_BAD_NSEG);
}

struct bad_indirect {
	const char *name;
	u8 op;
	u16 nseg;
	u32 gref0;
	u16 max_segs;		/* what the backend advertised */
	enum xpv_blkback_verdict want;
};

static const struct bad_indirect bad_indirect_table[] = {
	{ "not advertised", 0, 8, 500, 0, XPV_BLKBACK_BAD_OP },
	{ "inner op flush", 3, 8, 500, 64, XPV_BLKBACK_BAD_OP },
	{ "inner op indirect", 6, 8, 500, 64, XPV_BLKBACK_BAD_OP },
	{ "0 segments", 0, 0, 500, 64, XPV_BLKBACK_BAD_NSEG },
	{ "one more than advertised", 1, 65, 500, 64, XPV_BLKBACK_BAD_NSEG },
	{ "65535 segments", 0, 65535, 500, 65535, XPV_BLKBACK_BAD_NSEG },
	{ "indirect page gref 1", 0, 8, 1, 64, XPV_BLKBACK_BAD_GREF },
};

static void blkif_back_test_malformed_indirect(XT_CTX)
{
	struct xpv_blkback_geom g = geom_all;
	struct xpv_blkback_req req;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_indirect_table); i++) {
		const struct bad_indirect *t = &bad_indirect_table[i];
		union xpv_blkif_req w = indirect_req(t->op, t->nseg, 0);

		w.indirect.indirect_grefs[0] = t->gref0;
		g.max_indirect_segs = t->max_segs;
		XT_EQ_ROW(parse(&w, &g, &req), t->want, t->name);
		XT_EQ(req.id, 99);
	}
}

static void blkif_back_test_response(XT_CTX)
{
	union xpv_blkif_req w = indirect_req(XPV_BLKIF_OP_READ, 1, 0);
	struct xpv_blkback_req req;
	struct xpv_blkif_rsp rsp;

	parse(&w, &geom_all, &req);
	memset(&rsp, 0xff, sizeof(rsp));
	xpv_blkback_response(&rsp, &req, XPV_BLKIF_RSP_ERROR);
	XT_EQ(rsp.id, 99);
	XT_EQ(rsp.operation, XPV_BLKIF_OP_READ);
	XT_EQ(rsp.status, XPV_BLKIF_RSP_ERROR);
	XT_EQ(rsp.pad, 0);		/* no stale host bytes reach the guest */
	XT_EQ(rsp.pad2, 0);
}

static void blkif_back_test_verdict_names(XT_CTX)
{
	int i, j;

	for (i = 0; i < XPV_BLKBACK_NR_VERDICTS; i++) {
		XT_NOT_NULL(xpv_blkback_verdict_name(i));
		for (j = 0; j < i; j++)
			XT_TRUE(strcmp(xpv_blkback_verdict_name(i),
				       xpv_blkback_verdict_name(j)));
	}
	XT_EQ(strcmp(xpv_blkback_verdict_name(XPV_BLKBACK_NR_VERDICTS), "?"), 0);
	XT_EQ(xpv_blkback_status(XPV_BLKBACK_OK), XPV_BLKIF_RSP_OKAY);
}

XT_CASES(xpv_lib_blkif_back) = {
	XT_CASE(blkif_back_test_layout_matches_xen),
	XT_CASE(blkif_back_test_read),
	XT_CASE(blkif_back_test_write_to_last_sector),
	XT_CASE(blkif_back_test_flush),
	XT_CASE(blkif_back_test_discard),
	XT_CASE(blkif_back_test_malformed_rw),
	XT_CASE(blkif_back_test_read_only),
	XT_CASE(blkif_back_test_4k_sectors),
	XT_CASE(blkif_back_test_indirect),
	XT_CASE(blkif_back_test_malformed_indirect),
	XT_CASE(blkif_back_test_response),
	XT_CASE(blkif_back_test_verdict_names),
	XT_END
};

XT_SUITE(xpv_lib_blkif_back,
	 "KUnit tests for the xpv blkif backend request checks");
