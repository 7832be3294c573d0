// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nbd storage driver against qemu-nbd: a disk named by URI, read and
 * written through the server into its image; the server killed, stopped
 * or replaced under an open disk. A request issued while the server is
 * away waits for it and lands (never answered unwritten), one issued
 * while it stays away past the retry time fails with a reason, and a
 * server that comes back with another export is refused. And all of it
 * from inside a worker's seccomp filter, over a Unix socket and TCP.
 *
 * Then the asynchronous path (io.c's slots, served from the loop through
 * fake_xen and the fake blkfront): 32 requests on the connection at once,
 * answers kept back (blk_nbd_test_hold) and still given to the guest in
 * ring order, a flush issued only once the writes before it are
 * answered (blk_nbd_test_issue sees each command go), the server killed
 * or stopped under requests in flight (issued again on a new connection,
 * none answered before), gone past the retry time (errors, then served
 * again), a raw disk of the same loop served meanwhile, and a disconnect
 * or the daemon's exit with requests in flight (drained, under ASan).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "blkback.h"
#include "fake_guest.h"
#include "scratch.h"

#define DISK_BYTES	(4u << 20)

static char uri[256];

/* qemu-nbd on a Unix socket, serving @image ("-r" for read-only); it is
 * listening when this returns (--fork waits for that). */
static void serve(const char *image, const char *opts)
{
	assert_int_equal(sh("rm -f nbd.sock && qemu-nbd --fork --pid-file=nbd.pid -k \"$PWD/nbd.sock\" -f raw -t %s %s",
			    opts, image), 0);
}

static void signal_server(const char *sig)
{
	assert_int_equal(sh("kill -%s $(cat nbd.pid)", sig), 0);
}

/* SIGKILL, and wait until it is gone: nothing of it answers after this. */
static void kill_server(void)
{
	signal_server("KILL");
	assert_int_equal(sh("while kill -0 $(cat nbd.pid) 2>/dev/null; do sleep 0.05; done"), 0);
}

static int setup(void **state)
{
	(void)state;
	scratch_make();
	blk_config.nbd_retry_ms = 10000;
	blk_config.nbd_stall_ms = 2000;
	snprintf(uri, sizeof(uri), "nbd+unix:///?socket=%s", at("nbd.sock"));
	if (sh("head -c %u /dev/urandom >disk.raw", DISK_BYTES))
		return -1;
	serve("disk.raw", "");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("[ ! -f nbd.pid ] || kill -9 $(cat nbd.pid) 2>/dev/null; true");
	scratch_remove();
	return 0;
}

static void open_nbd(struct blk_disk *k, bool read_only)
{
	int err = blk_disk_open(k, "nbd", uri, read_only, 512);

	if (err)
		fail_msg("open %s: %s", uri, k->why);
}

/* What the image file holds at @off, straight from the file. */
static void file_bytes(void *buf, size_t len, uint64_t off)
{
	int fd = open(at("disk.raw"), O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(blk_pread_full(fd, buf, len, off), 0);
	close(fd);
}

static void write_and_see(struct blk_disk *k, uint64_t off, size_t len, int byte)
{
	uint8_t *buf = malloc(len), *back = malloc(len);

	memset(buf, byte, len);
	assert_int_equal(blk_disk_write(k, buf, len, off), 0);
	assert_int_equal(blk_disk_flush(k), 0);
	file_bytes(back, len, off);
	assert_memory_equal(buf, back, len);
	assert_int_equal(blk_disk_read(k, back, len, off), 0);
	assert_memory_equal(buf, back, len);
	free(buf);
	free(back);
}

static uint64_t ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - t0->tv_sec) * 1000 +
	       (uint64_t)((t.tv_nsec - t0->tv_nsec) / 1000000);
}

static void nbd_test_format_split(void **state)
{
	static const struct {
		const char *params, *fmt, *path;
	} rows[] = {
		{ "nbd://10.0.0.1:10809/disk", "nbd", "nbd://10.0.0.1:10809/disk" },
		{ "nbd://server/disk", "nbd", "nbd://server/disk" },
		{ "nbd+unix:///disk?socket=/run/nbd.sock", "nbd",
		  "nbd+unix:///disk?socket=/run/nbd.sock" },
		{ "nbds://server/disk", NULL, NULL },		/* TLS: refused */
		{ "nbd+vsock:///1", NULL, NULL },
		{ "nbd:/srv/disk.raw", NULL, NULL },		/* nbd takes a URI */
		{ "nbd:", NULL, NULL },
		{ "file:///srv/disk.raw", NULL, NULL },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char params[128];
		const char *fmt, *path;
		int err;

		snprintf(params, sizeof(params), "%s", rows[i].params);
		err = blk_format_split(params, &fmt, &path);
		if (!rows[i].fmt) {
			if (err != -EINVAL)
				fail_msg("row %s: accepted", rows[i].params);
			continue;
		}
		if (err || strcmp(fmt, rows[i].fmt) || strcmp(path, rows[i].path))
			fail_msg("row %s: err %d", rows[i].params, err);
	}
}

static void nbd_test_serves(void **state)
{
	struct blk_disk k;
	uint8_t want[8192], got[8192];

	(void)state;
	open_nbd(&k, false);
	assert_int_equal(k.nr_sectors, DISK_BYTES / 512);
	assert_int_equal(k.sector_size, 512);
	assert_false(k.read_only);
	file_bytes(want, sizeof(want), 1 << 20);
	assert_int_equal(blk_disk_read(&k, got, sizeof(got), 1 << 20), 0);
	assert_memory_equal(want, got, sizeof(got));
	write_and_see(&k, 512, 4096, 0x5a);
	write_and_see(&k, DISK_BYTES - 65536, 65536, 0xa5);
	blk_disk_close(&k);
}

/* Killed and started again while a write waits: the write lands, late. */
static void nbd_test_server_restarted(void **state)
{
	struct blk_disk k;
	struct timespec t0;

	(void)state;
	open_nbd(&k, false);
	write_and_see(&k, 0, 4096, 0x11);
	kill_server();
	assert_int_equal(sh("(sleep 0.5; qemu-nbd --fork --pid-file=nbd.pid -k \"$PWD/nbd.sock\" -f raw -t disk.raw) >/dev/null 2>&1 &"),
			 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	write_and_see(&k, 8192, 16384, 0x22);
	assert_true(ms_since(&t0) >= 400);
	/* and again: a second loss is no different */
	kill_server();
	serve("disk.raw", "");
	write_and_see(&k, 3 << 20, 4096, 0x33);
	blk_disk_close(&k);
}

/* Gone past the retry time: an error with a reason; back: served again. */
static void nbd_test_server_gone(void **state)
{
	struct blk_disk k;
	uint8_t buf[4096];

	(void)state;
	open_nbd(&k, false);
	blk_config.nbd_retry_ms = 300;
	kill_server();
	assert_int_equal(blk_disk_read(&k, buf, sizeof(buf), 0), -EIO);
	assert_non_null(strstr(k.why, "cannot reconnect"));
	assert_int_equal(blk_disk_flush(&k), -EIO);
	serve("disk.raw", "");
	write_and_see(&k, 4096, 4096, 0x44);
	blk_disk_close(&k);
}

/* A server that holds the connection but answers nothing is lost too. */
static void nbd_test_server_stalled(void **state)
{
	struct blk_disk k;
	uint8_t buf[4096];
	struct timespec t0;

	(void)state;
	open_nbd(&k, false);
	blk_config.nbd_retry_ms = 300;
	blk_config.nbd_stall_ms = 300;
	signal_server("STOP");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(blk_disk_read(&k, buf, sizeof(buf), 0), -EIO);
	assert_true(ms_since(&t0) < 5000);
	assert_non_null(strstr(k.why, "within the stall time"));
	signal_server("CONT");
	write_and_see(&k, 0, 4096, 0x55);
	blk_disk_close(&k);
}

/* Back with another export (another size): refused, not written into. */
static void nbd_test_export_changed(void **state)
{
	struct blk_disk k;
	uint8_t buf[4096] = { 0 };

	(void)state;
	open_nbd(&k, false);
	kill_server();
	assert_int_equal(sh("truncate -s 8M other.raw"), 0);
	serve("other.raw", "");
	assert_int_equal(blk_disk_write(&k, buf, sizeof(buf), 0), -EIO);
	assert_non_null(strstr(k.why, "bytes now"));
	assert_int_equal(sh("[ \"$(tr -d '\\000' <other.raw | wc -c)\" -eq 0 ]"), 0);
	blk_disk_close(&k);
}

static void nbd_test_read_only(void **state)
{
	struct blk_disk k;
	uint8_t want[4096], got[4096];

	(void)state;
	kill_server();
	serve("disk.raw", "-r");
	assert_int_equal(blk_disk_open(&k, "nbd", uri, false, 512), -EROFS);
	assert_non_null(strstr(k.why, "read-only"));
	open_nbd(&k, true);
	assert_true(k.read_only);
	assert_int_equal(k.discard_granularity, 0);
	file_bytes(want, sizeof(want), 0);
	assert_int_equal(blk_disk_read(&k, got, sizeof(got), 0), 0);
	assert_memory_equal(want, got, sizeof(got));
	blk_disk_close(&k);
}

static void nbd_test_no_server(void **state)
{
	struct blk_disk k;

	(void)state;
	kill_server();
	assert_int_not_equal(blk_disk_open(&k, "nbd", uri, false, 512), 0);
	assert_true(k.why[0] != '\0');
	/* a snapshot needs an image file under the disk */
	serve("disk.raw", "");
	open_nbd(&k, false);
	assert_int_equal(blk_disk_snapshot(&k, at("new.qcow2"), &(struct blk_disk){ 0 }),
			 -EOPNOTSUPP);
	blk_disk_close(&k);
}

/*
 * In a child locked into the workers' filter: serve over a Unix socket and
 * over TCP; tell the parent (@up), which kills the TCP server and starts
 * it again, then says so (@down); serve again: we reconnect.
 */
static int sandboxed_disk(const char *tcp_uri, int up, int down)
{
	struct blk_disk k;
	uint8_t buf[4096];
	char c = 'x';

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || xpv_sandbox_enter())
		return 99;
	if (blk_disk_open(&k, "nbd", uri, false, 512) || blk_disk_read(&k, buf, 4096, 0) ||
	    blk_disk_write(&k, buf, 4096, 8192) || blk_disk_flush(&k))
		return 10;
	blk_disk_close(&k);
	if (blk_disk_open(&k, "nbd", tcp_uri, false, 512) || blk_disk_read(&k, buf, 4096, 0))
		return 11;
	if (write(up, &c, 1) != 1 || read(down, &c, 1) != 1)
		return 12;
	if (blk_disk_read(&k, buf, 4096, 0))
		return 13;
	blk_disk_close(&k);
	return 0;
}

static void nbd_test_sandboxed(void **state)
{
	unsigned int port = 20000 + (unsigned int)getpid() % 20000;
	int up[2], down[2], status = -1;
	char tcp_uri[64], c;
	pid_t pid;

	(void)state;
	snprintf(tcp_uri, sizeof(tcp_uri), "nbd://127.0.0.1:%u/", port);
	assert_int_equal(sh("qemu-nbd --fork --pid-file=tcp.pid -b 127.0.0.1 -p %u -f raw -t disk.raw",
			    port), 0);
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid = fork();
	if (pid == 0)	/* _exit: no sanitizer report at exit */
		_exit(sandboxed_disk(tcp_uri, up[1], down[0]));
	assert_true(pid > 0);
	close(up[1]);
	if (read(up[0], &c, 1) == 1) {
		assert_int_equal(sh("kill -9 $(cat tcp.pid) && while kill -0 $(cat tcp.pid) 2>/dev/null; do sleep 0.05; done"),
				 0);
		assert_int_equal(sh("qemu-nbd --fork --pid-file=tcp.pid -b 127.0.0.1 -p %u -f raw -t disk.raw",
				    port), 0);
		assert_int_equal(write(down[1], &c, 1), 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	sh("kill -9 $(cat tcp.pid)");
	if (WIFSIGNALED(status))
		fail_msg("the worker died of signal %d (SIGSYS: a call the filter lacks)",
			 WTERMSIG(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- the asynchronous path: io.c's slots, served from the loop ---- */

static struct fake_xen *fx;
static struct xpv_backend be;
static struct fake_guest g, other;	/* the NBD disk (guest 1); a raw one (guest 2) */

static const struct xpv_limits limits = {
	.max_devices_per_domain = 4, .max_ring_order = 0, .reqs_per_turn = 32,
};

/* What the driver's test hooks saw. */
static struct {
	unsigned int issued[4];		/* commands issued, by op */
	unsigned int most;		/* on the connection at once, at most */
	unsigned int writes_answered;	/* requests' writes settled */
	int writes_at_flush;		/* of them, when a flush was first issued */
	uint64_t hold_id;		/* this request's answer is kept back */
} seen;

static void on_issue(enum blk_nbd_op op, unsigned int on_connection)
{
	seen.issued[op]++;
	if (on_connection + 1 > seen.most)
		seen.most = on_connection + 1;
	if (op == BLK_NBD_FLUSH && seen.writes_at_flush < 0)
		seen.writes_at_flush = (int)seen.writes_answered;
}

static bool hold(const struct blk_ioreq *r)
{
	if (r->req.id == seen.hold_id)
		return true;
	seen.writes_answered += r->req.op == XPV_BLKIF_OP_WRITE;
	return false;
}

static void start_backend(unsigned int max_inflight)
{
	fx = fake_xen_new();
	blk_config = (struct blk_config){ .max_queues = 1, .file_sector_size = 512,
					  .discard = true, .nbd_retry_ms = 10000,
					  .nbd_stall_ms = 2000, .nbd_max_inflight = max_inflight };
	assert_int_equal(xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits), 0);
	assert_int_equal(guest_connect_vbd(&g, fx, &be, 1, uri, "w"), 4);
}

static int setup_async(void **state)
{
	if (setup(state))
		return -1;
	memset(&seen, 0, sizeof(seen));
	seen.writes_at_flush = -1;
	seen.hold_id = ~0ull;
	blk_nbd_test_issue = on_issue;
	blk_nbd_test_hold = hold;
	start_backend(32);
	return 0;
}

static int teardown_async(void **state)
{
	blk_nbd_test_issue = NULL;
	blk_nbd_test_hold = NULL;
	sh("kill -CONT $(cat nbd.pid) 2>/dev/null");
	if (fx)
		assert_true(stop_backend(&be, fx));
	fx = NULL;
	return teardown(state);
}

static struct blk_vbd *vbd1(void)
{
	return xpv_backend_find(&be, 1, 51712)->priv;
}

static struct blk_queue *queue0(void)
{
	return &vbd1()->queues[0];
}

/* The loop, for @ms: what a worker does meanwhile. */
static void step_for(unsigned int ms)
{
	uint64_t end = xpv_now_ms() + ms;

	while (xpv_now_ms() < end)
		xpv_backend_step(&be, 10);
}

static void send_pages(uint8_t op, unsigned int n, uint8_t **pages)
{
	union xpv_blkif_req r;

	for (unsigned int i = 0; i < n; i++) {
		r = guest_page_req(&g, op, i, &pages[i]);
		guest_send(&g, 0, &r);
	}
}

/* Request i's page is in the image file, at 4096 * i. */
static void pages_on_image(unsigned int n, uint8_t **pages)
{
	uint8_t disk[4096];

	for (unsigned int i = 0; i < n; i++) {
		file_bytes(disk, sizeof(disk), 4096ull * i);
		assert_memory_equal(disk, pages[i], sizeof(disk));
	}
}

/* 32 writes on the connection before the server answers any; read back. */
static void nbd_test_many_in_flight(void **state)
{
	uint8_t *p[32], *q[32];

	(void)state;
	assert_int_equal(queue0()->max_inflight, 32);
	signal_server("STOP");
	send_pages(XPV_BLKIF_OP_WRITE, 32, p);
	step_for(200);
	assert_int_equal(queue0()->nr_inflight, 32);
	assert_int_equal(seen.issued[BLK_NBD_WRITE], 32);
	assert_int_equal(seen.most, 32);
	assert_true(guest_in_order(&g, 0, 0, ~0ull));	/* none answered */
	signal_server("CONT");
	run_backend(&be, fx);
	assert_true(guest_in_order(&g, 32, 0, ~0ull));
	pages_on_image(32, p);
	send_pages(XPV_BLKIF_OP_READ, 32, q);
	run_backend(&be, fx);
	assert_true(guest_in_order(&g, 32, 0, ~0ull));
	for (unsigned int i = 0; i < 32; i++)
		assert_memory_equal(q[i], p[i], 4096);
	assert_int_equal(queue0()->stats.reads, 32);
	assert_int_equal(queue0()->stats.writes, 32);
}

/* Until the guest has one more response, within @ms; false if none came. */
static bool wait_answer(struct fake_guest *who, unsigned int ms, struct xpv_blkif_rsp *rsp)
{
	uint64_t end = xpv_now_ms() + ms;

	while (!guest_collect(who, 0, rsp, 1))
		if (xpv_now_ms() >= end)
			return false;
		else
			xpv_backend_step(&be, 10);
	return true;
}

/*
 * Write 0's answer comes last: nothing is answered before it. The flush
 * after writes 0-3 is issued only once all four are answered; write 5,
 * after the flush, goes on meanwhile. A flush carrying data: its write,
 * then its flush.
 */
static void nbd_test_ring_order_and_flush(void **state)
{
	union xpv_blkif_req f = { .rw = { .operation = XPV_BLKIF_OP_FLUSH_DISKCACHE, .id = 4 } };
	uint8_t *p[6];
	uint64_t end = xpv_now_ms() + 3000;

	(void)state;
	seen.hold_id = 0;
	send_pages(XPV_BLKIF_OP_WRITE, 4, p);
	guest_send(&g, 0, &f);
	f = guest_page_req(&g, XPV_BLKIF_OP_WRITE, 5, &p[5]);
	guest_send(&g, 0, &f);
	while (queue0()->nr_busy != 2 && xpv_now_ms() < end)
		xpv_backend_step(&be, 10);
	assert_int_equal(queue0()->nr_busy, 2);		/* held write 0, the flush */
	assert_int_equal(seen.writes_answered, 4);	/* 1-3, 5 */
	assert_int_equal(seen.issued[BLK_NBD_FLUSH], 0);
	assert_true(guest_in_order(&g, 0, 0, ~0ull));
	seen.hold_id = ~0ull;
	blk_nbd_test_release(&vbd1()->disk);
	run_backend(&be, fx);
	assert_int_equal(seen.writes_at_flush, 5);
	assert_int_equal(seen.issued[BLK_NBD_FLUSH], 1);
	assert_true(guest_in_order(&g, 6, 0, ~0ull));
	f = guest_page_req(&g, XPV_BLKIF_OP_FLUSH_DISKCACHE, 0, &p[0]);
	guest_send(&g, 0, &f);
	run_backend(&be, fx);
	assert_true(guest_in_order(&g, 1, 0, ~0ull));
	assert_int_equal(seen.issued[BLK_NBD_WRITE], 6);
	assert_int_equal(seen.issued[BLK_NBD_FLUSH], 2);
	assert_int_equal(queue0()->stats.flushes, 2);
	pages_on_image(4, p);
}

/* A discard counts as a write for a flush: the flush waits for its answer. */
static void nbd_test_discard_before_flush(void **state)
{
	union xpv_blkif_req d = { 0 }, f = { 0 };

	(void)state;
	assert_true(vbd1()->discard);
	d.discard.operation = XPV_BLKIF_OP_DISCARD;
	d.discard.id = 0;
	d.discard.sector_number = 8;
	d.discard.nr_sectors = 8;
	f.rw.operation = XPV_BLKIF_OP_FLUSH_DISKCACHE;
	f.rw.id = 1;
	seen.hold_id = 0;
	guest_send(&g, 0, &d);
	guest_send(&g, 0, &f);
	step_for(200);
	assert_int_equal(seen.issued[BLK_NBD_TRIM], 1);
	assert_int_equal(seen.issued[BLK_NBD_FLUSH], 0);
	assert_true(guest_in_order(&g, 0, 0, ~0ull));
	seen.hold_id = ~0ull;
	blk_nbd_test_release(&vbd1()->disk);
	run_backend(&be, fx);
	assert_int_equal(seen.issued[BLK_NBD_FLUSH], 1);
	assert_true(guest_in_order(&g, 2, 0, ~0ull));
	assert_int_equal(queue0()->stats.discards, 1);
	assert_int_equal(queue0()->stats.flushes, 1);
}

/*
 * Killed with 32 writes on the connection: none is answered while it is
 * away (a raw disk of the same loop is served meanwhile, at once); all
 * are issued again on the restarted server and land.
 */
static void nbd_test_killed_in_flight(void **state)
{
	struct xpv_blkif_rsp rsp;
	union xpv_blkif_req r;
	uint8_t *p[32], *page;
	uint64_t t0;

	(void)state;
	assert_int_equal(sh("truncate -s 1M other.raw"), 0);
	assert_int_equal(guest_connect_vbd(&other, fx, &be, 2, at("other.raw"), "w"), 4);
	signal_server("STOP");
	send_pages(XPV_BLKIF_OP_WRITE, 32, p);
	step_for(100);
	assert_int_equal(seen.issued[BLK_NBD_WRITE], 32);
	kill_server();
	step_for(100);
	r = guest_page_req(&other, XPV_BLKIF_OP_READ, 1, &page);
	guest_send(&other, 0, &r);
	t0 = xpv_now_ms();
	assert_true(wait_answer(&other, 1000, &rsp));
	assert_true(xpv_now_ms() - t0 < 500);
	assert_int_equal(rsp.status, XPV_BLKIF_RSP_OKAY);
	step_for(300);
	assert_true(guest_in_order(&g, 0, 0, ~0ull));
	serve("disk.raw", "");
	run_backend(&be, fx);
	assert_true(guest_in_order(&g, 32, 0, ~0ull));
	assert_true(seen.issued[BLK_NBD_WRITE] >= 64);
	pages_on_image(32, p);
}

/* Stopped under 8 writes: the stall time drops it; back, they land. */
static void nbd_test_stalled_in_flight(void **state)
{
	uint8_t *p[8];
	uint64_t t0 = xpv_now_ms();

	(void)state;
	blk_config.nbd_stall_ms = 300;
	signal_server("STOP");
	send_pages(XPV_BLKIF_OP_WRITE, 8, p);
	step_for(700);
	assert_non_null(strstr(vbd1()->disk.why, "within the stall time"));
	assert_true(guest_in_order(&g, 0, 0, ~0ull));
	signal_server("CONT");
	run_backend(&be, fx);
	assert_true(guest_in_order(&g, 8, 0, ~0ull));
	assert_true(xpv_now_ms() - t0 >= 300);
	assert_true(seen.issued[BLK_NBD_WRITE] >= 16);
	pages_on_image(8, p);
}

/* Gone past the retry time: errors; the next request is served again. */
static void nbd_test_gone_then_served(void **state)
{
	struct xpv_blkif_rsp rsp[4];
	uint8_t *p[4];
	uint64_t t0;

	(void)state;
	blk_config.nbd_retry_ms = 400;
	kill_server();
	t0 = xpv_now_ms();
	send_pages(XPV_BLKIF_OP_READ, 4, p);
	run_backend(&be, fx);
	assert_true(xpv_now_ms() - t0 >= 400);
	assert_int_equal(guest_collect(&g, 0, rsp, 4), 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(rsp[i].id, i);
		assert_int_equal(rsp[i].status, XPV_BLKIF_RSP_ERROR);
	}
	assert_non_null(strstr(vbd1()->disk.why, "cannot reconnect"));
	serve("disk.raw", "");
	send_pages(XPV_BLKIF_OP_WRITE, 1, p);
	run_backend(&be, fx);
	assert_true(guest_in_order(&g, 1, 0, ~0ull));
	pages_on_image(1, p);
}

/* The frontend closes with writes in flight: answered, then unmapped. */
static void nbd_test_disconnect_drains(void **state)
{
	uint8_t *p[8];

	(void)state;
	signal_server("STOP");
	send_pages(XPV_BLKIF_OP_WRITE, 8, p);
	step_for(100);
	assert_int_equal(queue0()->nr_busy, 8);
	assert_int_equal(sh("(sleep 0.3; kill -CONT $(cat nbd.pid)) >/dev/null 2>&1 &"), 0);
	guest_state(&g, 5);
	run_backend(&be, fx);
	assert_null(vbd1()->queues);
	assert_true(guest_in_order(&g, 8, 0, ~0ull));
	assert_int_equal(fx->live_pages, 0);
	pages_on_image(8, p);
}

/* The daemon stops while the server is gone: failed, drained, clean. */
static void nbd_test_exit_fails_waiting(void **state)
{
	uint8_t *p[4];
	uint64_t t0;

	(void)state;
	blk_config.nbd_retry_ms = 300;
	kill_server();
	send_pages(XPV_BLKIF_OP_WRITE, 4, p);
	step_for(50);
	assert_int_equal(queue0()->nr_busy, 4);
	t0 = xpv_now_ms();
	assert_true(stop_backend(&be, fx));
	fx = NULL;
	assert_true(xpv_now_ms() - t0 < 3000);
}

/* -N 0: no slots, each request served before the next, as before. */
static void nbd_test_synchronous_queue(void **state)
{
	uint8_t *p[1], *q[1];
	union xpv_blkif_req r;

	(void)state;
	assert_true(stop_backend(&be, fx));
	start_backend(0);
	assert_null(queue0()->slots);
	r = guest_page_req(&g, XPV_BLKIF_OP_WRITE, 3, &p[0]);
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	r = guest_page_req(&g, XPV_BLKIF_OP_READ, 3, &q[0]);
	assert_int_equal(guest_roundtrip(&g, &be, &r), XPV_BLKIF_RSP_OKAY);
	assert_memory_equal(q[0], p[0], 4096);
	assert_int_equal(seen.most, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nbd_test_format_split),
		cmocka_unit_test_setup_teardown(nbd_test_serves, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_server_restarted, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_server_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_server_stalled, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_export_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_no_server, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_sandboxed, setup, teardown),
		cmocka_unit_test_setup_teardown(nbd_test_many_in_flight, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_ring_order_and_flush, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_discard_before_flush, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_killed_in_flight, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_stalled_in_flight, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_gone_then_served, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_disconnect_drains, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_exit_fails_waiting, setup_async,
						teardown_async),
		cmocka_unit_test_setup_teardown(nbd_test_synchronous_queue, setup_async,
						teardown_async),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
