// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-blkback: main. Parse the options, open the Xen devices, serve until
 * SIGTERM or SIGINT. Signal handlers only set flags; the loop looks at
 * them between turns. On exit the devices are left as they are in
 * xenstore, so a restarted daemon picks the frontends up again.
 *
 * Defaults come from backends/Kconfig (out/autoconf.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "blkback.h"

#ifdef CONFIG_XPV_BLKBACK_DISCARD
#define OFFER_DISCARD true
#else
#define OFFER_DISCARD false
#endif

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

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xpv-blkback [options]\n"
		"  -q N   multi-queue-max-queues (default %d)\n"
		"  -i N   feature-max-indirect-segments, 0 disables (default %d)\n"
		"  -o N   max-ring-page-order, 0..4 (default %d)\n"
		"  -s N   sector-size of image files, 512 or 4096 (default %d)\n"
		"  -n N   devices per guest at most (default %d)\n"
		"  -b N   requests per queue per turn (default %d)\n"
		"  -D     do not offer discard\n"
		"  -S ID  our domain id (default 0)\n"
		"  -P     keep all privileges (default: drop all but opening files)\n",
		CONFIG_XPV_BLKBACK_MAX_QUEUES, CONFIG_XPV_BLKBACK_MAX_INDIRECT_SEGS,
		CONFIG_XPV_BACKEND_MAX_RING_ORDER, CONFIG_XPV_BLKBACK_FILE_SECTOR_SIZE,
		CONFIG_XPV_BACKEND_MAX_DEVICES_PER_GUEST,
		CONFIG_XPV_BACKEND_REQUESTS_PER_TURN);
}

static int num(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static bool keep_privileges;

static int parse_args(int argc, char **argv, struct xpv_limits *l,
		      unsigned int *self)
{
	struct blk_config *c = &blk_config;
	int opt, err = 0;

	while ((opt = getopt(argc, argv, "q:i:o:s:n:b:DS:Ph")) != -1 && !err) {
		switch (opt) {
		case 'q': err = num(optarg, 1, 16, &c->max_queues); break;
		case 'i': err = num(optarg, 0, XPV_BLKIF_MAX_INDIRECT_SEGS,
				    &c->max_indirect_segs); break;
		case 'o': err = num(optarg, 0, XPV_RING_MAX_ORDER, &l->max_ring_order); break;
		case 's':
			err = num(optarg, 512, 4096, &c->file_sector_size);
			if (c->file_sector_size != 512 && c->file_sector_size != 4096)
				err = -EINVAL;
			break;
		case 'n': err = num(optarg, 1, 1024, &l->max_devices_per_domain); break;
		case 'b': err = num(optarg, 1, 4096, &l->reqs_per_turn); break;
		case 'D': c->discard = false; break;
		case 'S': err = num(optarg, 0, 0x7fef, self); break;
		case 'P': keep_privileges = true; break;
		case 'h': usage(stdout); exit(0);
		default: err = -EINVAL;
		}
	}
	if (!err && optind != argc)
		err = -EINVAL;
	return err;
}

static void defaults(struct xpv_limits *l)
{
	blk_config = (struct blk_config){
		.max_queues = CONFIG_XPV_BLKBACK_MAX_QUEUES,
		.max_indirect_segs = CONFIG_XPV_BLKBACK_MAX_INDIRECT_SEGS,
		.file_sector_size = CONFIG_XPV_BLKBACK_FILE_SECTOR_SIZE,
		.discard = OFFER_DISCARD,
	};
	*l = (struct xpv_limits){
		.max_devices_per_domain = CONFIG_XPV_BACKEND_MAX_DEVICES_PER_GUEST,
		.max_ring_order = CONFIG_XPV_BACKEND_MAX_RING_ORDER,
		.reqs_per_turn = CONFIG_XPV_BACKEND_REQUESTS_PER_TURN,
	};
}

/*
 * WHY: dom0's xen-blkback would claim the same backend/vbd devices and the
 * two would fight over every ring. It loads on demand (modalias
 * xen-backend:vbd), so it must be kept out (see README.md).
 */
static bool kernel_blkback_loaded(void)
{
	return access("/sys/module/xen_blkback", F_OK) == 0;
}

int main(int argc, char **argv)
{
	struct xpv_transport *t;
	struct xpv_backend be;
	struct xpv_limits limits;
	unsigned int self = 0;
	int err;

	defaults(&limits);
	if (parse_args(argc, argv, &limits, &self)) {
		usage(stderr);
		return 2;
	}
	if (kernel_blkback_loaded()) {
		xpv_log("xen-blkback is loaded in dom0: unload it (rmmod xen-blkback) "
			"and keep it out (install xen-blkback /bin/false)");
		return 1;
	}
	if (handle(SIGTERM, on_stop) || handle(SIGINT, on_stop) ||
	    handle(SIGUSR1, on_dump) || handle(SIGPIPE, SIG_IGN))
		return 1;
	t = xpv_transport_xen_open();
	if (!t) {
		xpv_log("cannot open xenstore, /dev/xen/gntdev or /dev/xen/evtchn: %s",
			strerror(errno));
		return 1;
	}
	err = keep_privileges ? 0 : xpv_drop_privileges();
	if (err)
		xpv_log("cannot drop privileges: %s", strerror(-err));
	else
		err = xpv_backend_init(&be, t, &blk_vbd_ops, self, &limits);
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
