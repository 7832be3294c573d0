// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one event loop of a backend daemon: poll the xenstore fd and the
 * event channel fd, and run device work in between, for every guest.
 *
 * Fairness: a handler takes at most limits.reqs_per_turn requests per run
 * and says whether work is left; while any is, poll does not sleep and
 * the handlers run round-robin, so a guest that keeps its ring full delays
 * the others by one turn at most. Signals only set flags (main.c); this
 * loop looks at them between turns.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include <xpvback/backend.h>

static struct xpv_evt *find_port(struct xpv_backend *be, int port)
{
	struct xpv_evt *e;

	for (e = be->evts; e; e = e->next)
		if (e->port == port)
			return e;
	return NULL;
}

/** xpv_backend_drain_events() - note every port that fired, unmask it */
void xpv_backend_drain_events(struct xpv_backend *be)
{
	struct xpv_transport *t = be->t;
	struct xpv_evt *e;
	int port, n;

	/* bounded: a storm of events is handled a batch at a time */
	for (n = 0; n < 1024; n++) {
		port = t->ops->evt_pending(t);
		if (port < 0)
			break;
		e = find_port(be, port);
		if (e)
			e->work = true;
		t->ops->evt_unmask(t, (uint32_t)port);
	}
}

static void reap(struct xpv_backend *be)
{
	struct xpv_evt **pp = &be->evts, *e;

	while ((e = *pp)) {
		if (e->port < 0) {
			*pp = e->next;
			free(e);
		} else {
			pp = &e->next;
		}
	}
}

/**
 * xpv_backend_run_work() - one turn of every handler with work
 *
 * Return: true when some handler has work left.
 */
bool xpv_backend_run_work(struct xpv_backend *be)
{
	struct xpv_evt *e;
	bool more = false;

	for (e = be->evts; e; e = e->next) {
		if (!e->work || e->port < 0)
			continue;
		e->work = e->handler(e);
		more |= e->work && e->port >= 0;
	}
	reap(be);
	return more;
}

/**
 * xpv_backend_step() - wait up to @timeout_ms (-1: forever) and handle
 * what came
 *
 * Return: 0, or -errno when poll itself failed.
 */
int xpv_backend_step(struct xpv_backend *be, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = be->t->ops->xs_fd(be->t), .events = POLLIN },
		{ .fd = be->t->ops->evt_fd(be->t), .events = POLLIN },
	};
	bool pending = false;
	struct xpv_evt *e;

	for (e = be->evts; e; e = e->next)
		pending |= e->work;
	if (be->rescan)
		xpv_backend_drain_watches(be);
	if (poll(p, 2, pending ? 0 : timeout_ms) < 0)
		return errno == EINTR ? 0 : -errno;
	if (p[1].revents)
		xpv_backend_drain_events(be);
	if (p[0].revents)
		xpv_backend_drain_watches(be);
	xpv_backend_run_work(be);
	return 0;
}

/**
 * xpv_backend_run() - serve until *@stop is set
 * @dump: set by SIGUSR1; the counters of every device are logged
 */
int xpv_backend_run(struct xpv_backend *be, volatile sig_atomic_t *stop,
		    volatile sig_atomic_t *dump)
{
	int err = 0;

	while (!*stop && !err) {
		err = xpv_backend_step(be, 1000);
		if (*dump) {
			*dump = 0;
			xpv_backend_dump(be);
		}
	}
	return err;
}
