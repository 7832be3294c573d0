// SPDX-License-Identifier: GPL-2.0-only
/*
 * libxpvback and xpv-blkback's xenstore side against fake_xen: a toolstack
 * and a blkfront played step by step, and what the daemon writes checked
 * after each. Covers discovery, InitWait, connect, Closing<->Closed both
 * ways, a frontend that starts over, removal by the toolstack, setup
 * failures reported through error/..., every number the frontend writes
 * at its boundaries (tests/boundary.c), per-guest limits, multi-page and
 * multi-queue rings, a guest destroyed mid-I/O and a daemon restart.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "blkback.h"
#include "boundary.h"
#include "fake_guest.h"

#define IMAGE_BYTES	(4u << 20)

static struct fake_xen *fx;
static struct xpv_backend be;
static const char *image;

static const struct xpv_limits limits = {
	.max_devices_per_domain = 2, .max_ring_order = 2, .reqs_per_turn = 8,
};

static void start_daemon(void)
{
	fx = fake_xen_new();
	blk_config = (struct blk_config){ .max_queues = 2, .max_indirect_segs = 64,
					  .file_sector_size = 512, .discard = true };
	assert_int_equal(xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits), 0);
}

static int setup(void **state)
{
	(void)state;
	image = guest_image(IMAGE_BYTES);
	start_daemon();
	return 0;
}

/* a fresh daemon for each row of a table; the rows share one image */
static void setup_row(void)
{
	static const char *row_image;

	if (!row_image)
		row_image = guest_image(IMAGE_BYTES);
	image = row_image;
	start_daemon();
}

/* Whatever the test did, nothing stays mapped or bound. */
static int teardown(void **state)
{
	(void)state;
	assert_true(stop_backend(&be, fx));
	return 0;
}

static void connected_guest(struct fake_guest *g, uint16_t domid, uint32_t devid)
{
	guest_create_vbd(g, fx, domid, devid, image, "w");
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(g), 2);
	guest_publish(g, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(g), 4);
}

static const char *error_node(uint16_t domid, uint32_t devid)
{
	char p[128];

	snprintf(p, sizeof(p), "/local/domain/0/error/backend/vbd/%u/%u/error",
		 domid, devid);
	return fake_read(fx, p);
}

/* A one-sector read of sector 0 into a fresh page; returns its status. */
static int read_one(struct fake_guest *g, unsigned int q, uint64_t id)
{
	union xpv_blkif_req r = { 0 };
	struct xpv_blkif_rsp rsp;
	void *mem;

	r.rw.operation = XPV_BLKIF_OP_READ;
	r.rw.nr_segments = 1;
	r.rw.id = id;
	r.rw.seg[0].gref = guest_data_page(g, &mem);
	guest_send(g, q, &r);
	run_backend(&be, fx);
	assert_int_equal(guest_collect(g, q, &rsp, 1), 1);
	assert_int_equal(rsp.id, id);
	return rsp.status;
}

static void test_probe_reaches_initwait(void **state)
{
	struct fake_guest g;

	(void)state;
	guest_create_vbd(&g, fx, 1, 51712, image, "w");
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 2);
	assert_string_equal(guest_be(&g, "feature-flush-cache"), "1");
	assert_string_equal(guest_be(&g, "max-ring-page-order"), "2");
	assert_string_equal(guest_be(&g, "multi-queue-max-queues"), "2");
	assert_string_equal(guest_be(&g, "feature-max-indirect-segments"), "64");
	assert_string_equal(guest_be(&g, "feature-discard"), "1");
	assert_non_null(guest_be(&g, "discard-granularity"));
	assert_string_equal(guest_be(&g, "feature-persistent"), "0");
	assert_null(guest_be(&g, "sectors"));	/* published at connect */
}

static void test_connect(void **state)
{
	struct fake_guest g;
	char want[32];

	(void)state;
	connected_guest(&g, 1, 51712);
	snprintf(want, sizeof(want), "%u", IMAGE_BYTES / 512);
	assert_string_equal(guest_be(&g, "sectors"), want);
	assert_string_equal(guest_be(&g, "info"), "0");
	assert_string_equal(guest_be(&g, "sector-size"), "512");
	assert_int_equal(fx->live_pages, 1);
	assert_true(fake_local_port(fx, 1, g.q[0].port) > 0);
	assert_int_equal(read_one(&g, 0, 42), XPV_BLKIF_RSP_OKAY);
}

static void test_close_both_ways_and_start_over(void **state)
{
	struct fake_guest g;

	(void)state;
	connected_guest(&g, 1, 51712);
	guest_state(&g, 5);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 5);
	assert_int_equal(fx->live_pages, 0);
	guest_state(&g, 6);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 6);
	guest_state(&g, 5);			/* Closed -> Closing */
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 5);
	guest_state(&g, 6);			/* Closing -> Closed */
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 6);
	guest_state(&g, 1);			/* the frontend starts over */
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 2);
	guest_publish(&g, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
	assert_int_equal(fx->live_pages, 1);
	assert_int_equal(read_one(&g, 0, 7), XPV_BLKIF_RSP_OKAY);
}

static void test_removal_by_toolstack(void **state)
{
	struct fake_guest g;
	struct xpv_bdev *d;
	char p[160];

	(void)state;
	connected_guest(&g, 1, 51712);
	snprintf(p, sizeof(p), "%s/online", g.be);
	fake_write(fx, p, "0");
	snprintf(p, sizeof(p), "%s/state", g.be);
	fake_write(fx, p, "5");
	run_backend(&be, fx);
	assert_non_null(xpv_backend_find(&be, 1, 51712));	/* waits for the frontend */
	guest_state(&g, 5);
	guest_state(&g, 6);
	run_backend(&be, fx);
	d = xpv_backend_find(&be, 1, 51712);	/* closed for good, holds nothing */
	assert_non_null(d);
	assert_int_equal(d->life, XPV_BDEV_GONE);
	assert_null(d->priv);
	/* Our own Closed, and the toolstack's writes until it removes the
	 * dir, fire our watch: they must not probe the device again. */
	assert_int_equal(fake_pending_watches(fx), 0);
	snprintf(p, sizeof(p), "%s/hotplug-status", g.be);
	fake_write(fx, p, "%s", "");
	run_backend(&be, fx);
	assert_int_equal(fake_pending_watches(fx), 0);
	assert_int_equal(d->life, XPV_BDEV_GONE);
	assert_int_equal(guest_be_state(&g), 6);
	assert_int_equal(fx->live_pages, 0);
	fake_rm(fx, g.be);
	run_backend(&be, fx);
	assert_null(xpv_backend_find(&be, 1, 51712));
}

/* Detached and attached again at the same vdev before the daemon looked. */
static void test_reattach_after_removal(void **state)
{
	struct fake_guest g;
	char p[160];

	(void)state;
	connected_guest(&g, 1, 51712);
	snprintf(p, sizeof(p), "%s/online", g.be);
	fake_write(fx, p, "0");
	guest_state(&g, 5);
	guest_state(&g, 6);
	run_backend(&be, fx);
	assert_int_equal(xpv_backend_find(&be, 1, 51712)->life, XPV_BDEV_GONE);
	fake_rm(fx, g.be);
	fake_rm(fx, g.fe);
	connected_guest(&g, 1, 51712);
	assert_int_equal(read_one(&g, 0, 9), XPV_BLKIF_RSP_OKAY);
}

/* Initialised then Connected again before we look: new rings, remapped. */
static void test_frontend_restart_with_new_rings(void **state)
{
	struct fake_guest g;
	uint32_t old_ref;

	(void)state;
	connected_guest(&g, 1, 51712);
	old_ref = g.q[0].refs[0];
	guest_publish(&g, 1, 0);
	guest_state(&g, 4);
	run_backend(&be, fx);
	assert_int_not_equal(g.q[0].refs[0], old_ref);
	assert_int_equal(guest_be_state(&g), 4);
	assert_int_equal(fx->live_pages, 1);
	assert_int_equal(read_one(&g, 0, 9), XPV_BLKIF_RSP_OKAY);
}

struct bad_setup {
	const char *name;
	const char *node;	/* frontend node to spoil after publishing */
	const char *value;
};

/* Numbers at their boundaries are in vbd_numbers[] below. */
static const struct bad_setup bad_setups[] = {
	{ "ring-ref not granted to us", "ring-ref", "99999" },
	{ "ring-ref not a number", "ring-ref", "12x" },
	{ "event channel not offered", "event-channel", "7" },
	{ "another ABI", "protocol", "x86_32-abi" },
};

static void test_bad_frontend_setup_is_reported(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_setups) / sizeof(bad_setups[0]); i++) {
		const struct bad_setup *b = &bad_setups[i];
		struct fake_guest g;
		char p[160];

		guest_create_vbd(&g, fx, 2, 100 + (uint32_t)i, image, "w");
		run_backend(&be, fx);
		guest_publish(&g, 1, 0);
		snprintf(p, sizeof(p), "%s/%s", g.fe, b->node);
		fake_write(fx, p, "%s", b->value);
		guest_state(&g, 3);
		run_backend(&be, fx);
		if (guest_be_state(&g) != 5 || !error_node(2, 100 + (uint32_t)i))
			fail_msg("row: %s", b->name);
		assert_int_equal(fx->live_pages, 0);
		/* the frontend gives up; so do we, and we are free again */
		guest_state(&g, 6);
		run_backend(&be, fx);
		assert_int_equal(guest_be_state(&g), 6);
		fake_rm(fx, g.be);
		run_backend(&be, fx);
	}
}

/* --- every number the frontend writes, at its boundaries ------------------ */

enum number_kind {
	COUNT,		/* an order or a count: connects up to max */
	HANDLE,		/* a grant ref or a port: only the guest's own connects */
	FLAG_4K,	/* feature-large-sector-size: 1 is refused by a 4K disk */
};

/* A node and the good setup around it: every other node is right. */
struct vbd_number {
	const char *node;		/* under the frontend's dir */
	unsigned int queues, order;	/* what guest_publish() writes first */
	unsigned long long max;
	enum number_kind kind;
};

static const struct vbd_number vbd_numbers[] = {
	{ "ring-page-order", 1, 2, 2, COUNT },
	{ "ring-page-order", 2, 2, 2, COUNT },	/* one order for every queue */
	{ "multi-queue-num-queues", 2, 0, 2, COUNT },
	{ "ring-ref", 1, 0, UINT32_MAX, HANDLE },
	{ "ring-ref3", 1, 2, UINT32_MAX, HANDLE },
	{ "queue-1/ring-ref", 2, 0, UINT32_MAX, HANDLE },
	{ "event-channel", 1, 0, UINT32_MAX, HANDLE },
	{ "queue-1/event-channel", 2, 0, UINT32_MAX, HANDLE },
	{ "feature-large-sector-size", 1, 0, 1, FLAG_4K },
};

static const char *const blk_refs[] = { "ring-ref", NULL };

static bool number_connects(const struct vbd_number *n, const struct boundary *b)
{
	if (n->kind == COUNT)
		return b->valid;
	if (n->kind == FLAG_4K)
		return !(b->valid && b->lax == 1);
	return false;
}

/* A fresh daemon and guest; @b NULL: the good setup as published. */
static int number_row(const struct vbd_number *n, const struct boundary *b)
{
	struct fake_guest g;
	int state;

	setup_row();
	if (n->kind == FLAG_4K)
		blk_config.file_sector_size = 4096;
	guest_create_vbd(&g, fx, 7, 1, image, "w");
	run_backend(&be, fx);
	guest_publish(&g, n->queues, n->order);
	if (b) {
		fake_dir_write(fx, g.fe, n->node, "%s", b->value);
		boundary_publish_lax(fx, g.domid, g.fe, n->node, b, blk_refs);
	}
	run_backend(&be, fx);
	state = guest_be_state(&g);
	if (state == 5 && !error_node(7, 1))
		state = -1;			/* refused without saying why */
	teardown(NULL);
	return state;
}

static void test_frontend_numbers_at_boundaries(void **state)
{
	struct boundary rows[BOUNDARY_ROWS];
	unsigned int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(vbd_numbers) / sizeof(vbd_numbers[0]); i++) {
		const struct vbd_number *n = &vbd_numbers[i];
		unsigned int nr = boundary_rows(n->max, rows);

		if (number_row(n, NULL) != 4)
			failed += boundary_row_failed(n->node, NULL, "Connected");
		for (unsigned int k = 0; k < nr; k++) {
			bool ok = number_connects(n, &rows[k]);

			if (number_row(n, &rows[k]) != (ok ? 4 : 5))
				failed += boundary_row_failed(n->node, &rows[k], ok ?
							      "Connected" : "refused");
		}
	}
	assert_int_equal(failed, 0);
}

/* A connected vbd whose frontend rewrites its order as @b; our state. */
static int rewritten_order_row(const struct boundary *b)
{
	struct fake_guest g;
	int state;

	setup_row();
	guest_create_vbd(&g, fx, 7, 1, image, "w");
	run_backend(&be, fx);
	guest_publish(&g, 1, limits.max_ring_order);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
	fake_dir_write(fx, g.fe, "ring-page-order", "%s", b->value);
	boundary_publish_lax(fx, g.domid, g.fe, "ring-page-order", b, blk_refs);
	guest_state(&g, 4);
	run_backend(&be, fx);
	state = guest_be_state(&g);
	teardown(NULL);
	return state;
}

/* The same orders written while connected: rechecked, not mapped. */
static void test_ring_order_rewritten_while_connected(void **state)
{
	(void)state;
	assert_int_equal(boundary_run_rows("ring-page-order", limits.max_ring_order,
					   rewritten_order_row), 0);
}

static void test_bad_params_fail_probe(void **state)
{
	static const char *const params[] = { "/nonexistent/disk.img", "relative.img",
					      "/dev/null", "vhd:/dev/null",
					      "qcow2:relative.qcow2", "qcow2:/dev/null" };
	(void)state;
	for (unsigned int i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		struct fake_guest g;

		guest_create_vbd(&g, fx, 3, i + 1, params[i], "w");
		run_backend(&be, fx);
		assert_int_equal(guest_be_state(&g), 5);
		assert_non_null(error_node(3, i + 1));
		guest_publish(&g, 1, 0);	/* a frontend that tries anyway */
		run_backend(&be, fx);
		assert_int_equal(guest_be_state(&g), 5);
		assert_int_equal(fx->live_pages, 0);
		fake_rm(fx, g.be);
		run_backend(&be, fx);
	}
}

static void test_per_guest_device_limit(void **state)
{
	struct fake_guest a, b, c, other;

	(void)state;
	connected_guest(&a, 4, 1);
	connected_guest(&b, 4, 2);
	guest_create_vbd(&c, fx, 4, 3, image, "w");
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&c), 5);
	assert_non_null(error_node(4, 3));
	connected_guest(&other, 5, 1);		/* another guest is not affected */
	assert_int_equal(read_one(&other, 0, 1), XPV_BLKIF_RSP_OKAY);
}

static void test_multi_page_multi_queue(void **state)
{
	struct fake_guest g;

	(void)state;
	guest_create_vbd(&g, fx, 6, 1, image, "w");
	run_backend(&be, fx);
	guest_publish(&g, 2, 2);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
	assert_int_equal(fx->live_pages, 2 * 4);
	assert_int_equal(g.q[0].front.nr_ents, 128);	/* 4 pages of 112-byte slots */
	assert_int_equal(read_one(&g, 0, 1), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(read_one(&g, 1, 2), XPV_BLKIF_RSP_OKAY);
}

/* The guest dies with requests on its ring; the toolstack cleans up. */
static void test_guest_destroyed_mid_io(void **state)
{
	struct fake_guest dying, other;
	union xpv_blkif_req r = { 0 };
	void *mem;

	(void)state;
	connected_guest(&dying, 7, 1);
	connected_guest(&other, 8, 1);
	r.rw.operation = XPV_BLKIF_OP_WRITE;
	r.rw.nr_segments = 1;
	r.rw.seg[0].last_sect = 7;
	for (int i = 0; i < 5; i++) {
		r.rw.id = (uint64_t)i;
		r.rw.seg[0].gref = guest_data_page(&dying, &mem);
		guest_send(&dying, 0, &r);
	}
	fake_destroy_domain(fx, 7);		/* grants revoked, frontend gone */
	run_backend(&be, fx);			/* requests fail, device closes */
	assert_int_equal(be.devs != NULL, 1);
	fake_rm(fx, dying.be);			/* libxl removes the backend dir */
	run_backend(&be, fx);
	assert_null(xpv_backend_find(&be, 7, 1));
	assert_int_equal(fx->live_pages, 1);	/* only the other guest's ring */
	assert_int_equal(read_one(&other, 0, 3), XPV_BLKIF_RSP_OKAY);
}

static void write_page(struct fake_guest *g, uint64_t id, uint64_t sector,
		       uint32_t gref)
{
	union xpv_blkif_req r = { 0 };

	r.rw.operation = XPV_BLKIF_OP_WRITE;
	r.rw.nr_segments = 1;
	r.rw.id = id;
	r.rw.sector_number = sector;
	r.rw.seg[0].last_sect = 7;
	r.rw.seg[0].gref = gref;
	guest_send(g, 0, &r);
}

static void image_at(uint64_t sector, uint8_t *buf)
{
	FILE *f = fopen(image, "rb");

	assert_non_null(f);
	assert_int_equal(fseek(f, (long)sector * 512, SEEK_SET), 0);
	assert_int_equal(fread(buf, 1, 4096, f), 4096);
	fclose(f);
}

/*
 * Killed and started again: frontends are served without a reconnect,
 * the request sent meanwhile is answered once, and no old slot is taken
 * for a request (a response id 0x0101 reads as "write, 1 segment": a
 * backend that attached at index 0 would write the old page again).
 */
static void test_daemon_restart(void **state)
{
	struct xpv_blkif_rsp rsp[4];
	uint8_t *old, *mem, back[4096];
	struct fake_guest g;

	(void)state;
	connected_guest(&g, 9, 1);
	write_page(&g, 0x0101, 0, guest_data_page(&g, (void **)&old));
	memset(old, 0x11, 4096);
	run_backend(&be, fx);
	assert_int_equal(guest_collect(&g, 0, rsp, 4), 1);
	memset(old, 0x22, 4096);		/* the guest reuses the page */

	write_page(&g, 2, 8, guest_data_page(&g, (void **)&mem));
	memset(mem, 0xab, 4096);
	xpv_backend_close(&be);			/* killed before it saw the write */
	assert_string_equal(guest_be(&g, "state"), "4");	/* no Closing seen */
	assert_int_equal(fx->live_pages, 0);

	assert_int_equal(xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits), 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
	assert_int_equal(guest_collect(&g, 0, rsp, 4), 1);
	assert_int_equal(rsp[0].id, 2);
	assert_int_equal(rsp[0].status, XPV_BLKIF_RSP_OKAY);
	image_at(8, back);
	assert_memory_equal(back, mem, 4096);
	image_at(0, back);
	assert_int_equal(back[0], 0x11);	/* the old write was not replayed */
	assert_int_equal(read_one(&g, 0, 3), XPV_BLKIF_RSP_OKAY);
}

/* A worker (only_domid) serves its guest and leaves every other alone. */
static void test_worker_serves_its_guest_only(void **state)
{
	struct fake_guest mine, other;

	(void)state;
	be.only_domid = 3;
	guest_create_vbd(&mine, fx, 3, 51712, image, "w");
	guest_create_vbd(&other, fx, 4, 51712, image, "w");
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&mine), 2);
	assert_int_equal(guest_be_state(&other), 1);	/* as the toolstack left it */
	assert_null(xpv_backend_find(&be, 4, 51712));
	guest_publish(&other, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&other), 1);	/* as the toolstack left it */
	assert_null(xpv_backend_find(&be, 4, 51712));
}

static void test_watch_storm(void **state)
{
	struct fake_guest g;

	(void)state;
	connected_guest(&g, 10, 1);
	for (int i = 0; i < 300; i++)
		guest_state(&g, 4);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
	assert_int_equal(fx->live_pages, 1);
	assert_int_equal(read_one(&g, 0, 1), XPV_BLKIF_RSP_OKAY);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_reaches_initwait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_both_ways_and_start_over,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_removal_by_toolstack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reattach_after_removal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frontend_restart_with_new_rings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frontend_setup_is_reported,
						setup, teardown),
		cmocka_unit_test(test_frontend_numbers_at_boundaries),
		cmocka_unit_test(test_ring_order_rewritten_while_connected),
		cmocka_unit_test_setup_teardown(test_bad_params_fail_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_guest_device_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multi_page_multi_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_destroyed_mid_io, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_storm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_worker_serves_its_guest_only,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("xpv_backend", tests, NULL, NULL);
}
