// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-blkback: main. Parse the options, refuse to run next to dom0's
 * xen-blkback, then serve (lib/daemon.c) until SIGTERM or SIGINT. On exit
 * the devices are left as they are in xenstore, so a restarted daemon
 * picks the frontends up again.
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
		"  -R N   seconds to keep reconnecting to a lost NBD server (default %d)\n"
		"  -a N   requests in flight per queue through io_uring, raw\n"
		"         and qcow2 disks; 0: every request synchronously (default %d)\n"
		"  -N N   requests in flight per queue, NBD disks; 0: one at a\n"
		"         time, synchronously (default %d)\n"
		"  -p N   persistent grants kept mapped per queue, 0 does not\n"
		"         offer feature-persistent (default %d)\n"
		"  -D     do not offer discard\n"
		XPV_DAEMON_USAGE,
		CONFIG_XPV_BLKBACK_MAX_QUEUES, CONFIG_XPV_BLKBACK_MAX_INDIRECT_SEGS,
		CONFIG_XPV_BACKEND_MAX_RING_ORDER, CONFIG_XPV_BLKBACK_FILE_SECTOR_SIZE,
		CONFIG_XPV_BACKEND_MAX_DEVICES_PER_GUEST,
		CONFIG_XPV_BACKEND_REQUESTS_PER_TURN, CONFIG_XPV_BLKBACK_NBD_RETRY_SECONDS,
		CONFIG_XPV_BLKBACK_MAX_INFLIGHT, CONFIG_XPV_BLKBACK_NBD_MAX_INFLIGHT,
		CONFIG_XPV_BLKBACK_MAX_PGRANTS);
}

static int parse_args(int argc, char **argv, struct xpv_limits *l,
		      struct xpv_daemon_cfg *d)
{
	struct blk_config *c = &blk_config;
	unsigned int retry_s;
	int opt, err = 0;

	while ((opt = getopt(argc, argv, "q:i:o:s:n:b:R:a:N:p:Dh" XPV_DAEMON_OPTS)) != -1 && !err) {
		switch (opt) {
		case 'q': err = xpv_parse_uint(optarg, 1, 16, &c->max_queues); break;
		case 'i': err = xpv_parse_uint(optarg, 0, XPV_BLKIF_MAX_INDIRECT_SEGS,
				    &c->max_indirect_segs); break;
		case 'o': err = xpv_parse_uint(optarg, 0, XPV_RING_MAX_ORDER, &l->max_ring_order); break;
		case 's':
			err = xpv_parse_uint(optarg, 512, 4096, &c->file_sector_size);
			if (c->file_sector_size != 512 && c->file_sector_size != 4096)
				err = -EINVAL;
			break;
		case 'n': err = xpv_parse_uint(optarg, 1, 1024, &l->max_devices_per_domain); break;
		case 'b': err = xpv_parse_uint(optarg, 1, 4096, &l->reqs_per_turn); break;
		case 'R':
			err = xpv_parse_uint(optarg, 1, 3600, &retry_s);
			if (!err)
				c->nbd_retry_ms = retry_s * 1000;
			break;
		case 'a': err = xpv_parse_uint(optarg, 0, 256, &c->max_inflight); break;
		case 'N': err = xpv_parse_uint(optarg, 0, 256, &c->nbd_max_inflight); break;
		case 'p': err = xpv_parse_uint(optarg, 0, 8448, &c->max_pgrants); break;
		case 'D': c->discard = false; break;
		case 'h': usage(stdout); exit(0);
		default: err = xpv_daemon_option(d, opt, optarg) ? -EINVAL : 0;
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
		.nbd_retry_ms = CONFIG_XPV_BLKBACK_NBD_RETRY_SECONDS * 1000,
		.nbd_stall_ms = CONFIG_XPV_BLKBACK_NBD_STALL_SECONDS * 1000,
		.max_inflight = CONFIG_XPV_BLKBACK_MAX_INFLIGHT,
		.nbd_max_inflight = CONFIG_XPV_BLKBACK_NBD_MAX_INFLIGHT,
		.max_pgrants = CONFIG_XPV_BLKBACK_MAX_PGRANTS,
	};
	*l = (struct xpv_limits){
		.max_devices_per_domain = CONFIG_XPV_BACKEND_MAX_DEVICES_PER_GUEST,
		.max_ring_order = CONFIG_XPV_BACKEND_MAX_RING_ORDER,
		.reqs_per_turn = CONFIG_XPV_BACKEND_REQUESTS_PER_TURN,
	};
}

int main(int argc, char **argv)
{
	/* workers keep what opening backing stores needs */
	struct xpv_daemon_cfg d = { .keep_caps = XPV_KEEP_CAPS_FILES,
				    .argc = argc, .argv = argv };
	struct xpv_limits limits;

	defaults(&limits);
	if (parse_args(argc, argv, &limits, &d)) {
		usage(stderr);
		return 2;
	}
	if (xpv_kernel_backend_loaded("xen_blkback"))
		return 1;
	return xpv_daemon_main(&blk_vbd_ops, &limits, &d);
}
