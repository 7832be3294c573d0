/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxpvback: the part of a dom0 backend daemon that is not about blocks or
 * packets. One struct xpv_backend serves one device type (vbd, vif) for
 * every guest: it watches /local/domain/0/backend/<type>, creates one
 * struct xpv_bdev per <domid>/<devid> found there, drives each through the
 * xenbus state machine of lib/xenbus_back.c, and runs the one event loop
 * that polls the xenstore and event channel fds for all of them.
 *
 * A device type plugs in through struct xpv_bdev_ops: probe (read the
 * toolstack's nodes, open the backing store, advertise features), connect
 * (read the frontend's nodes, map rings, bind event channels, publish),
 * disconnect (the reverse, idempotent), remove (free), and optionally
 * control (act on what dom0 asks in the device's backend dir, which only
 * dom0 writes: a snapshot of a running guest's disk). Every call may fail
 * with -errno; a failure is written to xenstore (error/...) and the device
 * moves to Closing. Nothing a guest writes can stop the loop: a guest's
 * rings, nodes and events cost only that guest's devices.
 *
 * Single-threaded: every field below belongs to the loop's thread.
 */
#ifndef XPVBACK_BACKEND_H
#define XPVBACK_BACKEND_H

#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xpv/xenbus_back.h>
#include <xpvback/transport.h>

#define XPV_PATH_MAX	256

struct xpv_backend;
struct xpv_bdev;
struct xpv_evt;
struct xpv_fdw;

/* Per-guest and per-device limits, from Kconfig or the command line. */
struct xpv_limits {
	unsigned int max_devices_per_domain;
	unsigned int max_ring_order;	/* ring pages = 1 << order, at most */
	unsigned int reqs_per_turn;	/* requests a queue may take before others run */
};

struct xpv_bdev_ops {
	const char *type;			/* "vbd" */
	int (*probe)(struct xpv_bdev *d);	/* sets priv */
	int (*connect)(struct xpv_bdev *d);
	bool (*rings_changed)(struct xpv_bdev *d);
	void (*disconnect)(struct xpv_bdev *d);
	void (*remove)(struct xpv_bdev *d);	/* priv may be NULL */
	void (*dump)(struct xpv_bdev *d);	/* counters, on SIGUSR1 */
	/* optional: dom0's requests in our dir, after each step of a device
	 * that is probed (READY or CONNECTED) */
	void (*control)(struct xpv_bdev *d);
	/* optional: once per process before it drops privileges and enters
	 * its sandbox (what the filter forbids later: xpv-blkback's io_uring),
	 * and at xpv_backend_close() after every device is gone */
	int (*worker_init)(struct xpv_backend *be);
	void (*worker_exit)(struct xpv_backend *be);
};

enum xpv_bdev_life {
	XPV_BDEV_NEW,		/* found in xenstore, not probed */
	XPV_BDEV_READY,		/* probed, rings not mapped */
	XPV_BDEV_CONNECTED,	/* rings mapped, serving requests */
	XPV_BDEV_BROKEN,	/* probe failed: serves nothing until removed */
	XPV_BDEV_GONE,		/* closed for good (online=0): nothing held, kept
				 * until the toolstack removes its dir so that
				 * later events there do not probe it again */
};

struct xpv_bdev {
	struct xpv_backend *be;
	uint16_t domid;
	uint32_t devid;
	char path[XPV_PATH_MAX];	/* our backend dir */
	char fe_path[XPV_PATH_MAX];	/* the frontend's dir, once probed */
	char fe_token[48];		/* token of the watch on its state */
	enum xpv_bdev_life life;
	bool dirty;			/* a watch fired: re-read and step */
	void *priv;			/* the device type's state */
	struct xpv_bdev *next;
};

/* A bound interdomain event channel and what to run when it fires. */
struct xpv_evt {
	struct xpv_backend *be;
	uint16_t domid;
	int port;			/* local port, -1 once unbound */
	bool work;			/* fired, or work left: run handler */
	bool (*handler)(struct xpv_evt *e);	/* true while work is left */
	void *arg;
	struct xpv_evt *next;
};

/*
 * Another file descriptor the loop polls (a TAP queue of the network
 * backend, an NBD socket, a timerfd) and what to run when poll reports
 * one of its events. A paused watch is not polled: its handler waits for
 * something else (buffers from the guest) and unpauses it.
 */
struct xpv_fdw {
	struct xpv_backend *be;
	int fd;				/* -1 once unwatched */
	short events;			/* polled for: POLLIN unless xpv_fd_events */
	short revents;			/* seen by poll; the handler clears it */
	bool paused;			/* not polled */
	bool work;			/* ready, or work left: run handler */
	bool (*handler)(struct xpv_fdw *w);	/* true while work is left */
	void *arg;
	struct xpv_fdw *next;
};

struct xpv_backend {
	struct xpv_transport *t;
	const struct xpv_bdev_ops *ops;
	struct xpv_limits limits;
	char root[XPV_PATH_MAX];	/* /local/domain/<self>/backend/<type> */
	char error_root[XPV_PATH_MAX];	/* /local/domain/<self>/error/backend/<type> */
	struct xpv_bdev *devs;
	struct xpv_evt *evts;
	struct xpv_fdw *fdws;
	struct pollfd *pfds;		/* poll's array, grown to fit */
	unsigned int nr_pfds;
	bool rescan;			/* list root again */
	uint16_t only_domid;		/* a worker's one guest; 0: every guest */
	unsigned int inflight;		/* requests taken, not yet answered
					 * (asynchronous I/O); the loop sleeps
					 * on their completion fd meanwhile */
};

int xpv_backend_init(struct xpv_backend *be, struct xpv_transport *t,
		     const struct xpv_bdev_ops *ops, unsigned int self_domid,
		     const struct xpv_limits *limits);
int xpv_backend_step(struct xpv_backend *be, int timeout_ms);
void xpv_backend_drain_watches(struct xpv_backend *be);
void xpv_backend_drain_events(struct xpv_backend *be);
bool xpv_backend_run_work(struct xpv_backend *be);
bool xpv_backend_has_work(struct xpv_backend *be);
int xpv_backend_run(struct xpv_backend *be, volatile sig_atomic_t *stop,
		    volatile sig_atomic_t *dump);
void xpv_backend_dump(struct xpv_backend *be);
void xpv_backend_close(struct xpv_backend *be);
struct xpv_bdev *xpv_backend_find(struct xpv_backend *be, uint16_t domid,
				  uint32_t devid);

/* xenstore helpers; @fe chooses the frontend's dir over ours */
int xpv_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *xpv_bdev_read(struct xpv_bdev *d, bool fe, const char *node);
int xpv_parse_ull(const char *s, unsigned long long max, unsigned long long *val);
int xpv_bdev_read_uint(struct xpv_bdev *d, bool fe, const char *node,
		       unsigned long long max, unsigned long long *val);
int xpv_bdev_printf(struct xpv_bdev *d, const char *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void xpv_bdev_fail(struct xpv_bdev *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* queues: multi-queue-num-queues and [queue-N/]node of the frontend */
int xpv_bdev_read_nr_queues(struct xpv_bdev *d, unsigned int max, unsigned int *n);
void xpv_queue_dir(unsigned int nr_queues, unsigned int i, char *buf, size_t len);
int xpv_bdev_read_queue_u32(struct xpv_bdev *d, const char *dir, const char *name,
			    uint32_t *val);

/* event channels */
struct xpv_evt *xpv_evt_bind(struct xpv_backend *be, uint16_t domid,
			     uint32_t remote_port,
			     bool (*handler)(struct xpv_evt *e), void *arg);
void xpv_evt_unbind(struct xpv_evt *e);
int xpv_evt_notify(struct xpv_evt *e);

/* other fds: watched until unwatched, freed by the loop */
struct xpv_fdw *xpv_fd_watch(struct xpv_backend *be, int fd,
			     bool (*handler)(struct xpv_fdw *w), void *arg);
void xpv_fd_events(struct xpv_fdw *w, short events);
void xpv_fd_unwatch(struct xpv_fdw *w);

/* timers: a timerfd watched as above; due times in xpv_now_ms()'s clock */
uint64_t xpv_now_ms(void);
struct xpv_fdw *xpv_timer_watch(struct xpv_backend *be,
				bool (*handler)(struct xpv_fdw *w), void *arg);
void xpv_timer_set(struct xpv_fdw *w, uint64_t due_ms);
void xpv_timer_unwatch(struct xpv_fdw *w);

/* rings: the frontend's <dir>/<ref_node> or <ref_node>0..N-1 mapped */
#define XPV_RING_MAX_ORDER	4	/* Linux's XENBUS_MAX_RING_GRANT_ORDER */

struct xpv_ring_map {
	void *addr;			/* NULL when not mapped */
	uint32_t pages;
	uint32_t refs[1u << XPV_RING_MAX_ORDER];	/* to spot a restarted frontend */
};

int xpv_ring_map_front(struct xpv_bdev *d, const char *dir, const char *ref_node,
		       struct xpv_ring_map *m);
bool xpv_ring_map_changed(struct xpv_bdev *d, const char *dir,
			  const char *ref_node, const struct xpv_ring_map *m);
void xpv_ring_unmap(struct xpv_bdev *d, struct xpv_ring_map *m);

int xpv_parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out);
bool xpv_kernel_backend_loaded(const char *module);

/* What every daemon's command line sets, besides its own options. */
struct xpv_daemon_cfg {
	unsigned int self;		/* -S: our domain id */
	uint64_t keep_caps;		/* CAP_* bits kept; -P: ~0, all */
	unsigned int worker;		/* -W: serve only this guest (a worker) */
	bool one_process;		/* -1: every guest in this process */
	bool unconfined;		/* -U: a worker without its sandbox */
	int argc;			/* the command line, to start workers */
	char **argv;
};

#define XPV_DAEMON_OPTS		"S:PW:1U"
#define XPV_DAEMON_USAGE						\
	"  -S ID  our domain id (default 0)\n"				\
	"  -P     keep all privileges, no sandbox\n"			\
	"  -1     serve every guest in this one process (default: a\n"	\
	"         sandboxed worker process per guest)\n"		\
	"  -U     workers without their seccomp sandbox (debugging)\n"	\
	"  -W ID  (internal) be the worker of guest ID\n"

int xpv_daemon_option(struct xpv_daemon_cfg *c, int opt, const char *arg);
int xpv_daemon_main(const struct xpv_bdev_ops *ops, const struct xpv_limits *limits,
		    const struct xpv_daemon_cfg *c);
int xpv_sandbox_enter(void);

/* CAP_DAC_OVERRIDE | CAP_DAC_READ_SEARCH: what opening backing stores needs */
#define XPV_KEEP_CAPS_FILES	((1ull << 1) | (1ull << 2))
int xpv_drop_privileges(void);
int xpv_drop_privileges_keep(uint64_t keep);	/* a mask of CAP_* bits */

/* logging, to stderr; peer-caused messages go through xpv_log_peer */
void xpv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xpv_vlog(const char *fmt, va_list ap);
extern int xpv_log_quiet;		/* fuzzing: no messages */

#endif /* XPVBACK_BACKEND_H */
