// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-hostile: main. `xpv-hostile vbd|vif [daemon options]` serves every
 * device of that type with the script each one names (hostile.h); the
 * scenario xpv-domu-hostile-backend runs one of each in dom0 in place of
 * xpv-blkback and xpv-netback.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "autoconf.h"
#include "blkback.h"
#include "hostile.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: xpv-hostile vbd|vif [options]\n" XPV_DAEMON_USAGE);
}

/* blkback's defaults, minus what a hostile script does not need */
static void blk_defaults(void)
{
	blk_config = (struct blk_config){
		.max_queues = 1,
		.max_indirect_segs = 0,
		.file_sector_size = 512,
		.discard = false,
	};
}

int main(int argc, char **argv)
{
	struct xpv_daemon_cfg d = { .keep_caps = XPV_KEEP_CAPS_FILES,
				    .argc = argc, .argv = argv };
	struct xpv_limits limits = {
		.max_devices_per_domain = CONFIG_XPV_BACKEND_MAX_DEVICES_PER_GUEST,
		.max_ring_order = 0,
		.reqs_per_turn = CONFIG_XPV_BACKEND_REQUESTS_PER_TURN,
	};
	const struct xpv_bdev_ops *ops = NULL;
	int opt;

	if (argc > 1 && !strcmp(argv[1], "vbd"))
		ops = &hostile_vbd_ops;
	else if (argc > 1 && !strcmp(argv[1], "vif"))
		ops = &hostile_vif_ops;
	optind = 2;
	while (ops && (opt = getopt(argc, argv, "h" XPV_DAEMON_OPTS)) != -1)
		if (opt == 'h' || xpv_daemon_option(&d, opt, optarg))
			ops = NULL;
	if (!ops || optind != argc) {
		usage(stderr);
		return 2;
	}
	blk_defaults();
	return xpv_daemon_main(ops, &limits, &d);
}
