// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the control plane of both daemons - what a frontend
 * writes in xenstore at connect time, the order of its state writes, and
 * what the toolstack does meanwhile - against xpv-blkback's vbd and
 * xpv-netback's vif code on a fresh fake Xen per input.
 *
 * Each input is:
 *   byte 0     bit 0: the vif (xpv-netback) rather than the vbd
 *   then ops   one byte each (op % NR_OPS), some followed by arguments:
 *     NODE n v      frontend node n of the device's table := value v
 *     RM n          frontend node n removed
 *     STATE v       the frontend's state := value v (see below)
 *     GOOD a        a whole good setup published (queues, order, split
 *                   from a), as Linux's frontend writes it
 *     ONLINE a      the toolstack's online := a & 1
 *     REMOVE        the toolstack removes the backend dir
 *     CREATE        the toolstack (re)creates the device's two dirs
 *     DESTROY       the guest's domain dies (grants revoked, its dir gone)
 *     RESTART       the daemon stops (xenstore untouched) and starts again
 *     RUN           the daemon runs until idle
 *   A value byte v picks a boundary string of tests/boundary.c at one of
 *   several bounds, a granted ref, an offered port, a small number, a
 *   protocol name, or raw bytes that follow.
 * After every RUN our state node must be a known state, and Connected
 * must mean rings mapped wherever the state table says to connect; a
 * stopped daemon must leave nothing mapped, bound or open; and when the
 * toolstack removes the backend dir, the device must let go of everything
 * it held.
 *
 *   make -C backends fuzz FUZZ_TARGETS=control FUZZ_SECONDS=600
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"
#include "boundary.h"
#include "fake_guest.h"
#include "fake_netfront.h"

enum op { NODE, RM, STATE, GOOD, ONLINE, REMOVE, CREATE, DESTROY, RESTART,
	  RUN, NR_OPS };

#define DOMID		1
#define DEVID		0
#define POOL		8	/* granted pages and offered ports made up front */
#define MAX_GOODS	4	/* whole setups published per input */

struct input {
	const uint8_t *p;
	size_t left;
};

static struct fake_xen *fx;
static struct xpv_backend be;
static bool net;
static struct fake_guest g;
static struct fake_netfront nf;
static uint32_t refs[POOL], ports[POOL];
static unsigned int goods;
static const char *image;

static const struct xpv_limits blk_limits = {
	.max_devices_per_domain = 2, .max_ring_order = 2, .reqs_per_turn = 8,
};
static const struct xpv_limits net_limits = {
	.max_devices_per_domain = 2, .max_ring_order = 0, .reqs_per_turn = 8,
};

static const char *const queue_dirs[] = { "", "queue-0/", "queue-1/", "queue-2/" };
static const char *const blk_leaves[] = {
	"ring-ref", "ring-ref0", "ring-ref1", "ring-ref2", "ring-ref3",
	"ring-page-order", "event-channel",
};
static const char *const blk_top[] = {
	"protocol", "multi-queue-num-queues", "feature-large-sector-size",
	"feature-persistent",
};
static const char *const net_leaves[] = {
	"tx-ring-ref", "rx-ring-ref", "tx-ring-ref0", "rx-ring-ref0",
	"tx-ring-ref1", "rx-ring-ref1", "ring-page-order", "event-channel",
	"event-channel-tx", "event-channel-rx",
};
static const char *const net_top[] = {
	"request-rx-copy", "feature-rx-notify", "feature-sg", "feature-gso-tcpv4",
	"feature-gso-tcpv6", "feature-ipv6-csum-offload", "feature-no-csum-offload",
	"multi-queue-num-queues",
};
static const unsigned long long bounds[] = { 0, 1, 2, 4, UINT32_MAX };

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static uint8_t next(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static const char *fe_dir(void)
{
	return net ? nf.fe : g.fe;
}

static const char *be_dir(void)
{
	return net ? nf.be : g.be;
}

/* Frontend node @i of this device type's table, as a path under its dir. */
static void node_name(uint8_t i, char *buf, size_t len)
{
	const char *const *leaves = net ? net_leaves : blk_leaves;
	const char *const *top = net ? net_top : blk_top;
	size_t nl = net ? N(net_leaves) : N(blk_leaves);
	size_t nt = net ? N(net_top) : N(blk_top);
	size_t k = i % (N(queue_dirs) * nl + nt);

	if (k < nt)
		snprintf(buf, len, "%s/%s", fe_dir(), top[k]);
	else
		snprintf(buf, len, "%s/%s%s", fe_dir(), queue_dirs[(k - nt) / nl],
			 leaves[(k - nt) % nl]);
}

/* The value a byte picks; raw bytes are taken from the input. */
static void value(struct input *in, char *buf, size_t len)
{
	struct boundary rows[BOUNDARY_ROWS];
	uint8_t v = next(in), n;
	size_t nb = N(bounds) * BOUNDARY_ROWS;

	if (v < nb) {
		boundary_rows(bounds[v / BOUNDARY_ROWS], rows);
		snprintf(buf, len, "%s", rows[v % BOUNDARY_ROWS].value);
	} else if ((v -= (uint8_t)nb) < POOL) {
		snprintf(buf, len, "%u", refs[v]);
	} else if ((v -= POOL) < POOL) {
		snprintf(buf, len, "%u", ports[v]);
	} else if ((v -= POOL) < 20) {
		snprintf(buf, len, "%u", v);
	} else if (v == 20 || v == 21) {
		snprintf(buf, len, "%s", v == 20 ? "x86_64-abi" : "x86_32-abi");
	} else {
		for (n = next(in) % 24, buf[0] = '\0'; n && len > 1; n--, len--) {
			*buf = (char)(next(in) | 1);	/* no NUL inside */
			*++buf = '\0';
		}
	}
}

static void create(void)
{
	if (net)
		nf_create_vif(&nf, fx, DOMID, DEVID);
	else
		guest_create_vbd(&g, fx, DOMID, DEVID, image, "w");
}

static void publish_good(uint8_t a)
{
	unsigned int queues = 1 + (a & 1);

	if (net)
		nf_publish(&nf, queues, a & 2, &nf_linux);
	else
		guest_publish(&g, queues, (a >> 2) % 3);
}

static void start_daemon(void)
{
	const struct xpv_bdev_ops *ops = net ? &net_vif_ops : &blk_vbd_ops;

	if (xpv_backend_init(&be, &fx->t, ops, 0, net ? &net_limits : &blk_limits))
		abort();
}

/* Nothing mapped, bound or open: what a gone device or daemon leaves. */
static bool nothing_held(void)
{
	for (int i = 0; i < FAKE_PORTS; i++)
		if (fx->ports[i].bound)
			return false;
	return fx->live_pages == 0 && !fake_tap_exists("vif1.0");
}

static const char *node(const char *dir, const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fake_read(fx, path);
}

/*
 * Our state is one we know, and Connected means rings mapped whenever the
 * state table says to connect (online, frontend Initialised or Connected).
 */
static void run(void)
{
	const char *back, *online;
	enum xpv_xb_state front;

	run_backend(&be, fx);
	back = node(be_dir(), "state");
	if (!back)
		return;
	if (xpv_xb_parse_state(back) == XPV_XB_UNKNOWN)
		abort();
	front = xpv_xb_parse_state(node(fe_dir(), "state"));
	online = node(be_dir(), "online");
	if (xpv_xb_parse_state(back) == XPV_XB_CONNECTED && online &&
	    !strcmp(online, "1") && (front == XPV_XB_INITIALISED ||
	    front == XPV_XB_CONNECTED) && !fx->live_pages)
		abort();
}

static void toolstack_removes(void)
{
	fake_rm(fx, be_dir());
	run();
	if (!nothing_held())
		abort();			/* a removed device kept something */
}

static void restart(void)
{
	xpv_backend_close(&be);
	if (!nothing_held())
		abort();
	start_daemon();
}

static void step(struct input *in)
{
	char path[256], val[64];

	switch (next(in) % NR_OPS) {
	case NODE:
		node_name(next(in), path, sizeof(path));
		value(in, val, sizeof(val));
		fake_write(fx, path, "%s", val);
		break;
	case RM:
		node_name(next(in), path, sizeof(path));
		fake_rm(fx, path);
		break;
	case STATE:
		snprintf(path, sizeof(path), "%s/state", fe_dir());
		value(in, val, sizeof(val));
		fake_write(fx, path, "%s", val);
		break;
	case GOOD:
		if (goods++ < MAX_GOODS)	/* each takes pages and ports */
			publish_good(next(in));
		break;
	case ONLINE:
		fake_dir_write(fx, be_dir(), "online", "%u", next(in) & 1);
		break;
	case REMOVE:
		toolstack_removes();
		break;
	case CREATE:
		create();
		break;
	case DESTROY:
		fake_destroy_domain(fx, DOMID);
		break;
	case RESTART:
		restart();
		break;
	default:
		run();
		break;
	}
}

static void setup_input(void)
{
	fx = fake_xen_new();
	fake_tap_reset();
	blk_config = (struct blk_config){ .max_queues = 2, .max_indirect_segs = 64,
					  .file_sector_size = 512, .discard = true };
	net_config = (struct net_config){ .max_queues = 2, .offloads = true,
					  .split_evtchn = true, .tap = &fake_tap_ops };
	for (int i = 0; i < POOL; i++) {
		refs[i] = fake_grant(fx, DOMID, fake_alloc_page(fx));
		ports[i] = fake_offer_port(fx, DOMID);
	}
	start_daemon();
	create();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct input in = { data, len };

	xpv_log_quiet = 1;
	if (!image)
		image = guest_image(1 << 20);
	net = next(&in) & 1;
	goods = 0;
	setup_input();
	for (unsigned int ops = 0; in.left && ops < 64; ops++)
		step(&in);
	run();
	toolstack_removes();
	if (!stop_backend(&be, fx) || fake_tap_exists("vif1.0"))
		abort();
	return 0;
}
