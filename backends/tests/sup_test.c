// SPDX-License-Identifier: GPL-2.0-only
/*
 * The supervisor's decisions (lib/sup.c) against fake_xen, fake processes
 * and a fake clock: a worker per guest directory and only for names that
 * are guests' domids, a dead worker started again after a delay that
 * doubles and starts afresh once a worker has lived long enough, a worker
 * stopped once when its guest's directory goes, forgotten once reaped.
 */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <xpvback/backend.h>
#include <xpvback/sup.h>
#include "fake_xen.h"

#define ROOT	"/local/domain/0/backend/vbd"

static struct fake_xen *fx;
static struct xpv_sup sup;
static uint64_t now;
static pid_t next_pid;
static int spawn_error;		/* the next spawn fails with it */
static unsigned int spawns, kills;
static int last_sig;
static pid_t last_killed;

static pid_t fake_spawn(void *ctx, uint16_t domid)
{
	(void)ctx;
	(void)domid;
	if (spawn_error) {
		int e = spawn_error;

		spawn_error = 0;
		return e;
	}
	spawns++;
	return ++next_pid;
}

static int fake_kill(void *ctx, pid_t pid, int sig)
{
	(void)ctx;
	kills++;
	last_killed = pid;
	last_sig = sig;
	return 0;
}

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return now;
}

static const struct xpv_sup_ops ops = {
	.spawn = fake_spawn, .kill = fake_kill, .now_ms = fake_now,
};

static int setup(void **state)
{
	(void)state;
	fx = fake_xen_new();
	now = 1000;
	next_pid = 100;
	spawns = kills = 0;
	spawn_error = 0;
	assert_int_equal(xpv_sup_init(&sup, &fx->t, "vbd", 0, &ops, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	xpv_sup_free(&sup);
	fake_xen_free(fx);
	return 0;
}

/* What the toolstack writes for a guest's disk. */
static void dev_dir(const char *domid, const char *devid)
{
	char path[128];

	snprintf(path, sizeof(path), ROOT "/%s/%s/frontend-id", domid, devid);
	fake_write(fx, path, "%s", domid);
}

static void guest_dir(unsigned int domid)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", domid);
	dev_dir(name, "51712");
}

static void step(void)
{
	xpv_sup_watch_events(&sup);
	xpv_sup_step(&sup);
}

static pid_t pid_of(uint16_t domid)
{
	struct xpv_worker *w = xpv_sup_find(&sup, domid);

	return w ? w->pid : -1;
}

static void sup_test_delays(void **state)
{
	(void)state;
	assert_int_equal(xpv_sup_delay_ms(0), 0);
	assert_int_equal(xpv_sup_delay_ms(1), XPV_SUP_DELAY_FIRST_MS);
	assert_int_equal(xpv_sup_delay_ms(2), 2 * XPV_SUP_DELAY_FIRST_MS);
	assert_int_equal(xpv_sup_delay_ms(7), 64 * XPV_SUP_DELAY_FIRST_MS);
	assert_int_equal(xpv_sup_delay_ms(8), XPV_SUP_DELAY_MAX_MS);
	assert_int_equal(xpv_sup_delay_ms(33), XPV_SUP_DELAY_MAX_MS);
	assert_int_equal(xpv_sup_delay_ms(~0u), XPV_SUP_DELAY_MAX_MS);
}

static void sup_test_one_worker_per_guest(void **state)
{
	(void)state;
	step();				/* nothing there yet */
	assert_int_equal(spawns, 0);
	guest_dir(3);
	guest_dir(5);
	dev_dir("5", "51728");		/* a second disk */
	step();
	assert_int_equal(spawns, 2);
	assert_int_equal(xpv_sup_running(&sup), 2);
	assert_true(pid_of(3) > 0);
	assert_true(pid_of(5) > 0);
	step();				/* nothing new: nothing started */
	assert_int_equal(spawns, 2);
	assert_int_equal(xpv_sup_timeout_ms(&sup), -1);
}

/* Directory names that are not a guest's domid start no worker. */
static void sup_test_not_guests(void **state)
{
	static const char *const names[] = {
		"0", "00", "03", "-3", "+3", "3x", " 3", "abc", "32752", "65539",
		"4294967299",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		dev_dir(names[i], "0");
	step();
	assert_int_equal(spawns, 0);
	guest_dir(32751);		/* the last domid a guest can have */
	step();
	assert_int_equal(spawns, 1);
}

static void sup_test_restart_backs_off(void **state)
{
	pid_t first;

	(void)state;
	guest_dir(3);
	step();
	first = pid_of(3);
	now += 10;
	xpv_sup_reaped(&sup, first, SIGSEGV);	/* killed by a signal */
	assert_int_equal(pid_of(3), 0);
	assert_int_equal(sup.restarts, 1);
	assert_int_equal(xpv_sup_timeout_ms(&sup), XPV_SUP_DELAY_FIRST_MS);
	now += XPV_SUP_DELAY_FIRST_MS - 1;
	step();
	assert_int_equal(spawns, 1);		/* not yet */
	now += 1;
	step();
	assert_int_equal(spawns, 2);
	assert_true(pid_of(3) > first);
	/* dies again at once: twice the delay */
	xpv_sup_reaped(&sup, pid_of(3), 1 << 8);	/* exit(1) */
	assert_int_equal(xpv_sup_timeout_ms(&sup), 2 * XPV_SUP_DELAY_FIRST_MS);
}

/* A worker that served long enough before dying starts over at the first delay. */
static void sup_test_healthy_worker_forgiven(void **state)
{
	unsigned int i;

	(void)state;
	guest_dir(3);
	step();
	for (i = 0; i < 5; i++) {	/* five quick deaths */
		xpv_sup_reaped(&sup, pid_of(3), SIGSEGV);
		now += XPV_SUP_DELAY_MAX_MS;
		step();
	}
	assert_int_equal(xpv_sup_find(&sup, 3)->deaths, 5);
	now += XPV_SUP_HEALTHY_MS;
	xpv_sup_reaped(&sup, pid_of(3), SIGSEGV);
	assert_int_equal(xpv_sup_timeout_ms(&sup), XPV_SUP_DELAY_FIRST_MS);
}

static void sup_test_spawn_failure_retried(void **state)
{
	(void)state;
	guest_dir(4);
	spawn_error = -EAGAIN;
	step();
	assert_int_equal(pid_of(4), 0);
	assert_int_equal(xpv_sup_timeout_ms(&sup), XPV_SUP_DELAY_FIRST_MS);
	now += XPV_SUP_DELAY_FIRST_MS;
	step();
	assert_true(pid_of(4) > 0);
}

/* The guest's directory goes: one SIGTERM, then forgotten once reaped. */
static void sup_test_guest_gone(void **state)
{
	pid_t pid;

	(void)state;
	guest_dir(3);
	guest_dir(5);
	step();
	pid = pid_of(5);
	fake_rm(fx, ROOT "/5");
	step();
	assert_int_equal(kills, 1);
	assert_int_equal(last_killed, pid);
	assert_int_equal(last_sig, SIGTERM);
	step();
	assert_int_equal(kills, 1);		/* asked once */
	xpv_sup_reaped(&sup, pid, 0);
	assert_int_equal(sup.restarts, 0);	/* not a death */
	step();
	assert_null(xpv_sup_find(&sup, 5));
	assert_true(pid_of(3) > 0);		/* the other guest untouched */
	assert_int_equal(xpv_sup_running(&sup), 1);
}

/* A worker that dies while its guest goes is not started again. */
static void sup_test_death_of_a_gone_guest(void **state)
{
	pid_t pid;

	(void)state;
	guest_dir(6);
	step();
	pid = pid_of(6);
	fake_rm(fx, ROOT "/6");
	xpv_sup_watch_events(&sup);
	xpv_sup_step(&sup);			/* SIGTERM sent */
	xpv_sup_reaped(&sup, pid, SIGKILL);
	step();
	assert_null(xpv_sup_find(&sup, 6));
	assert_int_equal(spawns, 1);
}

/* SIGUSR1 and the stop go to every running worker. */
static void sup_test_signal_all(void **state)
{
	(void)state;
	guest_dir(3);
	guest_dir(7);
	step();
	xpv_sup_signal_all(&sup, SIGUSR1);
	assert_int_equal(kills, 2);
	assert_int_equal(last_sig, SIGUSR1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sup_test_delays),
		cmocka_unit_test_setup_teardown(sup_test_one_worker_per_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(sup_test_not_guests, setup, teardown),
		cmocka_unit_test_setup_teardown(sup_test_restart_backs_off, setup, teardown),
		cmocka_unit_test_setup_teardown(sup_test_healthy_worker_forgiven, setup, teardown),
		cmocka_unit_test_setup_teardown(sup_test_spawn_failure_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(sup_test_guest_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(sup_test_death_of_a_gone_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(sup_test_signal_all, setup, teardown),
	};

	xpv_log_quiet = 1;
	return cmocka_run_group_tests_name("sup", tests, NULL, NULL);
}
