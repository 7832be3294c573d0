// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every backend daemon's main does once its options are parsed.
 *
 * By default the process started is a supervisor (sup.c): it serves no
 * guest, and runs the daemon again as one worker per guest (-W <domid>).
 * A worker, or the whole daemon with -1, sets the signal handlers (they
 * only set flags; the loop looks at them between turns), opens the Xen
 * devices, drops privileges, enters its sandbox (a worker), serves
 * backend/<type> until SIGTERM or SIGINT, and logs every device's counters
 * on SIGUSR1 and on the way out. On exit the devices are left as they are
 * in xenstore, so a restarted worker or daemon picks the frontends up
 * again.
 */
#define _GNU_SOURCE	/* close_range */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <xpvback/backend.h>
#include <xpvback/sup.h>

/* How long workers get to stop when the supervisor stops. */
#define STOP_GRACE_MS	5000

static volatile sig_atomic_t stop, dump, child;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_dump(int sig)
{
	(void)sig;
	dump = 1;
}

static void on_child(int sig)
{
	(void)sig;
	child = 1;
}

static int handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	return sigaction(sig, &sa, NULL);	/* no SA_RESTART: poll returns */
}

/** xpv_parse_uint() - a decimal option in [@lo, @hi]; 0 or -EINVAL */
int xpv_parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	unsigned long long v;

	if (xpv_parse_ull(s, hi, &v) || v < lo)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/**
 * xpv_kernel_backend_loaded() - whether dom0's kernel backend @module
 * (xen_blkback, xen_netback) is loaded, logged with what to do about it
 *
 * WHY: it would claim the same backend/<type> devices and the two would
 * fight over every ring. It loads on demand (modalias xen-backend:<type>),
 * so it must be kept out (see README.md).
 */
bool xpv_kernel_backend_loaded(const char *module)
{
	char path[96], name[64];
	size_t i;

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	if (access(path, F_OK))
		return false;
	for (i = 0; module[i] && i < sizeof(name) - 1; i++)
		name[i] = module[i] == '_' ? '-' : module[i];
	name[i] = '\0';
	xpv_log("%s is loaded in dom0: unload it (rmmod %s) and keep it out "
		"(install %s /bin/false)", name, name, name);
	return true;
}

/**
 * xpv_daemon_option() - take one of the options every daemon has
 *
 * Return: 0, -EINVAL for a bad value, -ENOENT when @opt is not one of them.
 */
int xpv_daemon_option(struct xpv_daemon_cfg *c, int opt, const char *arg)
{
	switch (opt) {
	case 'S':
		return xpv_parse_uint(arg, 0, 0x7fef, &c->self);
	case 'P':
		c->keep_caps = ~0ull;
		return 0;
	case 'W':
		return xpv_parse_uint(arg, 1, 0x7fef, &c->worker);
	case '1':
		c->one_process = true;
		return 0;
	case 'U':
		c->unconfined = true;
		return 0;
	default:
		return -ENOENT;
	}
}

/* Privileges down to what serving needs; then, for a worker, the sandbox. */
static int confine(struct xpv_transport *t, const struct xpv_daemon_cfg *c)
{
	int err = 0;

	if (c->worker)
		err = xpv_transport_xen_restrict(t, (uint16_t)c->worker);
	if (!err && c->keep_caps != ~0ull)
		err = xpv_drop_privileges_keep(c->keep_caps);
	if (!err && c->worker && !c->unconfined && c->keep_caps != ~0ull)
		err = xpv_sandbox_enter();
	return err;
}

/* Serve every guest (-1), or the worker's one guest (-W). */
static int serve(const struct xpv_bdev_ops *ops, const struct xpv_limits *limits,
		 const struct xpv_daemon_cfg *c)
{
	struct xpv_transport *t;
	struct xpv_backend be;
	int err;

	if (handle(SIGTERM, on_stop) || handle(SIGINT, on_stop) ||
	    handle(SIGUSR1, on_dump) || handle(SIGPIPE, SIG_IGN))
		return 1;
	t = xpv_transport_xen_open();
	if (!t) {
		xpv_log("cannot open xenstore, /dev/xen/gntdev or /dev/xen/evtchn: %s",
			strerror(errno));
		return 1;
	}
	err = xpv_backend_init(&be, t, ops, c->self, limits);
	if (!err && ops->worker_init)	/* what the sandbox forbids later */
		err = ops->worker_init(&be);
	if (!err) {
		be.only_domid = (uint16_t)c->worker;
		err = confine(t, c);
		if (err)
			xpv_log("cannot confine the process: %s", strerror(-err));
	}
	if (!err) {
		if (c->worker)
			xpv_log("serving %s for domain %u", be.root, c->worker);
		else
			xpv_log("serving %s", be.root);
		err = xpv_backend_run(&be, &stop, &dump);
		xpv_backend_dump(&be);
	}
	xpv_backend_close(&be);
	if (err)
		xpv_log("stopped: %s", strerror(-err));
	t->ops->close(t);
	return err ? 1 : 0;
}

/* ---- the supervisor ---- */

struct sup_ctx {
	char **argv;		/* ours, then -W <domid> */
	int argc;
	char domid[8];
};

static uint64_t mono_ms(void *ctx)
{
	(void)ctx;
	return xpv_now_ms();
}

/* In the child: die with the supervisor, keep no descriptor of its, exec. */
static void exec_worker(struct sup_ctx *x, pid_t parent)
{
	sigset_t none;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
	execv("/proc/self/exe", x->argv);
	_exit(127);
}

static pid_t spawn_worker(void *ctx, uint16_t domid)
{
	struct sup_ctx *x = ctx;
	pid_t parent = getpid(), pid;

	snprintf(x->domid, sizeof(x->domid), "%u", domid);
	pid = fork();
	if (pid == 0)
		exec_worker(x, parent);
	return pid < 0 ? -errno : pid;
}

static int kill_worker(void *ctx, pid_t pid, int sig)
{
	(void)ctx;
	return kill(pid, sig) ? -errno : 0;
}

static const struct xpv_sup_ops sup_ops = {
	.spawn = spawn_worker, .kill = kill_worker, .now_ms = mono_ms,
};

static void reap(struct xpv_sup *s)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		xpv_sup_reaped(s, pid, status);
}

/* Wait for xenstore or a signal until the next worker is due. */
static void sup_wait(struct xpv_sup *s, const sigset_t *unblocked)
{
	struct pollfd pfd = { .fd = s->t->ops->xs_fd(s->t), .events = POLLIN };
	int ms = xpv_sup_timeout_ms(s);
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ppoll(&pfd, 1, ms < 0 ? NULL : &ts, unblocked) > 0)
		xpv_sup_watch_events(s);
}

/* SIGTERM to every worker, SIGKILL to those still there after the grace. */
static void stop_workers(struct xpv_sup *s)
{
	uint64_t until = mono_ms(NULL) + STOP_GRACE_MS;

	xpv_sup_signal_all(s, SIGTERM);
	while (xpv_sup_running(s) && mono_ms(NULL) < until) {
		reap(s);
		usleep(20000);
	}
	xpv_sup_signal_all(s, SIGKILL);
	while (xpv_sup_running(s) && waitpid(-1, NULL, 0) > 0)
		reap(s);
}

static int sup_loop(struct xpv_sup *s, const sigset_t *unblocked)
{
	while (!stop) {
		if (child) {
			child = 0;
			reap(s);
		}
		if (dump) {
			dump = 0;
			xpv_sup_signal_all(s, SIGUSR1);
		}
		xpv_sup_step(s);
		sup_wait(s, unblocked);
	}
	stop_workers(s);
	xpv_log("stopped; %lu worker restarts", s->restarts);
	return 0;
}

static int supervise(const struct xpv_bdev_ops *ops, const struct xpv_daemon_cfg *c)
{
	struct sup_ctx x = { .argc = c->argc };
	sigset_t block, unblocked;
	struct xpv_transport *t;
	struct xpv_sup s;
	int i, err;

	x.argv = calloc((size_t)c->argc + 3, sizeof(*x.argv));
	if (!x.argv)
		return 1;
	for (i = 0; i < c->argc; i++)
		x.argv[i] = c->argv[i];
	x.argv[i++] = "-W";
	x.argv[i] = x.domid;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGCHLD);
	/* delivered only inside ppoll: no wake-up is lost between checks */
	if (sigprocmask(SIG_BLOCK, &block, &unblocked) || handle(SIGTERM, on_stop) ||
	    handle(SIGINT, on_stop) || handle(SIGUSR1, on_dump) ||
	    handle(SIGCHLD, on_child) || handle(SIGPIPE, SIG_IGN)) {
		free(x.argv);
		return 1;
	}
	t = xpv_transport_xen_open();
	if (!t) {
		xpv_log("cannot open xenstore: %s", strerror(errno));
		free(x.argv);
		return 1;
	}
	err = xpv_sup_init(&s, t, ops->type, c->self, &sup_ops, &x);
	if (err)
		xpv_log("cannot watch backend/%s: %s", ops->type, strerror(-err));
	else
		xpv_log("serving %s: a worker per guest", s.root);
	if (!err)
		err = sup_loop(&s, &unblocked);
	xpv_sup_free(&s);
	t->ops->close(t);
	free(x.argv);
	return err ? 1 : 0;
}

/**
 * xpv_daemon_main() - run as @c says: supervisor, worker or one process
 *
 * Return: the process's exit status.
 */
int xpv_daemon_main(const struct xpv_bdev_ops *ops, const struct xpv_limits *limits,
		    const struct xpv_daemon_cfg *c)
{
	if (c->worker || c->one_process)
		return serve(ops, limits, c);
	return supervise(ops, c);
}
