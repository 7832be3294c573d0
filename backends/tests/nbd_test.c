// SPDX-License-Identifier: GPL-2.0-only
/*
 * The nbd storage driver against qemu-nbd: a disk named by URI, read and
 * written through the server into its image; the server killed, stopped
 * or replaced under an open disk. A request issued while the server is
 * away waits for it and lands (never answered unwritten), one issued
 * while it stays away past the retry time fails with a reason, and a
 * server that comes back with another export is refused. And all of it
 * from inside a worker's seccomp filter, over a Unix socket and TCP.
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
