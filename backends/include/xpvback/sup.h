/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Containment: a backend daemon serves each guest from a worker process of
 * its own (see lib/sup.c). The supervisor's decisions - which guest
 * needs a worker, when a dead one starts again, which one to stop - are
 * made here against an ops table, so the tests drive them with fake
 * processes and a fake clock.
 */
#ifndef XPVBACK_SUP_H
#define XPVBACK_SUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <xpvback/transport.h>

/* Delays before a dead worker starts again: doubling, capped. */
#define XPV_SUP_DELAY_FIRST_MS	250u
#define XPV_SUP_DELAY_MAX_MS	30000u
/* A worker that lived this long is healthy: its next death starts afresh. */
#define XPV_SUP_HEALTHY_MS	60000u

struct xpv_sup_ops {
	pid_t (*spawn)(void *ctx, uint16_t domid);	/* > 0, or -errno */
	int (*kill)(void *ctx, pid_t pid, int sig);
	uint64_t (*now_ms)(void *ctx);			/* monotonic */
};

struct xpv_worker {
	uint16_t domid;
	pid_t pid;		/* 0 while not running */
	bool present;		/* its dir is under backend/<type> */
	bool stopping;		/* asked to stop (SIGTERM sent) */
	unsigned int deaths;	/* in a row, for the delay */
	uint64_t started_at;	/* ms */
	uint64_t start_at;	/* ms: when to start (again) */
	struct xpv_worker *next;
};

struct xpv_sup {
	struct xpv_transport *t;
	const struct xpv_sup_ops *ops;
	void *ctx;
	char root[128];		/* /local/domain/<self>/backend/<type> */
	struct xpv_worker *workers;
	bool rescan;		/* list root again */
	unsigned long restarts;	/* workers started again after dying */
};

int xpv_sup_init(struct xpv_sup *s, struct xpv_transport *t, const char *type,
		 unsigned int self, const struct xpv_sup_ops *ops, void *ctx);
void xpv_sup_watch_events(struct xpv_sup *s);
void xpv_sup_step(struct xpv_sup *s);
void xpv_sup_reaped(struct xpv_sup *s, pid_t pid, int status);
int xpv_sup_timeout_ms(const struct xpv_sup *s);
struct xpv_worker *xpv_sup_find(struct xpv_sup *s, uint16_t domid);
unsigned int xpv_sup_running(const struct xpv_sup *s);
void xpv_sup_signal_all(struct xpv_sup *s, int sig);
void xpv_sup_free(struct xpv_sup *s);
uint32_t xpv_sup_delay_ms(unsigned int deaths);

#endif /* XPVBACK_SUP_H */
