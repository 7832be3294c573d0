// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-blkback's asynchronous request path (io.c, aio.c) against fake_xen
 * and a real io_uring on a raw image: many requests in flight on one
 * ring, answered in ring order however their I/O completes; short I/O
 * going on for the rest; a flush's write and fsync; a disk error failing
 * its own request only; disconnect, removal and a snapshot with requests
 * in flight (drained, nothing leaked); the synchronous fallback when the
 * kernel has no io_uring; the ring's restrictions. Then a qcow2 overlay
 * of a raw base on the same ring: reads of allocated clusters in flight
 * together, a request over several clusters as several extents (one cut
 * short and continued; past BLK_EXTENTS read synchronously), -a 0 as
 * before (synchronous), and what must wait for the disk's requests on the
 * ring (an allocating write, a discard then the cluster written again, a
 * flush carrying data that allocates): qemu-img finds the image clean and
 * identical to a raw file that took the same writes.
 *
 * blk_aio_test_hook sees each CQE before it counts: it holds one back
 * (a request whose I/O is slow), or changes its result (short, failed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
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
#include "scratch.h"

#define IMAGE_BYTES	(1u << 20)
#define NR		12

static struct fake_xen *fx;
static struct xpv_backend be;
static struct fake_guest g;
static char image[96];

static const struct xpv_limits limits = {
	.max_devices_per_domain = 4, .max_ring_order = 0, .reqs_per_turn = 8,
};

/*
 * What the hook does: hold the CQE of request @hold_id, fail or shorten;
 * count data CQEs, and at an fsync's see how many requests are busy and
 * (@compare_at_sync) whether the qcow2 image already says what it should.
 */
static struct {
	uint64_t hold_id, fail_id, short_id;
	int fail_res;
	enum blk_aio_what fail_what;
	unsigned int syncs, shortened, data, busy_at_sync;
	bool compare_at_sync;
	int compared;
} h;

static bool hook(struct blk_ioreq *r, enum blk_aio_what what, int *res)
{
	if (what == BLK_AIO_DATA)
		h.data++;
	if (what == BLK_AIO_SYNC) {
		h.syncs++;
		h.busy_at_sync = r->q->nr_busy;
		if (h.compare_at_sync)
			h.compared = sh("qemu-img compare -q -f raw -F qcow2 expect.raw ov.qcow2");
	}
	if (r->req.id == h.fail_id && what == h.fail_what)
		*res = h.fail_res;
	if (r->req.id == h.short_id && what == BLK_AIO_DATA && *res > 512 &&
	    !h.shortened) {
		h.shortened = 1;
		*res = 512;
	} else if (r->req.id == h.short_id && what == BLK_AIO_SYNC && h.shortened == 1) {
		/* as the kernel does after a short write: its linked fsync cut */
		h.shortened = 2;
		*res = -ECANCELED;
	}
	return r->req.id == h.hold_id;
}

static int start(unsigned int max_inflight)
{
	fx = fake_xen_new();
	blk_config = (struct blk_config){ .max_queues = 1, .max_indirect_segs = 64,
					  .file_sector_size = 512, .discard = true,
					  .max_inflight = max_inflight };
	assert_int_equal(xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits), 0);
	assert_int_equal(blk_vbd_ops.worker_init(&be), 0);
	assert_int_equal(guest_connect_vbd(&g, fx, &be, 1, image, "w"), 4);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	scratch_make();
	snprintf(image, sizeof(image), "%s", at("disk.raw"));
	assert_int_equal(sh("truncate -s %u disk.raw", IMAGE_BYTES), 0);
	memset(&h, 0, sizeof(h));
	h.hold_id = h.fail_id = h.short_id = ~0ull;
	blk_aio_test_hook = hook;
	return start(32);
}

static int teardown(void **state)
{
	(void)state;
	blk_aio_test_hook = NULL;
	if (fx)
		assert_true(stop_backend(&be, fx));
	fx = NULL;
	fake_uring_setup_errno = 0;
	scratch_remove();
	return 0;
}

static struct blk_queue *queue0(void)
{
	return &((struct blk_vbd *)xpv_backend_find(&be, 1, 51712)->priv)->queues[0];
}

static union xpv_blkif_req page_req(uint8_t op, unsigned int i, uint8_t **page)
{
	return guest_page_req(&g, op, i, page);
}

/* Step the loop until every request but the held one is done. */
static void settle_but_held(void)
{
	for (int i = 0; i < 500 && (queue0()->nr_busy != 1 || xpv_backend_has_work(&be));
	     i++)
		xpv_backend_step(&be, 10);
	assert_int_equal(queue0()->nr_busy, 1);
}

static void check_in_order(int n, int16_t want_status_of_fail, uint64_t fail_id)
{
	assert_true(guest_in_order(&g, n, want_status_of_fail, fail_id));
}

/* NR writes in flight; the first one's I/O finishes last; order kept. */
static void blkback_aio_test_ring_order(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p[NR], *q[NR], disk[4096];

	(void)state;
	h.hold_id = 0;
	for (unsigned int i = 0; i < NR; i++) {
		r = page_req(XPV_BLKIF_OP_WRITE, i, &p[i]);
		guest_send(&g, 0, &r);
	}
	settle_but_held();
	assert_int_equal(queue0()->nr_inflight, NR);	/* all taken, none answered */
	assert_int_equal(queue0()->stats.writes, NR - 1);
	assert_int_equal(be.inflight, NR);
	check_in_order(0, 0, ~0ull);
	blk_aio_test_release();
	run_backend(&be, fx);
	check_in_order(NR, 0, ~0ull);
	assert_int_equal(be.inflight, 0);
	for (unsigned int i = 0; i < NR; i++) {
		guest_image_read(image, 4096ull * i, disk, sizeof(disk));
		assert_memory_equal(disk, p[i], 4096);
	}
	/* and read back, the last one's read held this time */
	h.hold_id = NR - 1;
	for (unsigned int i = 0; i < NR; i++) {
		r = page_req(XPV_BLKIF_OP_READ, i, &q[i]);
		guest_send(&g, 0, &r);
	}
	settle_but_held();
	check_in_order(NR - 1, 0, ~0ull);	/* all before the held one */
	blk_aio_test_release();
	run_backend(&be, fx);
	assert_int_equal(guest_collect(&g, 0, (struct xpv_blkif_rsp[1]){ 0 }, 1), 1);
	for (unsigned int i = 0; i < NR; i++)
		assert_memory_equal(q[i], p[i], 4096);
	assert_int_equal(queue0()->stats.reads, NR);
}

/* No more than max_inflight in flight; the rest wait on the ring. */
static void blkback_aio_test_cap(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p;

	(void)state;
	assert_int_equal(queue0()->max_inflight, 32);	/* the ring's size */
	assert_true(stop_backend(&be, fx));
	start(4);
	assert_int_equal(queue0()->max_inflight, 4);
	h.hold_id = 0;
	for (unsigned int i = 0; i < NR; i++) {
		r = page_req(XPV_BLKIF_OP_READ, i, &p);
		guest_send(&g, 0, &r);
	}
	settle_but_held();
	assert_int_equal(queue0()->nr_inflight, 4);
	assert_int_equal(queue0()->stats.requests, 4);
	assert_true(queue0()->stalled);
	check_in_order(0, 0, ~0ull);
	blk_aio_test_release();
	run_backend(&be, fx);
	check_in_order(NR, 0, ~0ull);
	assert_int_equal(queue0()->stats.reads, NR);
}

/* 256 KiB requests: 4 MiB of bounce buffers in flight per queue, no more. */
static void blkback_aio_test_bytes_budget(void **state)
{
	union xpv_blkif_req r = { 0 };
	struct xpv_blkif_seg *ind;
	uint8_t *p;

	(void)state;
	r.indirect.operation = XPV_BLKIF_OP_INDIRECT;
	r.indirect.indirect_op = XPV_BLKIF_OP_READ;
	r.indirect.nr_segments = 64;
	r.indirect.indirect_grefs[0] = guest_data_page(&g, (void **)&ind);
	for (int i = 0; i < 64; i++)
		ind[i] = (struct xpv_blkif_seg){ guest_data_page(&g, (void **)&p), 0, 7, 0 };
	h.hold_id = 0;
	for (unsigned int i = 0; i < 20; i++) {
		r.indirect.id = i;
		guest_send(&g, 0, &r);
	}
	settle_but_held();
	assert_int_equal(queue0()->nr_inflight, 16);
	assert_int_equal(queue0()->buf_bytes, 4u << 20);
	assert_true(queue0()->stalled);
	blk_aio_test_release();
	run_backend(&be, fx);
	check_in_order(20, 0, ~0ull);
	assert_int_equal(queue0()->buf_bytes, 0);
	assert_int_equal(queue0()->stats.reads, 20);
	assert_int_equal(queue0()->nr_spare, BLK_SPARE_BUFS);	/* kept, bounded */
	assert_int_equal(queue0()->spare_bytes, BLK_SPARE_BUFS * (256u << 10));
}

/*
 * One request at a time: each takes the buffer the one before it left,
 * a bigger request gets a bigger one, and both are kept.
 */
static void blkback_aio_test_buffers_kept(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p, *second;

	(void)state;
	h.hold_id = ~0ull;
	for (unsigned int i = 0; i < 5; i++) {
		r = page_req(XPV_BLKIF_OP_WRITE, i, &p);
		guest_send(&g, 0, &r);
		run_backend(&be, fx);
		assert_int_equal(queue0()->nr_spare, 1);
		assert_int_equal(queue0()->spare_bytes, 4096);
	}
	check_in_order(5, 0, ~0ull);
	r = page_req(XPV_BLKIF_OP_READ, 5, &p);
	r.rw.nr_segments = 2;
	r.rw.seg[1] = (struct xpv_blkif_seg){ guest_data_page(&g, (void **)&second), 0, 7, 0 };
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	assert_int_equal(queue0()->nr_spare, 2);
	assert_int_equal(queue0()->spare_bytes, 4096 + 8192);
	assert_int_equal(queue0()->stats.writes, 5);
	assert_int_equal(queue0()->stats.reads, 1);
}

/* A disk error fails its own request; the others around it are served. */
static void blkback_aio_test_disk_error(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p;

	(void)state;
	h.fail_id = 3;
	h.fail_what = BLK_AIO_DATA;
	h.fail_res = -EIO;
	for (unsigned int i = 0; i < 6; i++) {
		r = page_req(XPV_BLKIF_OP_WRITE, i, &p);
		guest_send(&g, 0, &r);
	}
	run_backend(&be, fx);
	check_in_order(6, XPV_BLKIF_RSP_ERROR, 3);
	assert_int_equal(queue0()->stats.disk_errors, 1);
	assert_int_equal(queue0()->stats.writes, 5);
	assert_int_equal(guest_be_state(&g), 4);
}

/* Short reads and writes go on for the rest, a flush's fsync again too. */
static void blkback_aio_test_short_io(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p, *q, disk[4096];

	(void)state;
	h.short_id = 0;
	r = page_req(XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, &p);	/* data + fsync */
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(1, 0, ~0ull);
	assert_int_equal(h.shortened, 2);
	assert_int_equal(h.syncs, 2);		/* cancelled, then done */
	guest_image_read(image, 0, disk, sizeof(disk));
	assert_memory_equal(disk, p, 4096);
	h.shortened = 0;
	r = page_req(XPV_BLKIF_OP_READ, 0, &q);
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(1, 0, ~0ull);
	assert_int_equal(h.shortened, 1);
	assert_memory_equal(q, p, 4096);
	assert_int_equal(queue0()->stats.flushes, 1);
	assert_int_equal(queue0()->stats.reads, 1);
}

/* A flush after writes still in flight: answered after them; fsync fails. */
static void blkback_aio_test_flush(void **state)
{
	union xpv_blkif_req r, f = { 0 };
	uint8_t *p;

	(void)state;
	h.hold_id = 0;
	for (unsigned int i = 0; i < 3; i++) {
		r = page_req(XPV_BLKIF_OP_WRITE, i, &p);
		guest_send(&g, 0, &r);
	}
	f.rw.operation = XPV_BLKIF_OP_FLUSH_DISKCACHE;
	f.rw.id = 3;
	guest_send(&g, 0, &f);
	settle_but_held();
	check_in_order(0, 0, ~0ull);
	assert_int_equal(queue0()->stats.flushes, 1);	/* done, not answered */
	blk_aio_test_release();
	run_backend(&be, fx);
	check_in_order(4, 0, ~0ull);
	h.hold_id = ~0ull;
	h.fail_id = 0;			/* the disk cannot flush */
	h.fail_what = BLK_AIO_SYNC;
	h.fail_res = -EIO;
	f.rw.id = 0;
	guest_send(&g, 0, &f);
	run_backend(&be, fx);
	check_in_order(1, XPV_BLKIF_RSP_ERROR, 0);
	assert_int_equal(queue0()->stats.flushes, 1);
	assert_int_equal(queue0()->stats.disk_errors, 1);
	assert_int_equal(queue0()->stats.writes, 3);
}

static void send_held_writes(unsigned int n)
{
	union xpv_blkif_req r;
	uint8_t *p;

	h.hold_id = 0;
	for (unsigned int i = 0; i < n; i++) {
		r = page_req(XPV_BLKIF_OP_WRITE, i, &p);
		guest_send(&g, 0, &r);
	}
	settle_but_held();
}

/* The frontend closes with a request in flight: drained, then unmapped. */
static void blkback_aio_test_disconnect_drains(void **state)
{
	(void)state;
	send_held_writes(5);
	guest_state(&g, 5);
	run_backend(&be, fx);
	assert_null(((struct blk_vbd *)xpv_backend_find(&be, 1, 51712)->priv)->queues);
	assert_int_equal(be.inflight, 0);
	check_in_order(5, 0, ~0ull);		/* answered before the unmap */
	assert_int_equal(fx->live_pages, 0);
}

/* The worker stops with requests in flight: stop_backend is clean. */
static void blkback_aio_test_exit_drains(void **state)
{
	(void)state;
	send_held_writes(5);
	assert_true(stop_backend(&be, fx));
	fx = NULL;
	assert_false(blk_aio_ready());
}

/* A snapshot with writes in flight: they land in the frozen image. */
static void blkback_aio_test_snapshot_drains(void **state)
{
	uint8_t disk[4096], want[4096], *p;
	union xpv_blkif_req r;

	(void)state;
	send_held_writes(4);
	assert_int_equal(sh("qemu-img create -q -f qcow2 -b %s -F raw top.qcow2", image), 0);
	fake_dir_write(fx, g.be, "xpv-snapshot", "%s", at("top.qcow2"));
	run_backend(&be, fx);
	assert_int_equal(strncmp(guest_be(&g, "xpv-snapshot-result"), "ok ", 3), 0);
	check_in_order(4, 0, ~0ull);
	memset(want, 0xa0, sizeof(want));	/* request 0, the held one */
	guest_image_read(image, 0, disk, sizeof(disk));
	assert_memory_equal(disk, want, sizeof(want));
	/* qcow2 now, on the same ring: its empty clusters read from the base */
	assert_ptr_equal(queue0()->vbd->disk.drv, &blk_driver_qcow2);
	h.hold_id = ~0ull;
	r = page_req(XPV_BLKIF_OP_READ, 0, &p);
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(1, 0, ~0ull);
	assert_memory_equal(p, want, sizeof(want));
}

/* No io_uring in the kernel: logged, and every request served in turn. */
static void blkback_aio_test_sync_fallback(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p, *q;

	(void)state;
	assert_true(stop_backend(&be, fx));
	fake_uring_setup_errno = ENOSYS;
	start(32);
	assert_false(blk_aio_ready());
	assert_null(queue0()->slots);
	r = page_req(XPV_BLKIF_OP_WRITE, 1, &p);
	guest_send(&g, 0, &r);
	r = page_req(XPV_BLKIF_OP_READ, 1, &q);
	r.rw.id = 2;
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	assert_int_equal(guest_collect(&g, 0, (struct xpv_blkif_rsp[2]){ 0 }, 2), 2);
	assert_memory_equal(q, p, 4096);
	assert_int_equal(be.inflight, 0);
}

/* The worker's ring runs only what it serves with (io_uring restrictions). */
static void blkback_aio_test_restricted(void **state)
{
	struct io_uring *ring = blk_aio_test_ring();
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;

	(void)state;
	blk_aio_test_hook = NULL;
	sqe = io_uring_get_sqe(ring);
	io_uring_prep_openat(sqe, AT_FDCWD, "/etc/passwd", O_RDONLY, 0);
	io_uring_sqe_set_data64(sqe, 0);
	assert_true(io_uring_submit_and_wait(ring, 1) >= 0);
	assert_int_equal(io_uring_peek_cqe(ring, &cqe), 0);
	assert_int_equal(cqe->res, -EACCES);
	io_uring_cqe_seen(ring, cqe);
	assert_int_equal(io_uring_register_files(ring, (int[1]){ 0 }, 1), -EACCES);
}

/*
 * The qcow2 overlay: 4 KiB clusters over a 1 MiB raw base, its first 20
 * written by qemu-io last to first (no two adjacent in the file, so a
 * request over several is as many extents); expect.raw what it reads as.
 */
static int setup_qcow2(void **state)
{
	char cmd[2048];
	int n;

	(void)state;
	scratch_make();
	n = snprintf(cmd, sizeof(cmd), "head -c %u /dev/urandom > base.raw && "
		     "qemu-img create -q -f qcow2 -o cluster_size=4096 -b base.raw "
		     "-F raw ov.qcow2 && qemu-io -f qcow2", IMAGE_BYTES);
	for (int i = 19; i >= 0; i--)
		n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, " -c 'write -P %d %dk 4k'",
			      0x40 + i, 4 * i);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " ov.qcow2 >/dev/null && "
		 "qemu-img convert -f qcow2 -O raw ov.qcow2 expect.raw");
	assert_int_equal(sh("%s", cmd), 0);
	snprintf(image, sizeof(image), "qcow2:%s", at("ov.qcow2"));
	memset(&h, 0, sizeof(h));
	h.hold_id = h.fail_id = h.short_id = ~0ull;
	blk_aio_test_hook = hook;
	return start(32);
}

/* What the guest wrote, into expect.raw too. */
static void expect_write(uint64_t off, const void *buf, size_t len)
{
	int fd = open(at("expect.raw"), O_WRONLY);

	assert_int_equal(blk_pwrite_full(fd, buf, len, off), 0);
	close(fd);
}

static void assert_expected(uint64_t off, const void *buf, size_t len)
{
	uint8_t want[16384];

	assert_true(len <= sizeof(want));
	guest_image_read(at("expect.raw"), off, want, len);
	assert_memory_equal(buf, want, len);
}

/* The worker gone (the image closed): qemu-img agrees with expect.raw. */
static void qemu_agrees(void)
{
	assert_true(stop_backend(&be, fx));
	fx = NULL;
	assert_int_equal(sh("qemu-img check -q ov.qcow2"), 0);
	assert_int_equal(sh("qemu-img compare -q -f raw -F qcow2 expect.raw ov.qcow2"), 0);
}

/* A write of one page at page @page of the disk, as request @id. */
static union xpv_blkif_req write_at(unsigned int id, uint64_t page, uint8_t **p)
{
	union xpv_blkif_req r = page_req(XPV_BLKIF_OP_WRITE, id, p);

	r.rw.sector_number = 8 * page;
	expect_write(4096 * page, *p, 4096);
	return r;
}

/*
 * NR reads of allocated clusters in flight at once, each one SQE; then a
 * write that allocates waits for them: the held read is let go before it
 * is served, and all are answered in order.
 */
static void blkback_aio_test_qcow2_in_flight(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p[NR], *w;

	(void)state;
	h.hold_id = 0;
	for (unsigned int i = 0; i < NR; i++) {
		r = page_req(XPV_BLKIF_OP_READ, i, &p[i]);
		guest_send(&g, 0, &r);
	}
	settle_but_held();
	assert_int_equal(queue0()->nr_inflight, NR);
	assert_int_equal(h.data, NR);
	assert_int_equal(queue0()->vbd->disk.nr_aio, 1);
	check_in_order(0, 0, ~0ull);
	r = write_at(NR, 100, &w);		/* unallocated: over the base */
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(NR + 1, 0, ~0ull);
	assert_int_equal(h.data, NR);		/* the write: synchronous */
	for (unsigned int i = 0; i < NR; i++)
		assert_expected(4096 * i, p[i], 4096);
	assert_int_equal(queue0()->stats.writes, 1);
	qemu_agrees();
}

/*
 * A write in flight to a cluster (held), then the cluster discarded and
 * written again in part: the discard waits for the write; the new
 * cluster's rest reads as zeros (the discard left a zero cluster).
 */
static void blkback_aio_test_qcow2_discard_reuse(void **state)
{
	union xpv_blkif_req r, d = { 0 };
	uint8_t *p, zeros[4096] = { 0 };

	(void)state;
	r = write_at(0, 2, &p);
	h.hold_id = 0;
	guest_send(&g, 0, &r);
	settle_but_held();
	d.discard.operation = XPV_BLKIF_OP_DISCARD;
	d.discard.id = 1;
	d.discard.sector_number = 16;
	d.discard.nr_sectors = 8;
	guest_send(&g, 0, &d);
	expect_write(8192, zeros, sizeof(zeros));
	r = write_at(2, 2, &p);
	r.rw.seg[0].last_sect = 0;		/* its first sector only */
	expect_write(8192 + 512, zeros, 4096 - 512);
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(3, 0, ~0ull);
	assert_int_equal(queue0()->nr_busy, 0);
	assert_int_equal(queue0()->stats.discards, 1);
	qemu_agrees();
}

/*
 * A write in flight (held), then a flush carrying data that allocates:
 * the write is done before the flush's own, its fsync comes last, and by
 * then the image (data and metadata) says what the guest wrote.
 */
static void blkback_aio_test_qcow2_flush(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p;

	(void)state;
	r = write_at(0, 1, &p);
	h.hold_id = 0;
	guest_send(&g, 0, &r);
	settle_but_held();
	r = write_at(1, 200, &p);
	r.rw.operation = XPV_BLKIF_OP_FLUSH_DISKCACHE;
	h.compare_at_sync = true;
	h.compared = -1;
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(2, 0, ~0ull);
	assert_int_equal(h.syncs, 1);
	assert_int_equal(h.busy_at_sync, 1);	/* the flush alone */
	assert_int_equal(h.compared, 0);
	assert_int_equal(queue0()->stats.flushes, 1);
	qemu_agrees();
}

/*
 * 4 pages over 4 clusters far apart in the file: 4 extents, the first
 * cut short and continued; read back, then written and read again.
 */
static void blkback_aio_test_qcow2_extents(void **state)
{
	union xpv_blkif_req r = { 0 };
	uint8_t *p[4];

	(void)state;
	r.rw.operation = XPV_BLKIF_OP_READ;
	r.rw.nr_segments = 4;
	for (int i = 0; i < 4; i++)
		r.rw.seg[i] = (struct xpv_blkif_seg){ guest_data_page(&g, (void **)&p[i]), 0, 7, 0 };
	h.short_id = 0;
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(1, 0, ~0ull);
	assert_int_equal(queue0()->slots[0].nr_ext, 4);
	assert_int_equal(h.shortened, 1);
	assert_int_equal(h.data, 5);		/* 4, and the rest of the short one */
	for (int i = 0; i < 4; i++)
		assert_expected(4096 * (uint64_t)i, p[i], 4096);
	r.rw.operation = XPV_BLKIF_OP_WRITE;
	for (int i = 0; i < 4; i++) {
		memset(p[i], 0x70 + i, 4096);
		expect_write(4096 * (uint64_t)i, p[i], 4096);
	}
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(1, 0, ~0ull);
	assert_int_equal(h.data, 9);
	qemu_agrees();
}

/*
 * 17 pages over 17 clusters apart in the file: more extents than a
 * request has (BLK_EXTENTS), so read synchronously, no SQE; 16: on the
 * ring.
 */
static void blkback_aio_test_qcow2_too_many_extents(void **state)
{
	union xpv_blkif_req r = { 0 };
	struct xpv_blkif_seg *ind;
	uint8_t *p[17];

	(void)state;
	r.indirect.operation = XPV_BLKIF_OP_INDIRECT;
	r.indirect.indirect_op = XPV_BLKIF_OP_READ;
	r.indirect.nr_segments = 17;
	r.indirect.indirect_grefs[0] = guest_data_page(&g, (void **)&ind);
	for (int i = 0; i < 17; i++)
		ind[i] = (struct xpv_blkif_seg){ guest_data_page(&g, (void **)&p[i]), 0, 7, 0 };
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(1, 0, ~0ull);
	assert_int_equal(h.data, 0);
	for (int i = 0; i < 17; i++)
		assert_expected(4096 * (uint64_t)i, p[i], 4096);
	r.indirect.nr_segments = 16;
	memset(p[0], 0, 4096);
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(1, 0, ~0ull);
	assert_int_equal(h.data, 16);
	assert_expected(0, p[0], 4096);
}

/* -a 0, the default: a qcow2 disk is served synchronously, as ever. */
static void blkback_aio_test_qcow2_sync_default(void **state)
{
	union xpv_blkif_req r;
	uint8_t *p, *q;

	(void)state;
	assert_true(stop_backend(&be, fx));
	start(0);
	assert_false(blk_aio_ready());
	assert_null(queue0()->slots);
	r = write_at(0, 100, &p);		/* allocates */
	guest_send(&g, 0, &r);
	r = page_req(XPV_BLKIF_OP_READ, 1, &q);	/* allocated */
	guest_send(&g, 0, &r);
	run_backend(&be, fx);
	check_in_order(2, 0, ~0ull);
	assert_int_equal(h.data + h.syncs, 0);
	assert_expected(4096, q, 4096);
	qemu_agrees();
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(blkback_aio_test_ring_order, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_bytes_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_buffers_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_disk_error, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_short_io, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_disconnect_drains, setup,
						teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_exit_drains, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_snapshot_drains, setup,
						teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_sync_fallback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_restricted, setup, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_qcow2_in_flight, setup_qcow2,
						teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_qcow2_discard_reuse,
						setup_qcow2, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_qcow2_flush, setup_qcow2,
						teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_qcow2_extents, setup_qcow2,
						teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_qcow2_too_many_extents,
						setup_qcow2, teardown),
		cmocka_unit_test_setup_teardown(blkback_aio_test_qcow2_sync_default,
						setup_qcow2, teardown),
	};

	return cmocka_run_group_tests_name("xpv_blkback_aio", tests, NULL, NULL);
}
