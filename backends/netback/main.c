// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-netback: main. Parse the options, refuse to run next to dom0's
 * xen-netback or without /dev/net/tun, then serve (lib/daemon.c) until
 * SIGTERM or SIGINT. SIGUSR1 logs every interface's counters.
 *
 * Defaults come from backends/Kconfig (out/autoconf.h).
 */
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoconf.h"
#include "netback.h"

#ifdef CONFIG_XPV_NETBACK_OFFLOADS
#define OFFLOADS true
#else
#define OFFLOADS false
#endif

/* TAP devices are created as guests come; opening /dev/net/tun */
#define KEEP_CAPS	((1ull << CAP_NET_ADMIN) | (1ull << CAP_DAC_OVERRIDE))

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xpv-netback [options]\n"
		"  -q N   multi-queue-max-queues, 1..16 (default %d)\n"
		"  -n N   interfaces per guest at most (default %d)\n"
		"  -b N   packets per queue and direction per turn (default %d)\n"
		"  -O     no GSO and no IPv6 checksum offload offered\n"
		"  -E     no split event channels offered\n"
		XPV_DAEMON_USAGE,
		CONFIG_XPV_NETBACK_MAX_QUEUES, CONFIG_XPV_BACKEND_MAX_DEVICES_PER_GUEST,
		CONFIG_XPV_BACKEND_REQUESTS_PER_TURN);
}

static int parse_args(int argc, char **argv, struct xpv_limits *l,
		      struct xpv_daemon_cfg *d)
{
	struct net_config *c = &net_config;
	int opt, err = 0;

	while ((opt = getopt(argc, argv, "q:n:b:OEh" XPV_DAEMON_OPTS)) != -1 && !err) {
		switch (opt) {
		case 'q': err = xpv_parse_uint(optarg, 1, 16, &c->max_queues); break;
		case 'n': err = xpv_parse_uint(optarg, 1, 1024, &l->max_devices_per_domain); break;
		case 'b': err = xpv_parse_uint(optarg, 1, 4096, &l->reqs_per_turn); break;
		case 'O': c->offloads = false; break;
		case 'E': c->split_evtchn = false; break;
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
	net_config = (struct net_config){
		.max_queues = CONFIG_XPV_NETBACK_MAX_QUEUES,
		.offloads = OFFLOADS,
		.split_evtchn = true,
		.tap = &net_tap_linux,
	};
	*l = (struct xpv_limits){
		.max_devices_per_domain = CONFIG_XPV_BACKEND_MAX_DEVICES_PER_GUEST,
		.max_ring_order = 0,		/* netif rings are one page */
		.reqs_per_turn = CONFIG_XPV_BACKEND_REQUESTS_PER_TURN,
	};
}

int main(int argc, char **argv)
{
	struct xpv_daemon_cfg d = { .keep_caps = KEEP_CAPS, .argc = argc, .argv = argv };
	struct xpv_limits limits;

	defaults(&limits);
	if (parse_args(argc, argv, &limits, &d)) {
		usage(stderr);
		return 2;
	}
	if (xpv_kernel_backend_loaded("xen_netback"))
		return 1;
	if (access("/dev/net/tun", R_OK | W_OK)) {
		xpv_log("cannot use /dev/net/tun (modprobe tun): %s", strerror(errno));
		return 1;
	}
	return xpv_daemon_main(&net_vif_ops, &limits, &d);
}
