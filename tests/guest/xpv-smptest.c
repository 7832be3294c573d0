// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-smptest: threads on every CPU share memory while one thread changes
 * its mappings; a TLB entry left stale on another CPU shows as a write
 * that should have faulted or as data from a page that is gone.
 *
 *   xpv-smptest ROUNDS PAGES
 *
 * One thread per online CPU, each pinned to its CPU. Every round:
 *
 *   1. thread 0 maps PAGES pages and fills them with pattern A; every
 *      thread reads every page (A) and writes its own word in each, so
 *      each CPU holds writable TLB entries for all of them;
 *   2. thread 0 mprotects them read-only: every write by every thread must
 *      fault (SIGSEGV), every read still see A;
 *   3. thread 0 unmaps them and maps new pages at the same address with
 *      pattern B: every thread must read B everywhere;
 *   4. thread 0 unmaps them: every read by every thread must fault.
 *
 * The threads meet at a spinning barrier between the steps, so each is on
 * its CPU with the address space loaded while thread 0 changes it. On
 * success the elapsed seconds go to stdout; the first wrong byte, missing
 * fault or failed call exits 1 with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS	64

static long page_size;
static unsigned int nthreads, rounds, pages;
static unsigned char *region;		/* thread 0 changes it between steps */
static volatile int failed;

static __thread sigjmp_buf fault_jmp;
static __thread volatile int fault_armed;

__attribute__((format(printf, 2, 3)))
static void fail(unsigned int t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "xpv-smptest: thread %u: ", t);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failed = 1;
}

static void on_segv(int sig)
{
	(void)sig;
	if (!fault_armed)
		abort();
	fault_armed = 0;
	siglongjmp(fault_jmp, 1);
}

/* A sense-reversing barrier that spins (yielding): nobody sleeps off CPU. */
static volatile unsigned int bar_count, bar_sense;

static void barrier_wait(unsigned int *local_sense)
{
	*local_sense = !*local_sense;
	if (__atomic_add_fetch(&bar_count, 1, __ATOMIC_ACQ_REL) == nthreads) {
		bar_count = 0;
		__atomic_store_n(&bar_sense, *local_sense, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&bar_sense, __ATOMIC_ACQUIRE) != *local_sense)
		sched_yield();
}

static unsigned char pattern(unsigned int round, unsigned int page, int b)
{
	return (unsigned char)(round * 7 + page * 13 + (b ? 101 : 1));
}

/* Does writing (or reading) @p fault? */
static int faults(volatile unsigned char *p, int write)
{
	if (sigsetjmp(fault_jmp, 1))
		return 1;
	fault_armed = 1;
	if (write)
		*p = 0;
	else
		(void)*p;
	fault_armed = 0;
	return 0;
}

static void check_pattern(unsigned int t, unsigned int r, int b)
{
	unsigned int i;

	for (i = 0; i < pages; i++) {
		unsigned char want = pattern(r, i, b), got;

		got = region[i * page_size + MAX_THREADS * sizeof(long)];
		if (got != want)
			fail(t, "round %u page %u: read %#x, want %#x", r, i,
			     got, want);
	}
}

static void touch_all(unsigned int t)
{
	unsigned int i;

	for (i = 0; i < pages; i++)
		((volatile long *)(region + i * page_size))[t] = t + 1;
}

static void expect_faults(unsigned int t, int write)
{
	unsigned int i;

	for (i = 0; i < pages; i++)
		if (!faults(region + i * page_size, write))
			fail(t, "page %u: a %s did not fault", i,
			     write ? "write" : "read");
}

static void map_region(unsigned int r, int b, int fixed)
{
	unsigned int i;
	void *p = mmap(fixed ? region : NULL, pages * page_size,
		       PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | (fixed ? MAP_FIXED : 0), -1, 0);

	if (p == MAP_FAILED || (fixed && p != region)) {
		perror("xpv-smptest: mmap");
		exit(1);
	}
	region = p;
	for (i = 0; i < pages; i++)
		memset(region + i * page_size, pattern(r, i, b), page_size);
}

static void step(unsigned int t, unsigned int *sense, void (*leader)(unsigned int),
		 unsigned int r)
{
	barrier_wait(sense);
	if (t == 0)
		leader(r);
	barrier_wait(sense);
}

static void map_a(unsigned int r) { map_region(r, 0, 0); }
static void remap_b(unsigned int r) { map_region(r, 1, 1); }

static void protect(unsigned int r)
{
	(void)r;
	if (mprotect(region, pages * page_size, PROT_READ))
		fail(0, "mprotect: %s", strerror(errno));
}

static void unmap(unsigned int r)
{
	(void)r;
	if (munmap(region, pages * page_size))
		fail(0, "munmap: %s", strerror(errno));
}

static void pin(unsigned int t)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(t, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fail(t, "sched_setaffinity: %s", strerror(errno));
}

static void *thread_main(void *arg)
{
	unsigned int t = (unsigned int)(uintptr_t)arg, r, sense = 0;

	pin(t);
	/* Every thread runs every round: one that left early would leave
	 * the others at a barrier. */
	for (r = 0; r < rounds; r++) {
		step(t, &sense, map_a, r);
		check_pattern(t, r, 0);
		touch_all(t);
		step(t, &sense, protect, r);
		expect_faults(t, 1);
		check_pattern(t, r, 0);
		step(t, &sense, remap_b, r);
		check_pattern(t, r, 1);
		step(t, &sense, unmap, r);
		expect_faults(t, 0);
	}
	return NULL;
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !v || v > max) {
		fprintf(stderr, "xpv-smptest: bad number '%s' (1..%lu)\n", s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	pthread_t tid[MAX_THREADS];
	struct timespec t0, t1;
	struct sigaction sa = { .sa_handler = on_segv };
	unsigned int i;

	if (argc != 3) {
		fprintf(stderr, "usage: xpv-smptest ROUNDS PAGES\n");
		return 2;
	}
	rounds = number(argv[1], 1000000);
	pages = number(argv[2], 4096);
	page_size = sysconf(_SC_PAGESIZE);
	nthreads = sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 2 || nthreads > MAX_THREADS) {
		fprintf(stderr, "xpv-smptest: %u CPUs online, need 2..%d\n",
			nthreads, MAX_THREADS);
		return 1;
	}
	sigaction(SIGSEGV, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&tid[i], NULL, thread_main, (void *)(uintptr_t)i)) {
			fprintf(stderr, "xpv-smptest: pthread_create failed\n");
			return 1;
		}
	thread_main(0);
	for (i = 1; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (failed)
		return 1;
	printf("%.2f\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
