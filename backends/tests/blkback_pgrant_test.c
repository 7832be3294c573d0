// SPDX-License-Identifier: GPL-2.0-only
/*
 * Persistent grants in xpv-blkback (blkback/pgrant.c) against fake_xen: a
 * frontend that offers feature-persistent has its pages mapped once and
 * its data moved by memcpy (no grant copy for them), the table stays
 * within its bound, refs that do not map are grant-copied, a frontend
 * that lies about the feature stops costing map attempts, and every page
 * is unmapped when the queue goes. Served synchronously (-a 0), where a
 * raw disk's requests whose pages are all kept go straight between the
 * file and those pages (preadv/pwritev); the asynchronous path moves data
 * through the same copy_segs() as the bounce-buffer one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "blkback.h"
#include "fake_guest.h"

#define IMAGE_BYTES	(1u << 20)
#define RING_PAGES	1

static struct fake_xen *fx;
static struct xpv_backend be;
static const char *image;
static struct fake_guest g;

static const struct xpv_limits limits = {
	.max_devices_per_domain = 4, .max_ring_order = 1, .reqs_per_turn = 8,
};

/* A guest that offers persistent grants (or not) to a daemon keeping @max. */
static void connect(unsigned int max, bool offer)
{
	fx = fake_xen_new();
	image = guest_image(IMAGE_BYTES);
	blk_config = (struct blk_config){ .max_queues = 1, .max_indirect_segs = 64,
					  .file_sector_size = 512, .discard = true,
					  .max_pgrants = max };
	assert_int_equal(xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits), 0);
	guest_create_vbd(&g, fx, 1, 51712, image, "w");
	run_backend(&be, fx);
	if (offer)
		fake_dir_write(fx, g.fe, "feature-persistent", "1");
	guest_publish(&g, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
}

static int teardown(void **state)
{
	(void)state;
	assert_true(stop_backend(&be, fx));	/* every kept page unmapped */
	return 0;
}

static struct blk_queue *queue0(void)
{
	struct blk_vbd *v = xpv_backend_find(&be, 1, 51712)->priv;

	return &v->queues[0];
}

/* A request of @n whole pages at @sector, page i through refs[i]. */
static union xpv_blkif_req pages_req(uint8_t op, uint64_t sector, const uint32_t *refs,
				     unsigned int n)
{
	union xpv_blkif_req r = { 0 };

	r.rw.operation = op;
	r.rw.nr_segments = (uint8_t)n;
	r.rw.id = 0x7000 + sector;
	r.rw.sector_number = sector;
	for (unsigned int i = 0; i < n; i++)
		r.rw.seg[i] = (struct xpv_blkif_seg){ refs[i], 0, 7, 0 };
	return r;
}

/* @n fresh granted pages, page i filled with @fill + i. */
static void grant_pages(uint32_t *refs, uint8_t **mem, unsigned int n, int fill)
{
	for (unsigned int i = 0; i < n; i++) {
		refs[i] = guest_data_page(&g, (void **)&mem[i]);
		memset(mem[i], fill + (int)i, 4096);
	}
}

/* Write through 3 pages, read back through them: no grant copy, 3 mapped. */
static void test_pgrant_data_by_memcpy(void **state)
{
	uint32_t refs[3];
	uint8_t *mem[3], disk[4096];
	union xpv_blkif_req w, r;

	(void)state;
	connect(1056, true);
	assert_string_equal(guest_be(&g, "feature-persistent"), "1");
	grant_pages(refs, mem, 3, 0x40);
	w = pages_req(XPV_BLKIF_OP_WRITE, 8, refs, 3);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	for (int i = 0; i < 3; i++) {
		guest_image_read(image, 8 * 512 + (uint64_t)i * 4096, disk, sizeof(disk));
		assert_memory_equal(disk, mem[i], 4096);
		memset(mem[i], 0, 4096);
	}
	r = pages_req(XPV_BLKIF_OP_READ, 8, refs, 3);
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mem[i][4095], 0x40 + i);
	assert_int_equal(fx->gnt_copy_calls, 0);
	assert_int_equal(queue0()->stats.pgrants, 3);
	assert_int_equal(fx->live_pages, RING_PAGES + 3);
	assert_int_equal(fx->gnt_map_calls, 2);	/* the ring, then the 3 pages at once */
	assert_int_equal(queue0()->stats.direct, 2);	/* raw: no bounce buffer either */
}

/* The same page at two offsets of one request maps once. */
static void test_pgrant_one_map_per_ref(void **state)
{
	uint32_t ref;
	uint8_t *mem;
	union xpv_blkif_req w = { 0 };

	(void)state;
	connect(1056, true);
	grant_pages(&ref, &mem, 1, 0x11);
	w.rw.operation = XPV_BLKIF_OP_WRITE;
	w.rw.nr_segments = 2;
	w.rw.id = 9;
	w.rw.seg[0] = (struct xpv_blkif_seg){ ref, 0, 3, 0 };
	w.rw.seg[1] = (struct xpv_blkif_seg){ ref, 4, 7, 0 };
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(queue0()->stats.pgrants, 1);
	assert_int_equal(fx->live_pages, RING_PAGES + 1);
}

/* Past the bound, refs are grant-copied; the data is right either way. */
static void test_pgrant_bound(void **state)
{
	uint32_t refs[3];
	uint8_t *mem[3], disk[3 * 4096];
	union xpv_blkif_req w;

	(void)state;
	connect(2, true);
	grant_pages(refs, mem, 3, 0x70);
	w = pages_req(XPV_BLKIF_OP_WRITE, 0, refs, 3);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	guest_image_read(image, 0, disk, sizeof(disk));
	for (int i = 0; i < 3; i++)
		assert_memory_equal(disk + i * 4096, mem[i], 4096);
	assert_int_equal(queue0()->stats.pgrants, 2);
	assert_int_equal(fx->gnt_copy_calls, 1);	/* the third page */
	assert_int_equal(queue0()->stats.direct, 0);	/* through the buffer */
	assert_int_equal(fx->live_pages, RING_PAGES + 2);
}

/* Without the frontend's offer, or with -p 0, everything is copied. */
static void test_pgrant_needs_both_ends(void **state)
{
	uint32_t refs[2];
	uint8_t *mem[2];
	union xpv_blkif_req w;

	(void)state;
	connect(1056, false);
	grant_pages(refs, mem, 2, 1);
	w = pages_req(XPV_BLKIF_OP_WRITE, 0, refs, 2);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(fx->gnt_copy_calls, 1);
	assert_int_equal(queue0()->stats.pgrants, 0);
	assert_true(stop_backend(&be, fx));

	connect(0, true);
	assert_string_equal(guest_be(&g, "feature-persistent"), "0");
	grant_pages(refs, mem, 2, 1);
	w = pages_req(XPV_BLKIF_OP_WRITE, 0, refs, 2);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(fx->gnt_copy_calls, 1);
	assert_int_equal(queue0()->stats.pgrants, 0);
}

/*
 * A frontend whose pages do not map: each request still served (copied);
 * after 64 refused maps the queue stops asking.
 */
static void test_pgrant_maps_refused(void **state)
{
	uint32_t ref;
	uint8_t *mem;
	union xpv_blkif_req w;

	(void)state;
	connect(1056, true);
	grant_pages(&ref, &mem, 1, 0x22);
	fx->fail_maps = 1000;
	for (int i = 0; i < 70; i++) {
		w = pages_req(XPV_BLKIF_OP_WRITE, (uint64_t)i * 8, &ref, 1);
		assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	}
	assert_int_equal(fx->fail_maps, 1000 - 64);
	assert_int_equal(queue0()->stats.pgrants_refused, 64);
	assert_int_equal(fx->gnt_copy_calls, 70);
	assert_int_equal(queue0()->stats.pgrants, 0);
	fx->fail_maps = 0;
}

/*
 * A request whose one ref does not map: its batch fails, the others are
 * mapped one by one; the bad one fails only its request.
 */
static void test_pgrant_batch_with_a_bad_ref(void **state)
{
	uint32_t refs[3];
	uint8_t *mem[3];
	union xpv_blkif_req w;

	(void)state;
	connect(1056, true);
	grant_pages(refs, mem, 3, 0x30);
	refs[1] = 66666;
	w = pages_req(XPV_BLKIF_OP_WRITE, 0, refs, 3);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(fx->gnt_map_calls, 1 + 1 + 3);	/* ring, batch, each */
	assert_int_equal(queue0()->stats.pgrants, 2);
	assert_int_equal(queue0()->stats.pgrants_refused, 1);
	assert_int_equal(fx->live_pages, RING_PAGES + 2);
}

/* A ref never granted: that request fails, the queue serves the next. */
static void test_pgrant_bad_ref(void **state)
{
	uint32_t refs[2] = { 77777, 0 };
	uint8_t *mem;
	union xpv_blkif_req w;

	(void)state;
	connect(1056, true);
	w = pages_req(XPV_BLKIF_OP_WRITE, 0, refs, 1);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(queue0()->stats.grant_errors, 1);
	grant_pages(&refs[1], &mem, 1, 5);
	w = pages_req(XPV_BLKIF_OP_WRITE, 0, &refs[1], 1);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(queue0()->stats.pgrants, 1);
}

/* Indirect pages are kept too; what the guest changes in one is read anew. */
static void test_pgrant_indirect(void **state)
{
	union xpv_blkif_req r = { 0 };
	struct xpv_blkif_seg *ind;
	uint32_t ind_ref, refs[40];
	uint8_t *mem[40];

	(void)state;
	connect(1056, true);
	ind_ref = guest_data_page(&g, (void **)&ind);
	grant_pages(refs, mem, 40, 1);
	for (int i = 0; i < 40; i++)
		ind[i] = (struct xpv_blkif_seg){ refs[i], 0, 7, 0 };
	r.indirect.operation = XPV_BLKIF_OP_INDIRECT;
	r.indirect.indirect_op = XPV_BLKIF_OP_WRITE;
	r.indirect.nr_segments = 40;
	r.indirect.id = 31;
	r.indirect.indirect_grefs[0] = ind_ref;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	ind[3].last_sect = 9;			/* the kept page, changed */
	r.indirect.id = 32;
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_ERROR);
	assert_int_equal(queue0()->stats.bad[XPV_BLKBACK_BAD_SECT], 1);
	assert_int_equal(queue0()->stats.pgrants, 41);
	assert_int_equal(fx->gnt_copy_calls, 0);
}

/* A frontend that reconnects: its pages unmapped, mapped again after. */
static void test_pgrant_unmapped_at_disconnect(void **state)
{
	uint32_t refs[2];
	uint8_t *mem[2];
	union xpv_blkif_req w;

	(void)state;
	connect(1056, true);
	grant_pages(refs, mem, 2, 3);
	w = pages_req(XPV_BLKIF_OP_WRITE, 0, refs, 2);
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(fx->live_pages, RING_PAGES + 2);
	guest_state(&g, 5);			/* Closing */
	run_backend(&be, fx);
	assert_int_equal(fx->live_pages, 0);
	guest_state(&g, 6);
	run_backend(&be, fx);
	guest_state(&g, 1);			/* the frontend starts over */
	run_backend(&be, fx);
	guest_publish(&g, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
	w.rw.id = 2;
	assert_int_equal(guest_roundtrip(&g, &be, &w), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(fx->live_pages, RING_PAGES + 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_pgrant_data_by_memcpy, teardown),
		cmocka_unit_test_teardown(test_pgrant_one_map_per_ref, teardown),
		cmocka_unit_test_teardown(test_pgrant_bound, teardown),
		cmocka_unit_test_teardown(test_pgrant_needs_both_ends, teardown),
		cmocka_unit_test_teardown(test_pgrant_maps_refused, teardown),
		cmocka_unit_test_teardown(test_pgrant_bad_ref, teardown),
		cmocka_unit_test_teardown(test_pgrant_batch_with_a_bad_ref, teardown),
		cmocka_unit_test_teardown(test_pgrant_indirect, teardown),
		cmocka_unit_test_teardown(test_pgrant_unmapped_at_disconnect, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
