// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-blkback's request path against fake_xen: a connected guest sends
 * requests through a real ring and checks every answer, the bytes in its
 * pages and the bytes in the image file. Then the guest misbehaves - a
 * named table of malformed requests, grants it never gave, a ring index
 * that lies - and the daemon must answer or stop that ring, count it, and
 * go on serving everyone else. Raw images are served through io_uring
 * here (blk_aio_init, as a worker does); blkback_aio_test.c holds the
 * tests of what is asynchronous about it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "blkback.h"
#include "fake_guest.h"

#define IMAGE_BYTES	(1u << 20)
#define SECTORS		(IMAGE_BYTES / 512)

static struct fake_xen *fx;
static struct xpv_backend be;
static const char *image;
static struct fake_guest g;

static const struct xpv_limits limits = {
	.max_devices_per_domain = 4, .max_ring_order = 1, .reqs_per_turn = 8,
};

static int setup_with(const char *mode, unsigned int sector_size,
		      unsigned int max_inflight)
{
	fx = fake_xen_new();
	image = guest_image(IMAGE_BYTES);
	blk_config = (struct blk_config){ .max_queues = 1, .max_indirect_segs = 64,
					  .file_sector_size = sector_size,
					  .discard = true, .max_inflight = max_inflight };
	assert_int_equal(xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits), 0);
	assert_int_equal(blk_vbd_ops.worker_init(&be), 0);
	assert_int_equal(blk_aio_ready(), max_inflight > 0);
	assert_int_equal(guest_connect_vbd(&g, fx, &be, 1, image, mode), 4);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return setup_with("w", 512, 32);
}

/* max_inflight 0 (-a 0): every request served synchronously */
static int setup_sync(void **state)
{
	(void)state;
	return setup_with("w", 512, 0);
}

static int setup_ro(void **state)
{
	(void)state;
	return setup_with("r", 512, 32);
}

static int setup_4k(void **state)
{
	(void)state;
	return setup_with("w", 4096, 32);
}

static int teardown(void **state)
{
	(void)state;
	assert_true(stop_backend(&be, fx));
	return 0;
}

static struct blk_queue *queue0(void)
{
	struct blk_vbd *v = xpv_backend_find(&be, 1, 51712)->priv;

	return &v->queues[0];
}

static union xpv_blkif_req rw(uint8_t op, uint64_t sector, uint8_t nseg)
{
	union xpv_blkif_req r = { 0 };

	r.rw.operation = op;
	r.rw.nr_segments = nseg;
	r.rw.id = 0x5000 + sector;
	r.rw.sector_number = sector;
	return r;
}

static void seg(union xpv_blkif_req *r, int i, uint32_t gref, uint8_t first,
		uint8_t last)
{
	r->rw.seg[i] = (struct xpv_blkif_seg){ gref, first, last, 0 };
}

static void test_write_then_read_back(void **state)
{
	union xpv_blkif_req w = rw(XPV_BLKIF_OP_WRITE, 16, 3), r;
	uint8_t *p[3], *q[3], disk[4096 + 1024 + 512];

	(void)state;
	seg(&w, 0, guest_data_page(&g, (void **)&p[0]), 0, 7);
	seg(&w, 1, guest_data_page(&g, (void **)&p[1]), 2, 3);
	seg(&w, 2, guest_data_page(&g, (void **)&p[2]), 7, 7);
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 4096; k++)
			p[i][k] = (uint8_t)(i * 7 + k / 512 + 1);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	guest_image_read(image, 16 * 512, disk, sizeof(disk));
	assert_memory_equal(disk, p[0], 4096);
	assert_memory_equal(disk + 4096, p[1] + 1024, 1024);
	assert_memory_equal(disk + 5120, p[2] + 3584, 512);

	r = rw(XPV_BLKIF_OP_READ, 16, 3);
	seg(&r, 0, guest_data_page(&g, (void **)&q[0]), 0, 7);
	seg(&r, 1, guest_data_page(&g, (void **)&q[1]), 4, 5);
	seg(&r, 2, guest_data_page(&g, (void **)&q[2]), 0, 0);
	memset(q[1], 0xee, 4096);
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	assert_memory_equal(q[0], p[0], 4096);
	assert_memory_equal(q[1] + 2048, p[1] + 1024, 1024);
	assert_int_equal(q[1][0], 0xee);		/* outside the segment: untouched */
	assert_memory_equal(q[2], p[2] + 3584, 512);
	assert_int_equal(queue0()->stats.requests, 2);
	assert_int_equal(queue0()->stats.writes, 1);
	assert_int_equal(queue0()->stats.reads, 1);
}

static void test_flush(void **state)
{
	union xpv_blkif_req f = rw(XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	uint8_t *p, disk[512];

	(void)state;
	fake_fdatasync_calls = 0;
	assert_int_equal(guest_roundtrip(&g, &be, &f), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(fake_fdatasync_calls, 1);
	f = rw(XPV_BLKIF_OP_FLUSH_DISKCACHE, 40, 1);	/* with data: written */
	seg(&f, 0, guest_data_page(&g, (void **)&p), 0, 0);
	memset(p, 0x5a, 512);
	assert_int_equal(guest_roundtrip(&g, &be, &f), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(fake_fdatasync_calls, 2);
	guest_image_read(image, 40 * 512, disk, 512);
	assert_memory_equal(disk, p, 512);
	fake_fdatasync_errno = EIO;			/* the disk cannot flush */
	f = rw(XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	assert_int_equal(guest_roundtrip(&g, &be, &f), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(queue0()->stats.disk_errors, 1);
	assert_int_equal(queue0()->stats.flushes, 2);	/* the failed one is not */
	assert_int_equal(queue0()->stats.writes, 0);	/* data of a flush is in it */
}

static void test_discard_punches_a_hole(void **state)
{
	union xpv_blkif_req w = rw(XPV_BLKIF_OP_WRITE, 64, 2), d = { 0 };
	uint8_t *p, *q, disk[8192], zero[8192] = { 0 };

	(void)state;
	seg(&w, 0, guest_data_page(&g, (void **)&p), 0, 7);
	seg(&w, 1, guest_data_page(&g, (void **)&q), 0, 7);
	memset(p, 1, 4096);
	memset(q, 2, 4096);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	d.discard.operation = XPV_BLKIF_OP_DISCARD;
	d.discard.id = 77;
	d.discard.sector_number = 64;
	d.discard.nr_sectors = 8;
	assert_int_equal(guest_roundtrip(&g, &be, &d), XPV_BLKIF_RSP_OKAY);
	guest_image_read(image, 64 * 512, disk, sizeof(disk));
	assert_memory_equal(disk, zero, 4096);
	assert_memory_equal(disk + 4096, q, 4096);	/* only what was asked */
	d.discard.sector_number = SECTORS - 4;		/* past the end: refused */
	assert_int_equal(guest_roundtrip(&g, &be, &d), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(queue0()->stats.bad[XPV_BLKBACK_BAD_RANGE], 1);
	assert_int_equal(queue0()->stats.discards, 1);	/* the refused one is not */
}

/* SIGUSR1's dump: what dom0 scripts read to see flushes and discards arrive. */
static void test_dump_counts_operations(void **state)
{
	union xpv_blkif_req f = rw(XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, 0), d = { 0 };
	char out[1024] = "";
	FILE *log = tmpfile();
	int saved = dup(2);

	(void)state;
	assert_int_equal(guest_roundtrip(&g, &be, &f), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(guest_roundtrip(&g, &be, &f), XPV_BLKIF_RSP_OKAY);
	d.discard.operation = XPV_BLKIF_OP_DISCARD;
	d.discard.sector_number = 8;
	d.discard.nr_sectors = 8;
	assert_int_equal(guest_roundtrip(&g, &be, &d), XPV_BLKIF_RSP_OKAY);
	assert_non_null(log);
	fflush(stderr);
	dup2(fileno(log), 2);
	xpv_backend_dump(&be);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(log);
	assert_true(fread(out, 1, sizeof(out) - 1, log) > 0);
	fclose(log);
	assert_non_null(strstr(out, "backend/vbd/1/51712: 1 queue(s), 3 requests, 0 refused"));
	assert_non_null(strstr(out, "done: 0 reads, 0 writes, 2 flushes, 1 discards; 0 indirect requests; 0 persistent grants kept, 0 would not map; 0 served direct\n"));
}

static void test_read_only(void **state)
{
	union xpv_blkif_req r = rw(XPV_BLKIF_OP_READ, 0, 1), w, d = { 0 };
	uint8_t *p;

	(void)state;
	assert_string_equal(guest_be(&g, "info"), "4");		/* VDISK_READONLY */
	assert_string_equal(guest_be(&g, "feature-discard"), "0");
	seg(&r, 0, guest_data_page(&g, (void **)&p), 0, 7);
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	w = r;
	w.rw.operation = XPV_BLKIF_OP_WRITE;
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_ERROR);
	d.discard.operation = XPV_BLKIF_OP_DISCARD;	/* not advertised here */
	assert_int_equal(guest_roundtrip(&g, &be, &d), XPV_BLKIF_RSP_EOPNOTSUPP);
	assert_int_equal(queue0()->stats.bad[XPV_BLKBACK_READ_ONLY], 1);
	assert_int_equal(queue0()->stats.bad[XPV_BLKBACK_BAD_OP], 1);
}

struct bad_request {
	const char *name;
	uint8_t op, nseg;
	uint64_t sector;
	uint32_t gref;		/* 0: a valid granted page */
	uint8_t first, last;
	int16_t status;
};

static const struct bad_request bad_requests[] = {
	{ "unknown op 200", 200, 1, 0, 0, 0, 7, XPV_BLKIF_RSP_EOPNOTSUPP },
	{ "barrier", XPV_BLKIF_OP_WRITE_BARRIER, 1, 0, 0, 0, 7, XPV_BLKIF_RSP_EOPNOTSUPP },
	{ "read, 0 segments", XPV_BLKIF_OP_READ, 0, 0, 0, 0, 7, XPV_BLKIF_RSP_ERROR },
	{ "write, 12 segments", XPV_BLKIF_OP_WRITE, 12, 0, 0, 0, 7, XPV_BLKIF_RSP_ERROR },
	{ "first > last", XPV_BLKIF_OP_READ, 1, 0, 0, 6, 5, XPV_BLKIF_RSP_ERROR },
	{ "last past the page", XPV_BLKIF_OP_WRITE, 1, 0, 0, 0, 8, XPV_BLKIF_RSP_ERROR },
	{ "sector beyond the end", XPV_BLKIF_OP_READ, 1, SECTORS - 7, 0, 0, 7,
	  XPV_BLKIF_RSP_ERROR },
	{ "sector 2^64 - 1", XPV_BLKIF_OP_WRITE, 1, ~0ull, 0, 0, 7, XPV_BLKIF_RSP_ERROR },
	{ "reserved grant ref 1", XPV_BLKIF_OP_WRITE, 1, 0, 1, 0, 7, XPV_BLKIF_RSP_ERROR },
	{ "grant never given", XPV_BLKIF_OP_WRITE, 1, 0, 77777, 0, 7, XPV_BLKIF_RSP_ERROR },
	{ "grant never given, read", XPV_BLKIF_OP_READ, 1, 0, 77777, 0, 7,
	  XPV_BLKIF_RSP_ERROR },
};

static void test_malformed_requests(void **state)
{
	uint8_t *p, before[4096], after[4096];
	uint64_t refused = 0;

	(void)state;
	guest_image_read(image, 0, before, sizeof(before));
	for (size_t i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]); i++) {
		const struct bad_request *b = &bad_requests[i];
		union xpv_blkif_req r = rw(b->op, b->sector, b->nseg);
		uint32_t gref = b->gref ? b->gref : guest_data_page(&g, (void **)&p);

		memset(&r.rw.seg, 0, sizeof(r.rw.seg));
		for (int k = 0; k < XPV_BLKIF_MAX_SEGS; k++)
			seg(&r, k, gref, b->first, b->last);
		if (guest_roundtrip(&g, &be, &r) != b->status)
			fail_msg("row: %s", b->name);
	}
	for (int v = 0; v < XPV_BLKBACK_NR_VERDICTS; v++)
		refused += queue0()->stats.bad[v];
	assert_int_equal(refused, 9);		/* the two unknown grants parse fine */
	assert_int_equal(queue0()->stats.grant_errors, 2);
	guest_image_read(image, 0, after, sizeof(after));
	assert_memory_equal(before, after, sizeof(before));	/* nothing written */
	assert_int_equal(guest_be_state(&g), 4);		/* still serving */
}

static void test_indirect(void **state)
{
	union xpv_blkif_req r = { 0 };
	struct xpv_blkif_seg *ind;
	uint8_t *pages[40], *back[40];
	uint32_t ind_ref;

	(void)state;
	assert_string_equal(guest_be(&g, "feature-max-indirect-segments"), "64");
	ind_ref = guest_data_page(&g, (void **)&ind);
	for (int i = 0; i < 40; i++) {
		ind[i] = (struct xpv_blkif_seg){ guest_data_page(&g, (void **)&pages[i]), 0, 7, 0 };
		memset(pages[i], i + 1, 4096);
	}
	r.indirect.operation = XPV_BLKIF_OP_INDIRECT;
	r.indirect.indirect_op = XPV_BLKIF_OP_WRITE;
	r.indirect.nr_segments = 40;
	r.indirect.id = 31;
	r.indirect.sector_number = 128;
	r.indirect.indirect_grefs[0] = ind_ref;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);

	for (int i = 0; i < 40; i++)
		ind[i].gref = guest_data_page(&g, (void **)&back[i]);
	r.indirect.indirect_op = XPV_BLKIF_OP_READ;
	r.indirect.id = 32;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	for (int i = 0; i < 40; i++)
		assert_memory_equal(back[i], pages[i], 4096);

	r.indirect.indirect_grefs[0] = 88888;		/* indirect page not granted */
	r.indirect.id = 33;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_ERROR);
	r.indirect.indirect_grefs[0] = ind_ref;
	r.indirect.nr_segments = 65;			/* more than offered */
	r.indirect.id = 34;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_ERROR);
	ind[3].last_sect = 9;				/* a bad segment inside */
	r.indirect.nr_segments = 40;
	r.indirect.id = 35;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(queue0()->stats.bad[XPV_BLKBACK_BAD_SECT], 1);
	assert_int_equal(queue0()->stats.indirect, 4);	/* all but the one refused in its slot */
}

/* The indirect response carries the inner op, as Linux's blkfront checks. */
static void test_indirect_response_op(void **state)
{
	union xpv_blkif_req r = { 0 };
	struct xpv_blkif_rsp rsp;
	struct xpv_blkif_seg *ind;
	uint8_t *p;

	(void)state;
	r.indirect.operation = XPV_BLKIF_OP_INDIRECT;
	r.indirect.indirect_op = XPV_BLKIF_OP_READ;
	r.indirect.nr_segments = 1;
	r.indirect.id = 1;
	r.indirect.indirect_grefs[0] = guest_data_page(&g, (void **)&ind);
	ind[0] = (struct xpv_blkif_seg){ guest_data_page(&g, (void **)&p), 0, 7, 0 };
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	assert_int_equal(guest_collect(&g, 0, &rsp, 1), 1);
	assert_int_equal(rsp.operation, XPV_BLKIF_OP_READ);
	assert_int_equal(rsp.status, XPV_BLKIF_RSP_OKAY);
}

/* A req_prod far ahead latches the ring; the other guest goes on. */
static void test_lying_ring_index(void **state)
{
	struct fake_guest other;
	union xpv_blkif_req r = rw(XPV_BLKIF_OP_READ, 0, 1);
	struct xpv_blkif_rsp rsp;
	uint8_t *p;
	char err[128];

	(void)state;
	assert_int_equal(guest_connect_vbd(&other, fx, &be, 2, image, "w"), 4);
	g.q[0].front.sring->req_prod += 1000;
	fake_kick(fx, fake_local_port(fx, 1, g.q[0].port));
	run_backend(&be, fx);
	assert_int_equal(queue0()->stats.broken, 1);
	assert_int_equal(guest_be_state(&g), 5);
	snprintf(err, sizeof(err), "/local/domain/0/error/backend/vbd/1/51712/error");
	assert_non_null(fake_read(fx, err));
	fake_kick(fx, fake_local_port(fx, 1, g.q[0].port));	/* more events: ignored */
	run_backend(&be, fx);
	assert_int_equal(queue0()->stats.broken, 2);
	assert_int_equal(queue0()->stats.requests, 0);

	seg(&r, 0, guest_data_page(&other, (void **)&p), 0, 7);
	guest_send(&other, 0, &r);
	run_backend(&be, fx);
	assert_int_equal(guest_collect(&other, 0, &rsp, 1), 1);
	assert_int_equal(rsp.status, XPV_BLKIF_RSP_OKAY);
}

/* The disk fails one request: that request is answered with an error. */
static void test_disk_error_fails_one_request(void **state)
{
	struct blk_vbd *v = xpv_backend_find(&be, 1, 51712)->priv;
	union xpv_blkif_req r = rw(XPV_BLKIF_OP_READ, 0, 1);
	int dir = open("/", O_RDONLY | O_DIRECTORY), saved = dup(v->disk.fd);
	uint8_t *p;

	(void)state;
	seg(&r, 0, guest_data_page(&g, (void **)&p), 0, 7);
	assert_true(dup2(dir, v->disk.fd) >= 0);	/* reads now fail: EISDIR */
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(queue0()->stats.disk_errors, 1);
	assert_true(dup2(saved, v->disk.fd) >= 0);
	r.rw.id++;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	close(dir);
	close(saved);
}

static void test_4k_sectors(void **state)
{
	union xpv_blkif_req w = rw(XPV_BLKIF_OP_WRITE, 8, 1);
	uint8_t *p;

	(void)state;
	assert_string_equal(guest_be(&g, "sector-size"), "4096");
	assert_string_equal(guest_be(&g, "physical-sector-size"), "4096");
	seg(&w, 0, guest_data_page(&g, (void **)&p), 0, 7);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	w.rw.sector_number = 9;
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_ERROR);
	w.rw.sector_number = 8;
	seg(&w, 0, w.rw.seg[0].gref, 0, 3);		/* half a logical sector */
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(queue0()->stats.bad[XPV_BLKBACK_BAD_ALIGN], 2);
}

/* A guest that floods its ring cannot starve another: one turn each. */
static void test_fairness(void **state)
{
	struct fake_guest other;
	union xpv_blkif_req r = rw(XPV_BLKIF_OP_READ, 0, 1);
	struct xpv_blkif_rsp rsp[32];
	uint8_t *p;

	(void)state;
	assert_int_equal(guest_connect_vbd(&other, fx, &be, 2, image, "w"), 4);
	seg(&r, 0, guest_data_page(&g, (void **)&p), 0, 7);
	for (int i = 0; i < 30; i++)
		guest_send(&g, 0, &r);
	seg(&r, 0, guest_data_page(&other, (void **)&p), 0, 7);
	guest_send(&other, 0, &r);
	xpv_backend_drain_events(&be);
	xpv_backend_run_work(&be);			/* one turn */
	assert_int_equal(queue0()->stats.requests, limits.reqs_per_turn);
	assert_int_equal(xpv_backend_find(&be, 2, 51712)->priv == NULL, 0);
	assert_int_equal(((struct blk_vbd *)xpv_backend_find(&be, 2, 51712)->priv)
			 ->queues[0].stats.requests, 1);
	run_backend(&be, fx);
	assert_int_equal(guest_collect(&other, 0, rsp, 32), 1);
	assert_int_equal(guest_collect(&g, 0, rsp, 32), 30);
	assert_true(fake_notified(fx, 1, g.q[0].port) > 0);
}

/* "qcow2:/path" in params: the guest's bytes go through the qcow2 driver. */
static void test_qcow2_served(void **state)
{
	union xpv_blkif_req w = rw(XPV_BLKIF_OP_WRITE, 127, 1), r = w;
	struct fake_guest other;
	const char *img = guest_image(0);
	char params[96], cmd[256];
	struct blk_vbd *v;
	uint8_t *p, *q, raw[4096];
	int fd;

	(void)state;
	snprintf(cmd, sizeof(cmd), "qemu-img create -q -f qcow2 %s 1M", img);
	assert_int_equal(system(cmd), 0);
	snprintf(params, sizeof(params), "qcow2:%s", img);
	guest_create_vbd(&other, fx, 2, 51712, params, "w");
	run_backend(&be, fx);
	guest_publish(&other, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&other), 4);
	v = xpv_backend_find(&be, 2, 51712)->priv;
	assert_int_equal(v->disk.nr_sectors, 2048);
	assert_int_equal(v->disk.discard_granularity, 65536);
	seg(&w, 0, guest_data_page(&other, (void **)&p), 0, 7);	/* across a cluster */
	memset(p, 0x5a, 4096);
	guest_send(&other, 0, &w);
	r.rw.operation = XPV_BLKIF_OP_READ;
	seg(&r, 0, guest_data_page(&other, (void **)&q), 0, 7);
	guest_send(&other, 0, &r);
	run_backend(&be, fx);
	assert_memory_equal(q, p, 4096);
	snprintf(cmd, sizeof(cmd), "qemu-img check -q %s && qemu-img convert -O raw %s %s.raw",
		 img, img, img);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s.raw", img);
	fd = open(cmd, O_RDONLY);
	assert_int_equal(pread(fd, raw, sizeof(raw), 127 * 512), (ssize_t)sizeof(raw));
	close(fd);
	unlink(cmd);
	assert_memory_equal(raw, p, 4096);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_then_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush, setup_sync, teardown),
		cmocka_unit_test_setup_teardown(test_discard_punches_a_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_counts_operations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup_ro, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect_response_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lying_ring_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_error_fails_one_request,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_4k_sectors, setup_4k, teardown),
		cmocka_unit_test_setup_teardown(test_fairness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness, setup_sync, teardown),
		cmocka_unit_test_setup_teardown(test_write_then_read_back, setup_sync,
						teardown),
		cmocka_unit_test_setup_teardown(test_qcow2_served, setup, teardown),
	};

	return cmocka_run_group_tests_name("xpv_blkback_io", tests, NULL, NULL);
}
