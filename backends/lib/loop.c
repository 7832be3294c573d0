// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one event loop of a backend daemon: poll the xenstore fd, the
 * event channel fd and the devices' own fds (xpv_fd_watch: a network
 * backend's TAP queues, an NBD disk's socket, for input, output or both),
 * and run device work in between, for every guest. A timer is a timerfd
 * watched the same way (xpv_timer_watch), due at a CLOCK_MONOTONIC time
 * in milliseconds (xpv_now_ms).
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
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

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
	struct xpv_fdw **wp = &be->fdws, *w;

	while ((e = *pp)) {
		if (e->port < 0) {
			*pp = e->next;
			free(e);
		} else {
			pp = &e->next;
		}
	}
	while ((w = *wp)) {
		if (w->fd < 0) {
			*wp = w->next;
			free(w);
		} else {
			wp = &w->next;
		}
	}
}

/**
 * xpv_fd_watch() - poll @fd for input and run @handler when it has some
 * (xpv_fd_events() for other events)
 *
 * Return: the watch, or NULL (ENOMEM). The fd stays the caller's.
 */
struct xpv_fdw *xpv_fd_watch(struct xpv_backend *be, int fd,
			     bool (*handler)(struct xpv_fdw *w), void *arg)
{
	struct xpv_fdw *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->be = be;
	w->fd = fd;
	w->handler = handler;
	w->arg = arg;
	w->events = POLLIN;
	w->work = true;		/* input may be waiting already */
	w->next = be->fdws;
	be->fdws = w;
	return w;
}

/**
 * xpv_fd_events() - what to poll @w's fd for from now on: POLLIN, POLLOUT
 * or both; 0: nothing (as paused). What poll saw is in w->revents when the
 * handler runs; the handler clears it.
 */
void xpv_fd_events(struct xpv_fdw *w, short events)
{
	w->events = events;
}

/* Only marked: the loop frees it between handler runs. */
void xpv_fd_unwatch(struct xpv_fdw *w)
{
	if (!w)
		return;
	w->fd = -1;
	w->work = false;
}

/** xpv_now_ms() - CLOCK_MONOTONIC in milliseconds, the timers' clock */
uint64_t xpv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/**
 * xpv_timer_watch() - a timer: a timerfd of ours, watched; @handler runs
 * once it is due (xpv_timer_set) and reads it
 *
 * Return: the watch, or NULL with errno set.
 */
struct xpv_fdw *xpv_timer_watch(struct xpv_backend *be,
				bool (*handler)(struct xpv_fdw *w), void *arg)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct xpv_fdw *w;

	if (fd < 0)
		return NULL;
	w = xpv_fd_watch(be, fd, handler, arg);
	if (!w) {
		close(fd);
		errno = ENOMEM;
	}
	return w;
}

/** xpv_timer_set() - due at @due_ms (xpv_now_ms's clock); 0: not at all */
void xpv_timer_set(struct xpv_fdw *w, uint64_t due_ms)
{
	struct itimerspec at = { { 0, 0 }, { 0, 0 } };

	/* a time already past fires at once */
	if (due_ms) {
		at.it_value.tv_sec = (time_t)(due_ms / 1000);
		at.it_value.tv_nsec = (long)(due_ms % 1000) * 1000000;
	}
	timerfd_settime(w->fd, TFD_TIMER_ABSTIME, &at, NULL);
}

/** xpv_timer_unwatch() - the timer's fd closed, its watch unwatched */
void xpv_timer_unwatch(struct xpv_fdw *w)
{
	if (!w)
		return;
	close(w->fd);
	xpv_fd_unwatch(w);
}

/** xpv_backend_has_work() - some handler has work left for another turn */
bool xpv_backend_has_work(struct xpv_backend *be)
{
	struct xpv_evt *e;
	struct xpv_fdw *w;

	for (e = be->evts; e; e = e->next)
		if (e->work && e->port >= 0)
			return true;
	for (w = be->fdws; w; w = w->next)
		if (w->work && w->fd >= 0)
			return true;
	return false;
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

	struct xpv_fdw *w;

	for (e = be->evts; e; e = e->next) {
		if (!e->work || e->port < 0)
			continue;
		e->work = e->handler(e);
		more |= e->work && e->port >= 0;
	}
	for (w = be->fdws; w; w = w->next) {
		if (!w->work || w->fd < 0)
			continue;
		w->work = w->handler(w);
		more |= w->work && w->fd >= 0;
	}
	reap(be);
	return more;
}

static bool polled(const struct xpv_fdw *w)
{
	return w->fd >= 0 && !w->paused && w->events;
}

/* pfds[0..1]: xenstore and evtchn; then every watched, unpaused fd. */
static int fill_pfds(struct xpv_backend *be, unsigned int *n)
{
	struct xpv_fdw *w;
	unsigned int want = 2;

	for (w = be->fdws; w; w = w->next)
		want++;
	if (want > be->nr_pfds) {
		struct pollfd *p = realloc(be->pfds, want * sizeof(*p));

		if (!p)
			return -ENOMEM;
		be->pfds = p;
		be->nr_pfds = want;
	}
	be->pfds[0] = (struct pollfd){ .fd = be->t->ops->xs_fd(be->t), .events = POLLIN };
	be->pfds[1] = (struct pollfd){ .fd = be->t->ops->evt_fd(be->t), .events = POLLIN };
	*n = 2;
	for (w = be->fdws; w; w = w->next)
		if (polled(w))
			be->pfds[(*n)++] = (struct pollfd){ .fd = w->fd, .events = w->events };
	return 0;
}

/* Same order as fill_pfds: nothing changed the list in between. */
static void mark_ready(struct xpv_backend *be, unsigned int n)
{
	struct xpv_fdw *w;
	unsigned int i = 2;

	for (w = be->fdws; w && i < n; w = w->next) {
		if (!polled(w) || !be->pfds[i++].revents)
			continue;
		w->revents |= be->pfds[i - 1].revents;
		w->work = true;
	}
}

/**
 * xpv_backend_step() - wait up to @timeout_ms (-1: forever) and handle
 * what came
 *
 * Return: 0, or -errno when poll itself failed.
 */
int xpv_backend_step(struct xpv_backend *be, int timeout_ms)
{
	bool pending;
	unsigned int n;
	int err;

	if (be->rescan)
		xpv_backend_drain_watches(be);
	pending = xpv_backend_has_work(be);
	err = fill_pfds(be, &n);
	if (err)
		return err;
	if (poll(be->pfds, n, pending ? 0 : timeout_ms) < 0)
		return errno == EINTR ? 0 : -errno;
	mark_ready(be, n);
	if (be->pfds[1].revents)
		xpv_backend_drain_events(be);
	if (be->pfds[0].revents)
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
