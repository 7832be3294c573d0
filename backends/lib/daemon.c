// SPDX-License-Identifier: GPL-2.0-only
/*
 * What every backend daemon's main does once its options are parsed: set
 * the signal handlers (they only set flags; the loop looks at them between
 * turns), open the Xen devices, drop privileges, serve backend/<type>
 * until SIGTERM or SIGINT, log every device's counters on SIGUSR1 and on
 * the way out. On exit the devices are left as they are in xenstore, so a
 * restarted daemon picks the frontends up again.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xpvback/backend.h>

static volatile sig_atomic_t stop, dump;

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
 * xpv_daemon_serve() - serve @ops devices of domain @self until stopped
 * @keep_caps: capabilities kept after setup (CAP_* bits); ~0: all
 *
 * Return: the process's exit status.
 */
int xpv_daemon_serve(const struct xpv_bdev_ops *ops, unsigned int self,
		     const struct xpv_limits *limits, uint64_t keep_caps)
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
	err = keep_caps == ~0ull ? 0 : xpv_drop_privileges_keep(keep_caps);
	if (err)
		xpv_log("cannot drop privileges: %s", strerror(-err));
	else
		err = xpv_backend_init(&be, t, ops, self, limits);
	if (!err) {
		xpv_log("serving %s", be.root);
		err = xpv_backend_run(&be, &stop, &dump);
		xpv_backend_dump(&be);
		xpv_backend_close(&be);
	}
	if (err)
		xpv_log("stopped: %s", strerror(-err));
	t->ops->close(t);
	return err ? 1 : 0;
}
