// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-cputest: the CPU state a PV kernel keeps for user space, checked.
 *
 *   xpv-cputest NAME...   run the named tests (all when none is named);
 *                         one line per test, "ok NAME" or "FAIL NAME: why";
 *                         exit 1 when any failed
 *
 * Under Xen PV each of these goes through the port: faults arrive through
 * the trap table with the fault address from Xen (not CR2), the FPU is
 * switched by the kernel with Xen's help (fpu_taskswitch / CR0.TS), the
 * FS and GS bases are set with hypercalls, signals are delivered on frames
 * the kernel builds and left through sigreturn and Xen's iret.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf jump;
static volatile siginfo_t last_info;
static volatile int last_sig;

static void catch(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	last_sig = sig;
	memcpy((void *)&last_info, info, sizeof(*info));
	siglongjmp(jump, 1);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL)) {
		perror("sigaction");
		exit(2);
	}
}

#define FAIL(...) do { printf("FAIL %s: ", __func__ + 5); printf(__VA_ARGS__); printf("\n"); return 1; } while (0)

#define ANY_CODE	-1000

/*
 * A fault's signal, code (or ANY_CODE) and address (unless NULL): under PV
 * the address comes from Xen, not CR2.
 */
static int expect_fault(void (*fn)(void *), void *arg, int sig, int code,
			void *addr, const char *what)
{
	last_sig = 0;
	on(sig, catch, 0);
	if (!sigsetjmp(jump, 1)) {
		fn(arg);
		printf("FAIL %s: no signal\n", what);
		return 1;
	}
	signal(sig, SIG_DFL);
	if (last_sig != sig || (code != ANY_CODE && last_info.si_code != code) ||
	    (addr && last_info.si_addr != addr)) {
		printf("FAIL %s: signal %d code %d addr %p, want %d %d %p\n", what,
		       last_sig, last_info.si_code, last_info.si_addr, sig, code, addr);
		return 1;
	}
	return 0;
}

static void read_at(void *p) { (void)*(volatile char *)p; }
static void write_at(void *p) { *(volatile char *)p = 1; }
static void trap_ud2(void *p) { (void)p; asm volatile("ud2"); }
static void trap_int3(void *p) { (void)p; asm volatile("int3"); }
static void divide(void *p)
{
	unsigned int z = (unsigned int)(uintptr_t)p, lo = 1, hi = 0;

	asm volatile("divl %2" : "+a"(lo), "+d"(hi) : "r"(z));
}

/* An address in the kernel's half: the start of the direct map. */
#define test_faults_kernel	0xffff888000001000ul

static int test_faults(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *ro = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *none = mmap(NULL, ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *gone = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (ro == MAP_FAILED || none == MAP_FAILED || gone == MAP_FAILED)
		FAIL("mmap: %s", strerror(errno));
	munmap(gone, ps);
	read_at(ro + 5);	/* readable: no signal */
	if (expect_fault(write_at, ro + 123, SIGSEGV, SEGV_ACCERR, ro + 123, "faults/write-read-only") ||
	    expect_fault(read_at, none + 7, SIGSEGV, SEGV_ACCERR, none + 7, "faults/read-prot-none") ||
	    expect_fault(read_at, gone + 9, SIGSEGV, SEGV_MAPERR, gone + 9, "faults/read-unmapped") ||
	    /* the kernel's own mapping: user mode must not read it */
	    expect_fault(read_at, (void *)test_faults_kernel, SIGSEGV, ANY_CODE,
			 (void *)test_faults_kernel, "faults/kernel-address") ||
	    /* not canonical: #GP, not #PF */
	    expect_fault(write_at, (void *)0x8000000000000000ul, SIGSEGV, SI_KERNEL, NULL,
			 "faults/non-canonical") ||
	    expect_fault(trap_ud2, NULL, SIGILL, ILL_ILLOPN, NULL, "faults/ud2") ||
	    expect_fault(trap_int3, NULL, SIGTRAP, SI_KERNEL, NULL, "faults/int3") ||
	    expect_fault(divide, 0, SIGFPE, FPE_INTDIV, NULL, "faults/divide-by-zero"))
		return 1;
	return 0;
}

/* A sum that uses SSE registers and x87 at once; exact, so comparable. */
static double work(unsigned int seed, unsigned int n)
{
	double sse = seed;
	long double x87 = seed;

	for (unsigned int i = 1; i <= n; i++) {
		sse = sse * 1.0000001 + sqrt((double)i);
		x87 = x87 * 0.9999999L + (long double)i / 3;
		if (i % 4096 == 0)
			sched_yield();
	}
	return sse + (double)x87;
}

static volatile unsigned int alarms;

static void clobber_fpu(int sig)
{
	volatile double d = 1.0;

	(void)sig;
	for (int i = 0; i < 100; i++)
		d = d * 3.7 + sqrt(d);	/* the handler's own use of SSE */
	alarms++;
}

/* Concurrent processes and a signal handler all use the FPU. */
static int test_fpu(void)
{
	enum { PROCS = 4, N = 400000 };
	double want[PROCS];
	pid_t pid[PROCS];
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	int bad = 0;

	for (int p = 0; p < PROCS; p++)
		want[p] = work(p + 1, N);
	signal(SIGALRM, clobber_fpu);
	for (int p = 0; p < PROCS; p++) {
		pid[p] = fork();
		if (pid[p] < 0)
			FAIL("fork: %s", strerror(errno));
		if (pid[p] == 0) {
			setitimer(ITIMER_REAL, &it, NULL);
			double got = work(p + 1, N);

			it.it_value.tv_usec = it.it_interval.tv_usec = 0;
			setitimer(ITIMER_REAL, &it, NULL);
			_exit(got == want[p] ? (alarms ? 0 : 3) : 1);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int st;

		waitpid(pid[p], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("FAIL fpu: process %d ended with status %#x (1: wrong result, 3: no signal came)\n",
			       p, st);
			bad = 1;
		}
	}
	signal(SIGALRM, SIG_DFL);
	return bad;
}

static long arch_prctl(int code, unsigned long addr)
{
	return syscall(SYS_arch_prctl, code, addr);
}

static uint64_t gs_word(void)
{
	uint64_t v;

	asm volatile("movq %%gs:0, %0" : "=r"(v));
	return v;
}

static __thread uint64_t tls_word;

static void *thread_tls(void *arg)
{
	tls_word = (uintptr_t)arg;
	for (int i = 0; i < 1000; i++) {
		sched_yield();
		if (tls_word != (uintptr_t)arg)
			return (void *)1;
	}
	return NULL;
}

/* GS base set through the kernel (a hypercall under PV), kept across
 * switches and fork; FS base (TLS) per thread. */
static int test_segments(void)
{
	static uint64_t gs_area[2] = { 0x1234567890abcdefull, 0 };
	unsigned long base = 0;
	pthread_t th[3];

	if (arch_prctl(ARCH_SET_GS, (unsigned long)gs_area))
		FAIL("ARCH_SET_GS: %s", strerror(errno));
	if (arch_prctl(ARCH_GET_GS, (unsigned long)&base) || base != (unsigned long)gs_area)
		FAIL("ARCH_GET_GS gave %#lx, want %p", base, (void *)gs_area);
	for (int i = 0; i < 200; i++) {
		sched_yield();
		if (gs_word() != gs_area[0])
			FAIL("%%gs:0 is %#llx after a switch", (unsigned long long)gs_word());
	}
	pid_t pid = fork();

	if (pid == 0)
		_exit(gs_word() == gs_area[0] ? 0 : 1);
	int st;

	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		FAIL("the forked child's GS base differs");
	arch_prctl(ARCH_SET_GS, 0);

	tls_word = 7;
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, thread_tls, (void *)(uintptr_t)(100 + i));
	for (int i = 0; i < 3; i++) {
		void *r;

		pthread_join(th[i], &r);
		if (r)
			FAIL("thread %d saw another thread's TLS", i);
	}
	if (tls_word != 7)
		FAIL("the main thread's TLS changed to %llu", (unsigned long long)tls_word);
	return 0;
}

static volatile int nested_depth, max_depth;
static char *alt_lo, *alt_hi;

static void on_alt(int sig, siginfo_t *info, void *uc)
{
	char here;

	(void)info; (void)uc;
	if (&here < alt_lo || &here >= alt_hi)
		max_depth = -1000;	/* not on the alternate stack */
	nested_depth++;
	if (nested_depth > max_depth)
		max_depth = nested_depth;
	if (sig == SIGUSR1)
		raise(SIGUSR2);	/* nested: SIGUSR2 is not blocked */
	nested_depth--;
}

/* sigaltstack, a nested signal, and state intact after sigreturn. */
static int test_signals(void)
{
	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	volatile uint64_t r12_like = 0x5a5a5a5a12345678ull;

	alt_lo = alt;
	alt_hi = alt + sizeof(alt);
	if (sigaltstack(&ss, NULL))
		FAIL("sigaltstack: %s", strerror(errno));
	on(SIGUSR1, on_alt, SA_ONSTACK | SA_NODEFER);
	on(SIGUSR2, on_alt, SA_ONSTACK);
	for (int i = 0; i < 1000; i++)
		raise(SIGUSR1);
	if (max_depth != 2)
		FAIL("handler depth %d, want 2 (negative: not on the alternate stack)", max_depth);
	if (r12_like != 0x5a5a5a5a12345678ull)
		FAIL("a local changed across signals");
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} tests[] = {
	{ "faults", test_faults },
	{ "fpu", test_fpu },
	{ "segments", test_segments },
	{ "signals", test_signals },
};

int main(int argc, char **argv)
{
	int failed = 0, ran = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++) {
		int want = argc == 1;

		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], tests[t].name);
		if (!want)
			continue;
		ran++;
		if (tests[t].fn())
			failed++;
		else
			printf("ok %s\n", tests[t].name);
	}
	if (!ran) {
		fprintf(stderr, "xpv-cputest: no such test\n");
		return 2;
	}
	return failed ? 1 : 0;
}
