// SPDX-License-Identifier: GPL-2.0-only
/*
 * Snapshots of a running guest's disk (blkback/snapshot.c): a connected
 * guest on a qcow2 overlay writes through a real ring, dom0 asks for a
 * snapshot in the backend dir, and the guest writes on. The frozen image
 * must hold exactly what was written before, the new one the rest, both
 * checked clean and compared by qemu-img; a restarted daemon must serve
 * the new image. Then a named table of overlays the switch must refuse,
 * each with its message, the disk left on its old image.
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
#include "scratch.h"
#include "fake_guest.h"

#define DISK_MIB	4
#define CLUSTER		65536

static struct fake_xen *fx;
static struct xpv_backend be;
static struct fake_guest g;

static const struct xpv_limits limits = {
	.max_devices_per_domain = 4, .max_ring_order = 1, .reqs_per_turn = 8,
};

static void start_backend(void)
{
	assert_int_equal(xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits), 0);
	run_backend(&be, fx);
}

/* A base of 0x11 bytes under a.qcow2, which guest 1 writes to. */
static int setup_mode(const char *mode)
{
	char params[160];

	scratch_make();
	assert_int_equal(sh("head -c %u /dev/zero | tr '\\0' '\\021' >base.raw && "
			    "qemu-img create -q -f qcow2 -b %s -F raw a.qcow2 && "
			    "cp base.raw want-a.raw", DISK_MIB << 20, at("base.raw")), 0);
	fx = fake_xen_new();
	blk_config = (struct blk_config){ .max_queues = 1, .file_sector_size = 512,
					  .discard = true };
	snprintf(params, sizeof(params), "qcow2:%s", at("a.qcow2"));
	guest_create_vbd(&g, fx, 1, 51712, params, mode);
	start_backend();
	guest_publish(&g, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(guest_be_state(&g), 4);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return setup_mode("w");
}

static int setup_ro(void **state)
{
	(void)state;
	return setup_mode("r");
}

static int teardown(void **state)
{
	(void)state;
	assert_true(stop_backend(&be, fx));
	scratch_remove();
	return 0;
}

/* One page of guest I/O at @sector: its status. */
static int16_t page_io(uint8_t op, uint64_t sector, uint8_t *page)
{
	union xpv_blkif_req r = { 0 };
	struct xpv_blkif_rsp rsp;
	uint8_t *mem;

	r.rw.operation = op;
	r.rw.nr_segments = 1;
	r.rw.id = sector;
	r.rw.sector_number = sector;
	r.rw.seg[0] = (struct xpv_blkif_seg){ guest_data_page(&g, (void **)&mem), 0, 7, 0 };
	if (op == XPV_BLKIF_OP_WRITE)
		memcpy(mem, page, 4096);
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	assert_int_equal(guest_collect(&g, 0, &rsp, 1), 1);
	if (op == XPV_BLKIF_OP_READ)
		memcpy(page, mem, 4096);
	return rsp.status;
}

/* The guest writes @byte at @sector; the raw files @want... take it too. */
static void guest_write(uint64_t sector, uint8_t byte, const char *want)
{
	uint8_t page[4096];

	memset(page, byte, sizeof(page));
	assert_int_equal(page_io(XPV_BLKIF_OP_WRITE, sector, page), XPV_BLKIF_RSP_OKAY);
	assert_int_equal(sh("head -c 4096 /dev/zero | tr '\\0' '\\%03o' | "
			    "dd of=%s bs=512 seek=%llu conv=notrunc status=none",
			    byte, want, (unsigned long long)sector), 0);
}

static void guest_reads(uint64_t sector, uint8_t byte)
{
	uint8_t page[4096], want[4096];

	memset(want, byte, sizeof(want));
	assert_int_equal(page_io(XPV_BLKIF_OP_READ, sector, page), XPV_BLKIF_RSP_OKAY);
	assert_memory_equal(page, want, sizeof(want));
}

/* dom0's side: ask for a snapshot onto @path; the daemon's answer. */
static const char *snapshot(const char *path)
{
	fake_dir_write(fx, g.be, "xpv-snapshot", "%s", path);
	run_backend(&be, fx);
	assert_null(guest_be(&g, "xpv-snapshot"));		/* answered once */
	return guest_be(&g, "xpv-snapshot-result");
}

static void overlay(const char *name, const char *below, const char *fmt)
{
	assert_int_equal(sh("qemu-img create -q -f qcow2 -u -b %s -F %s %s %uM",
			    at(below), fmt, name, DISK_MIB), 0);
}

static void qemu_agrees(const char *image, const char *want)
{
	assert_int_equal(sh("qemu-img check -q %s", image), 0);
	assert_int_equal(sh("qemu-img compare -q -f raw -F qcow2 %s %s", want, image), 0);
}

static void ok_onto(const char *name)
{
	char want[160];

	snprintf(want, sizeof(want), "ok %s", at(name));
	assert_string_equal(snapshot(at(name)), want);
	snprintf(want, sizeof(want), "qcow2:%s", at(name));
	assert_string_equal(guest_be(&g, "xpv-image"), want);
}

/*
 * Writes before the snapshot stay in the frozen image, writes after it go
 * to the new one only; a second snapshot makes a chain of three.
 */
static void test_snapshot_freezes(void **state)
{
	(void)state;
	guest_write(0, 0xa0, "want-a.raw");
	guest_write(2048, 0xa1, "want-a.raw");		/* its own L2 range: 1 MiB */
	overlay("b.qcow2", "a.qcow2", "qcow2");
	ok_onto("b.qcow2");
	assert_int_equal(sh("cp want-a.raw want-b.raw"), 0);
	guest_write(0, 0xb0, "want-b.raw");		/* over a frozen cluster */
	guest_write(4096, 0xb1, "want-b.raw");		/* over the base */
	guest_write(129, 0xb2, "want-b.raw");		/* part of a frozen cluster */
	guest_reads(0, 0xb0);
	guest_reads(2048, 0xa1);			/* through b, from a */
	guest_reads(6144, 0x11);			/* through b and a, from the base */

	overlay("c.qcow2", "b.qcow2", "qcow2");
	ok_onto("c.qcow2");
	assert_int_equal(sh("cp want-b.raw want-c.raw"), 0);
	guest_write(2048, 0xc0, "want-c.raw");
	guest_reads(4096, 0xb1);
	qemu_agrees("a.qcow2", "want-a.raw");
	qemu_agrees("b.qcow2", "want-b.raw");
	qemu_agrees("c.qcow2", "want-c.raw");
	assert_int_equal(sh("cmp -s base.raw want-a.raw"), 1);	/* the test wrote */
}

/*
 * A daemon (or a guest's worker) started again serves the new image, not
 * the frozen one params names; the request it finds again, answered
 * before it was removed, is answered once more without a switch.
 */
static void test_restart_after_snapshot(void **state)
{
	(void)state;
	guest_write(8, 0xa0, "want-a.raw");
	overlay("b.qcow2", "a.qcow2", "qcow2");
	ok_onto("b.qcow2");
	xpv_backend_close(&be);
	fake_dir_write(fx, g.be, "xpv-snapshot", "%s", at("b.qcow2"));
	start_backend();
	assert_int_equal(guest_be_state(&g), 4);
	assert_null(guest_be(&g, "xpv-snapshot"));
	assert_int_equal(sh("cp want-a.raw want-b.raw"), 0);
	guest_write(8, 0xb0, "want-b.raw");
	guest_reads(8, 0xb0);
	qemu_agrees("a.qcow2", "want-a.raw");
	qemu_agrees("b.qcow2", "want-b.raw");
}

struct refusal {
	const char *name;
	const char *make;	/* shell, in the test's directory: makes x */
	const char *path;	/* what dom0 asks for; NULL: <dir>/x */
	const char *why;
};

static const struct refusal refusals[] = {
	{ "relative path", "", "x", "not an absolute path" },
	{ "no such file", "", NULL, "cannot open: No such file or directory" },
	{ "raw, not qcow2", "truncate -s 4M x", NULL, "bad magic: not a qcow2 image" },
	{ "over the base, not the disk's image",
	  "qemu-img create -q -f qcow2 -b $PWD/base.raw -F raw x",
	  NULL, "its backing file is not the disk's image" },
	{ "no backing file", "qemu-img create -q -f qcow2 x 4M",
	  NULL, "its backing file is not the disk's image" },
	{ "larger than the disk",
	  "qemu-img create -q -f qcow2 -u -b $PWD/a.qcow2 -F qcow2 x 8M",
	  NULL, "16384 sectors of 512 bytes, the disk 8192 of 512" },
	{ "holds data already",
	  "qemu-img create -q -f qcow2 -u -b $PWD/a.qcow2 -F qcow2 x 4M && "
	  "qemu-io -f qcow2 -c 'write -P 7 0 64k' x >/dev/null",
	  NULL, "not empty: L1 entry 0 in use" },
};

/* Each refused with its message; the guest stays on a.qcow2. */
static void test_snapshot_refusals(void **state)
{
	char want[256];
	const char *path, *got;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];

		assert_int_equal(sh("rm -f x"), 0);
		if (r->make[0])
			assert_int_equal(sh("%s && cp x x.before", r->make), 0);
		path = r->path ? r->path : at("x");
		snprintf(want, sizeof(want), "error %s: %s", path, r->why);
		got = snapshot(path);
		if (!got || strcmp(got, want))
			fail_msg("%s: got \"%s\", want \"%s\"", r->name, got, want);
		if (r->make[0])		/* not written */
			assert_int_equal(sh("cmp x x.before"), 0);
		assert_null(guest_be(&g, "xpv-image"));
		guest_write(16 + 8 * i, (uint8_t)(0x40 + i), "want-a.raw");
	}
	qemu_agrees("a.qcow2", "want-a.raw");
}

static void test_read_only_refused(void **state)
{
	char want[160];

	(void)state;
	overlay("b.qcow2", "a.qcow2", "qcow2");
	snprintf(want, sizeof(want), "error %s: a read-only disk has nothing to freeze",
		 at("b.qcow2"));
	assert_string_equal(snapshot(at("b.qcow2")), want);
	assert_null(guest_be(&g, "xpv-image"));
}

/* A raw disk frozen under a qcow2 overlay (format raw in its header). */
static void test_raw_disk_frozen(void **state)
{
	char params[160];

	(void)state;
	assert_true(stop_backend(&be, fx));
	fx = fake_xen_new();
	assert_int_equal(sh("cp base.raw r.raw && cp base.raw want-r.raw"), 0);
	snprintf(params, sizeof(params), "%s", at("r.raw"));
	guest_create_vbd(&g, fx, 1, 51712, params, "w");
	start_backend();
	guest_publish(&g, 1, 0);
	run_backend(&be, fx);
	guest_write(0, 0x5a, "want-r.raw");
	overlay("b.qcow2", "r.raw", "raw");
	ok_onto("b.qcow2");
	assert_int_equal(sh("cp want-r.raw want-b.raw"), 0);
	guest_write(0, 0x5b, "want-b.raw");
	assert_int_equal(sh("cmp want-r.raw r.raw"), 0);
	qemu_agrees("b.qcow2", "want-b.raw");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_snapshot_freezes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_after_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snapshot_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_refused, setup_ro, teardown),
		cmocka_unit_test_setup_teardown(test_raw_disk_frozen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
