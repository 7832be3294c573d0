// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-mmtest: memory-management work for a guest kernel, checked and timed.
 *
 *   xpv-mmtest mmap  COUNT MIB   map MIB of anonymous memory, write a
 *                                pattern to every page, read it back,
 *                                unmap; COUNT times
 *   xpv-mmtest fork  COUNT MIB   touch MIB, then fork COUNT children that
 *                                each check and rewrite every page (copy
 *                                on write) and exit; the parent checks its
 *                                own pages were not changed by them
 *   xpv-mmtest exec  COUNT PATH  fork and exec PATH COUNT times, each must
 *                                exit 0
 *   xpv-mmtest exec-faults COUNT PATH   the same, but print the page
 *                                faults per fork+exec (the children's and
 *                                ours, minor and major) instead of seconds
 *
 * On a PV guest every one of these goes through the paravirtualized MMU:
 * page faults, page-table pages pinned and unpinned, PTE writes through
 * the hypervisor, TLB flushes. A wrong byte or a failed call exits 1 with
 * a message; on success the elapsed seconds (or the fault count) go to
 * stdout, nothing else.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long page_size;

static void die(const char *what)
{
	fprintf(stderr, "xpv-mmtest: %s: %s\n", what, strerror(errno));
	exit(1);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > max) {
		fprintf(stderr, "xpv-mmtest: '%s' is not a number in 1..%lu\n", s, max);
		exit(2);
	}
	return v;
}

/* One word per page, different for every page and every round. */
static uint64_t stamp(size_t page, unsigned long round)
{
	return ((uint64_t)round << 32) ^ (page * 0x9e3779b97f4a7c15ull);
}

static void fill(char *mem, size_t len, unsigned long round)
{
	for (size_t off = 0; off < len; off += page_size)
		*(volatile uint64_t *)(mem + off) = stamp(off / page_size, round);
}

static int verify(const char *mem, size_t len, unsigned long round)
{
	for (size_t off = 0; off < len; off += page_size) {
		if (*(const volatile uint64_t *)(mem + off) != stamp(off / page_size, round)) {
			fprintf(stderr, "xpv-mmtest: page %zu of round %lu holds the wrong value\n",
				off / page_size, round);
			return -1;
		}
	}
	return 0;
}

static char *map(size_t len)
{
	char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		die("mmap");
	return mem;
}

static int run_mmap(unsigned long count, size_t len)
{
	for (unsigned long i = 1; i <= count; i++) {
		char *mem = map(len);

		fill(mem, len, i);
		if (verify(mem, len, i))
			return 1;
		if (munmap(mem, len))
			die("munmap");
	}
	return 0;
}

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int run_fork(unsigned long count, size_t len)
{
	char *mem = map(len);

	fill(mem, len, 0);
	for (unsigned long i = 1; i <= count; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			if (verify(mem, len, 0))
				_exit(1);
			fill(mem, len, i);
			_exit(verify(mem, len, i) ? 1 : 0);
		}
		if (wait_child(pid)) {
			fprintf(stderr, "xpv-mmtest: child %lu failed\n", i);
			return 1;
		}
	}
	return verify(mem, len, 0) ? 1 : 0;
}

static int run_exec(unsigned long count, const char *path)
{
	for (unsigned long i = 1; i <= count; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execl(path, path, (char *)NULL);
			_exit(127);
		}
		if (wait_child(pid)) {
			fprintf(stderr, "xpv-mmtest: exec %lu of %s failed\n", i, path);
			return 1;
		}
	}
	return 0;
}

/* Page faults of this process and its waited-for children so far. */
static long faults(void)
{
	struct rusage self, children;

	if (getrusage(RUSAGE_SELF, &self) || getrusage(RUSAGE_CHILDREN, &children))
		die("getrusage");
	return self.ru_minflt + self.ru_majflt + children.ru_minflt +
	       children.ru_majflt;
}

static int run_exec_faults(unsigned long count, const char *path)
{
	long before = faults();

	if (run_exec(count, path))
		return 1;
	printf("%.1f\n", (double)(faults() - before) / count);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long count;
	double start;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: xpv-mmtest mmap|fork COUNT MIB | exec|exec-faults COUNT PATH\n");
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	count = number(argv[2], 1000000);
	if (!strcmp(argv[1], "exec-faults"))	/* a count, not a time */
		return run_exec_faults(count, argv[3]);
	start = now();
	if (!strcmp(argv[1], "mmap"))
		rc = run_mmap(count, number(argv[3], 4096) << 20);
	else if (!strcmp(argv[1], "fork"))
		rc = run_fork(count, number(argv[3], 4096) << 20);
	else if (!strcmp(argv[1], "exec"))
		rc = run_exec(count, argv[3]);
	else {
		fprintf(stderr, "xpv-mmtest: no mode '%s'\n", argv[1]);
		return 2;
	}
	if (rc)
		return rc;
	printf("%.3f\n", now() - start);
	return 0;
}
