// SPDX-License-Identifier: GPL-2.0-only
/*
 * The workers' seccomp filter (lib/sandbox.c), entered in a child process:
 * what serving needs still works (I/O, memory, time, a thread), and each
 * call a subverted worker would want kills it with SIGSYS: exec, fork, a
 * listening or raw socket, an ioctl nobody listed (privcmd's hypercall
 * among them), io_uring_setup and io_uring_register (a ring's operations
 * pass no filter). The worker's own ring, made before the filter
 * (xpv-blkback's aio.c), still works inside it, for what it serves with
 * only. nbd_test.c serves a disk from inside the filter.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/sys/privcmd.h>
#include <cmocka.h>
#include <liburing.h>
#include <sys/syscall.h>

#include <xpvback/backend.h>
#include "blkback.h"

static void *thread_fn(void *arg)
{
	return arg;
}

/* What a worker does all day; exits 0 when all of it worked. */
static int serving(void)
{
	struct timespec ts;
	pthread_t th;
	void *ret = NULL, *m;
	int p[2];
	char c = 'x';

	if (pipe2(p, O_CLOEXEC) || write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
		return 10;
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		return 11;
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || munmap(m, 1 << 20))
		return 12;
	if (pthread_create(&th, NULL, thread_fn, &c) || pthread_join(th, &ret) || ret != &c)
		return 13;
	if (open("/dev/null", O_RDWR | O_CLOEXEC) < 0)
		return 14;
	if (socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0) < 0 ||
	    socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0) < 0)
		return 15;
	return 0;
}

static void do_exec(void)
{
	char *argv[] = { "true", NULL };

	execv("/bin/true", argv);
}

static void do_fork(void)
{
	if (fork() == 0)
		_exit(0);
}

static void do_raw_socket(void)
{
	socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
}

static void do_packet_socket(void)
{
	socket(AF_PACKET, SOCK_RAW, 0);
}

static void do_netlink_socket(void)
{
	socket(AF_NETLINK, SOCK_RAW, 0);
}

/* A socket it may open, but not listen on. */
static void do_listen(void)
{
	listen(socket(AF_INET, SOCK_STREAM, 0), 1);
}

static void do_bind(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	bind(socket(AF_INET, SOCK_STREAM, 0), (struct sockaddr *)&a, sizeof(a));
}

static void do_hypercall(void)
{
	privcmd_hypercall_t h = { 0 };

	ioctl(0, IOCTL_PRIVCMD_HYPERCALL, &h);
}

static void do_ptrace_like(void)
{
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static void do_uring_setup(void)
{
	struct io_uring_params p = { 0 };

	syscall(__NR_io_uring_setup, 4, &p);
}

/* even on the worker's own ring: no files, no eventfd, no unrestricting */
static void do_uring_register(void)
{
	syscall(__NR_io_uring_register, blk_aio_test_ring()->ring_fd,
		IORING_UNREGISTER_EVENTFD, NULL, 0);
}

/* One SQE on the worker's ring, waited for; its result. */
static int uring_one(void (*prep)(struct io_uring_sqe *sqe, int fd), int fd)
{
	struct io_uring *ring = blk_aio_test_ring();
	struct io_uring_cqe *cqe;
	int res;

	prep(io_uring_get_sqe(ring), fd);
	if (io_uring_submit_and_wait(ring, 1) < 0 || io_uring_peek_cqe(ring, &cqe))
		return -1000;
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static char uring_buf[4096];

static void prep_read(struct io_uring_sqe *sqe, int fd)
{
	io_uring_prep_read(sqe, fd, uring_buf, sizeof(uring_buf), 0);
}

static void prep_fsync(struct io_uring_sqe *sqe, int fd)
{
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	sqe->flags |= IOSQE_IO_DRAIN;
}

static void prep_openat(struct io_uring_sqe *sqe, int fd)
{
	(void)fd;
	io_uring_prep_openat(sqe, AT_FDCWD, "/etc/hostname", O_RDONLY, 0);
}

static int uring_file = -1;

/* In the filter: the ring reads and syncs, and refuses to open. */
static int uring_serving(void)
{
	if (uring_one(prep_read, uring_file) != (int)sizeof(uring_buf))
		return 20;
	if (uring_one(prep_fsync, uring_file) != 0)
		return 21;
	if (uring_one(prep_openat, -1) != -EACCES)
		return 22;
	return 0;
}

/* The worker's ring, as xpv_bdev_ops.worker_init makes it (forked: ours). */
static void make_worker_ring(void)
{
	static struct xpv_backend be;
	char path[] = "/tmp/xpv-sandbox-uring-XXXXXX";

	blk_config.max_inflight = 32;
	assert_int_equal(blk_aio_init(&be), 0);
	assert_true(blk_aio_ready());
	uring_file = mkstemp(path);
	assert_true(uring_file >= 0);
	assert_int_equal(ftruncate(uring_file, 8192), 0);
	unlink(path);
}

static void drop_worker_ring(void)
{
	static struct xpv_backend be;

	blk_aio_exit(&be);
	close(uring_file);
}

/* Run @fn in a sandboxed child; its wait() status. */
static int sandboxed(void (*fn)(void), int (*fn_rc)(void))
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || xpv_sandbox_enter())
			_exit(99);
		if (fn)
			fn();
		/* _exit: no sanitizer report at exit, which would need ptrace */
		_exit(fn_rc ? fn_rc() : 0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void sandbox_test_serving_works(void **state)
{
	int st = sandboxed(NULL, serving);

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void sandbox_test_forbidden_calls_kill(void **state)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} rows[] = {
		{ "execve", do_exec },
		{ "fork", do_fork },
		{ "raw socket", do_raw_socket },
		{ "packet socket", do_packet_socket },
		{ "netlink socket", do_netlink_socket },
		{ "listen", do_listen },
		{ "bind", do_bind },
		{ "privcmd hypercall ioctl", do_hypercall },
		{ "prctl", do_ptrace_like },
		{ "io_uring_setup", do_uring_setup },
		{ "io_uring_register", do_uring_register },
	};
	unsigned int i;

	(void)state;
	make_worker_ring();
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int st = sandboxed(rows[i].fn, NULL);

		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSYS)
			print_error("row: %s\n", rows[i].name);
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGSYS);
	}
	drop_worker_ring();
}

/* io_uring_enter on a ring made before: what a worker serves through. */
static void sandbox_test_worker_ring_works(void **state)
{
	int st;

	(void)state;
	make_worker_ring();
	st = sandboxed(NULL, uring_serving);
	drop_worker_ring();
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sandbox_test_serving_works),
		cmocka_unit_test(sandbox_test_forbidden_calls_kill),
		cmocka_unit_test(sandbox_test_worker_ring_works),
	};

	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
