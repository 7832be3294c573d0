// SPDX-License-Identifier: GPL-2.0-only
/*
 * sup: the supervisor of a backend daemon's per-guest workers.
 *
 * WHY: a guest that finds a bug in a backend must not reach other guests
 * or dom0 (one guest's bad ring-page-order once stopped every guest's
 * disks). So the daemon's first process serves no guest. It watches
 * backend/<type> and keeps one worker per guest domain found there: the
 * daemon again (daemon.c execs itself with -W <domid>), serving only that
 * domain's devices, with only the capabilities it needs and a seccomp
 * filter (sandbox.c). A worker that dies is started again after a delay
 * that doubles with each death in a row (XPV_SUP_DELAY_*); the new one
 * finds the devices where the dead one left them and reconnects, as a
 * restarted daemon does. Other guests see nothing of it.
 *
 * The supervisor reads only the names of the domain directories under
 * backend/<type>, which the toolstack writes, never a guest.
 *
 * Life of a worker: found (present, pid 0, start_at now) -> spawned (pid)
 * -> dies (pid 0, start_at later) -> spawned ... ; its dir removed ->
 * SIGTERM (stopping) -> reaped -> forgotten.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <xpvback/backend.h>
#include <xpvback/sup.h>

#define SUP_TOKEN	"xpv-sup"

/** xpv_sup_delay_ms() - how long a worker that died @deaths times in a row waits */
uint32_t xpv_sup_delay_ms(unsigned int deaths)
{
	if (!deaths)
		return 0;
	if (deaths > 16)
		return XPV_SUP_DELAY_MAX_MS;
	return XPV_SUP_DELAY_FIRST_MS << (deaths - 1) > XPV_SUP_DELAY_MAX_MS ?
	       XPV_SUP_DELAY_MAX_MS : XPV_SUP_DELAY_FIRST_MS << (deaths - 1);
}

int xpv_sup_init(struct xpv_sup *s, struct xpv_transport *t, const char *type,
		 unsigned int self, const struct xpv_sup_ops *ops, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->t = t;
	s->ops = ops;
	s->ctx = ctx;
	if (xpv_path(s->root, sizeof(s->root), "/local/domain/%u/backend/%s", self, type))
		return -ENAMETOOLONG;
	s->rescan = true;
	return t->ops->xs_watch(t, s->root, SUP_TOKEN);
}

struct xpv_worker *xpv_sup_find(struct xpv_sup *s, uint16_t domid)
{
	struct xpv_worker *w;

	for (w = s->workers; w; w = w->next)
		if (w->domid == domid)
			return w;
	return NULL;
}

/* A guest's domid as the toolstack writes it: 1 .. DOMID_FIRST_RESERVED - 1. */
static int parse_domid(const char *name, uint16_t *domid)
{
	unsigned long long v;

	if (name[0] == '0' || xpv_parse_ull(name, 0x7fef, &v))
		return -EINVAL;
	*domid = (uint16_t)v;
	return 0;
}

static void found(struct xpv_sup *s, uint16_t domid)
{
	struct xpv_worker *w = xpv_sup_find(s, domid);

	if (!w) {
		w = calloc(1, sizeof(*w));
		if (!w)
			return;		/* the next rescan tries again */
		w->domid = domid;
		w->start_at = s->ops->now_ms(s->ctx);
		w->next = s->workers;
		s->workers = w;
	}
	w->present = true;
}

static void rescan(struct xpv_sup *s)
{
	struct xpv_transport *t = s->t;
	struct xpv_worker *w;
	unsigned int n = 0, i;
	char **doms;
	uint16_t domid;

	doms = t->ops->xs_directory(t, s->root, &n);
	if (!doms && errno != ENOENT)
		return;		/* xenstore hiccup: keep what we know */
	s->rescan = false;
	for (w = s->workers; w; w = w->next)
		w->present = false;
	for (i = 0; i < n; i++)
		if (!parse_domid(doms[i], &domid))
			found(s, domid);
	free(doms);
}

/** xpv_sup_watch_events() - take the pending watch events: any means rescan */
void xpv_sup_watch_events(struct xpv_sup *s)
{
	char path[XPV_PATH_MAX], token[32];

	while (s->t->ops->xs_next_watch(s->t, path, sizeof(path), token,
					sizeof(token)) == 1)
		s->rescan = true;
}

static void start(struct xpv_sup *s, struct xpv_worker *w, uint64_t now)
{
	pid_t pid = s->ops->spawn(s->ctx, w->domid);

	if (pid > 0) {
		xpv_log("domain %u: worker %d", w->domid, (int)pid);
		w->pid = pid;
		w->started_at = now;
		return;
	}
	w->deaths++;
	w->start_at = now + xpv_sup_delay_ms(w->deaths);
	xpv_log("cannot start the worker of domain %u: %s", w->domid, strerror(-pid));
}

/* Start what is due, stop what is gone, forget what is gone and stopped. */
static void step_one(struct xpv_sup *s, struct xpv_worker *w, uint64_t now)
{
	if (w->present && !w->pid && now >= w->start_at) {
		start(s, w, now);
	} else if (!w->present && w->pid && !w->stopping) {
		s->ops->kill(s->ctx, w->pid, SIGTERM);
		w->stopping = true;
	}
}

/** xpv_sup_step() - one pass over the workers, after a rescan if one is due */
void xpv_sup_step(struct xpv_sup *s)
{
	uint64_t now = s->ops->now_ms(s->ctx);
	struct xpv_worker **pp = &s->workers, *w;

	if (s->rescan)
		rescan(s);
	while ((w = *pp)) {
		step_one(s, w, now);
		if (!w->present && !w->pid) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

/**
 * xpv_sup_reaped() - a worker ended with wait() @status
 *
 * One asked to stop, or whose guest is gone, is forgotten at the next
 * step; any other death schedules a restart.
 */
void xpv_sup_reaped(struct xpv_sup *s, pid_t pid, int status)
{
	uint64_t now = s->ops->now_ms(s->ctx);
	struct xpv_worker *w;

	for (w = s->workers; w && w->pid != pid; w = w->next)
		;
	if (!w)
		return;
	w->pid = 0;
	if (w->stopping || !w->present) {
		w->stopping = false;
		return;
	}
	if (now - w->started_at >= XPV_SUP_HEALTHY_MS)
		w->deaths = 0;
	w->deaths++;
	w->start_at = now + xpv_sup_delay_ms(w->deaths);
	s->restarts++;
	if (WIFSIGNALED(status))
		xpv_log("the worker of domain %u died (signal %d%s): restarting in %u ms",
			w->domid, WTERMSIG(status),
			WTERMSIG(status) == SIGSYS ? ", a call outside its sandbox" : "",
			xpv_sup_delay_ms(w->deaths));
	else
		xpv_log("the worker of domain %u exited (%d): restarting in %u ms",
			w->domid, WEXITSTATUS(status), xpv_sup_delay_ms(w->deaths));
}

/** xpv_sup_timeout_ms() - until the next due start or retry, or -1 when none waits */
int xpv_sup_timeout_ms(const struct xpv_sup *s)
{
	uint64_t now = s->ops->now_ms(s->ctx), next = UINT64_MAX;
	const struct xpv_worker *w;

	if (s->rescan)
		return 1000;	/* a listing failed: try again soon */
	for (w = s->workers; w; w = w->next)
		if (w->present && !w->pid && w->start_at < next)
			next = w->start_at;
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

unsigned int xpv_sup_running(const struct xpv_sup *s)
{
	const struct xpv_worker *w;
	unsigned int n = 0;

	for (w = s->workers; w; w = w->next)
		n += w->pid > 0;
	return n;
}

void xpv_sup_signal_all(struct xpv_sup *s, int sig)
{
	struct xpv_worker *w;

	for (w = s->workers; w; w = w->next)
		if (w->pid > 0)
			s->ops->kill(s->ctx, w->pid, sig);
}

void xpv_sup_free(struct xpv_sup *s)
{
	struct xpv_worker *w;

	while ((w = s->workers)) {
		s->workers = w->next;
		free(w);
	}
}
