// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-netback against fake_xen and a fake TAP: a netfront connects the
 * way Linux's does, sends packets (single slot, multi-slot, GSO) that must
 * come out of the TAP byte for byte behind the right virtio_net_hdr, and
 * receives frames written into the TAP, laid over its posted buffers. Then
 * guests misbehave - every number the frontend writes at its boundaries
 * (tests/boundary.c), a named table of malformed chains, grants never given,
 * a lying ring index, a guest destroyed mid-traffic, a flood - and the
 * daemon must drop, count and answer, stop only that ring, and go on
 * serving everyone else, leaving nothing mapped, bound or open.
 */
#define _GNU_SOURCE
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "boundary.h"
#include "fake_guest.h"
#include "fake_netfront.h"

static struct fake_xen *fx;
static struct xpv_backend be;
static struct fake_netfront nf, nf2;

static const struct xpv_limits limits = {
	.max_devices_per_domain = 4, .max_ring_order = 0, .reqs_per_turn = 8,
};

static void config(bool offloads)
{
	net_config = (struct net_config){ .max_queues = 4, .offloads = offloads,
					  .split_evtchn = true, .tap = &fake_tap_ops };
}

static void connect_vif(struct fake_netfront *n, uint16_t domid, unsigned int nq,
			bool split)
{
	nf_create_vif(n, fx, domid, 0);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(n), 2);
	nf_publish(n, nq, split, &nf_linux);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(n), 4);
}

static int setup_bare(void **state)
{
	(void)state;
	fx = fake_xen_new();
	fake_tap_reset();
	config(true);
	assert_int_equal(xpv_backend_init(&be, &fx->t, &net_vif_ops, 0, &limits), 0);
	return 0;
}

static int setup(void **state)
{
	setup_bare(state);
	connect_vif(&nf, 1, 1, false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_true(stop_backend(&be, fx));
	assert_false(fake_tap_exists("vif1.0"));	/* closed with the daemon */
	assert_false(fake_tap_exists("vif2.0"));
	return 0;
}

static struct net_queue *queue(uint16_t domid, unsigned int i)
{
	struct net_vif *v = xpv_backend_find(&be, domid, 0)->priv;

	return &v->queues[i];
}

/* --- building packets in guest pages -------------------------------------- */

static uint8_t frame[65536];

/* Ethernet + IPv4 + TCP headers, then a counting payload: @len bytes. */
static void tcp_frame(uint32_t len, uint8_t seed)
{
	memset(frame, 0, 54);
	frame[12] = 0x08;
	frame[14] = 0x45;
	frame[14 + 9] = 6;
	frame[34 + 12] = 5 << 4;
	for (uint32_t i = 54; i < len; i++)
		frame[i] = (uint8_t)(i * 13 + seed);
}

static union xpv_netif_tx_slot req(uint32_t gref, uint16_t off, uint16_t flags,
				   uint16_t id, uint16_t size)
{
	union xpv_netif_tx_slot s;

	memset(&s, 0, sizeof(s));
	s.req = (struct xpv_netif_tx_req){ gref, off, flags, id, size };
	return s;
}

/*
 * Put frame[0..len) in fresh guest pages as netfront does (the first slot
 * at offset 100, then whole pages), into slots[]; a GSO extra after the
 * first slot when @mss. Returns the number of slots.
 */
static unsigned int chain(struct fake_netfront *n, union xpv_netif_tx_slot *slots,
			  uint32_t len, uint16_t flags, uint16_t mss, uint16_t id)
{
	uint32_t done = 0, k = 0, chunk, off = 100;
	unsigned int ns = 0;
	uint8_t *mem;

	while (done < len) {
		uint32_t ref = nf_data_page(n, &mem);

		chunk = len - done < 4096 - off ? len - done : 4096 - off;
		memcpy(mem + off, frame + done, chunk);
		done += chunk;
		slots[ns] = req(ref, (uint16_t)off, done < len ? XPV_NETTXF_MORE_DATA : 0,
				(uint16_t)(id + k), k ? (uint16_t)chunk : (uint16_t)len);
		if (!k) {
			slots[ns].req.flags |= flags | (mss ? XPV_NETTXF_EXTRA_INFO : 0);
			if (mss) {
				ns++;
				memset(&slots[ns], 0, sizeof(slots[ns]));
				slots[ns].extra.type = XPV_NETIF_EXTRA_TYPE_GSO;
				slots[ns].extra.u.gso.type = XPV_NETIF_GSO_TYPE_TCPV4;
				slots[ns].extra.u.gso.size = mss;
			}
		}
		ns++;
		k++;
		off = 0;
	}
	return ns;
}

static ssize_t tap_read(const char *name, unsigned int q, struct virtio_net_hdr *h,
			uint8_t *buf)
{
	static uint8_t msg[NET_BUF];
	ssize_t n = recv(fake_tap_peer(name, q), msg, sizeof(msg), MSG_DONTWAIT);

	if (n < NET_VNET_HDR)
		return -1;
	memcpy(h, msg, sizeof(*h));
	memcpy(buf, msg + NET_VNET_HDR, (size_t)n - NET_VNET_HDR);
	return n - NET_VNET_HDR;
}

static void tap_write(const char *name, unsigned int q, const struct virtio_net_hdr *h,
		      uint32_t len)
{
	static uint8_t msg[NET_BUF];

	memcpy(msg, h, sizeof(*h));
	memcpy(msg + NET_VNET_HDR, frame, len);
	assert_int_equal(send(fake_tap_peer(name, q), msg, NET_VNET_HDR + len, 0),
			 NET_VNET_HDR + len);
}

/* --- the handshake ---------------------------------------------------------- */

static void test_probe_advertises(void **state)
{
	(void)state;
	nf_create_vif(&nf, fx, 1, 0);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(&nf), 2);
	assert_true(fake_tap_exists("vif1.0"));		/* before the hotplug script */
	assert_string_equal(nf_be(&nf, "feature-rx-copy"), "1");
	assert_string_equal(nf_be(&nf, "feature-sg"), "1");
	assert_string_equal(nf_be(&nf, "feature-gso-tcpv4"), "1");
	assert_string_equal(nf_be(&nf, "feature-gso-tcpv6"), "1");
	assert_string_equal(nf_be(&nf, "feature-ipv6-csum-offload"), "1");
	assert_string_equal(nf_be(&nf, "feature-split-event-channels"), "1");
	assert_string_equal(nf_be(&nf, "multi-queue-max-queues"), "4");
	assert_null(nf_be(&nf, "feature-multicast-control"));
	assert_null(nf_be(&nf, "feature-ctrl-ring"));
}

static void test_no_offloads_offered(void **state)
{
	(void)state;
	config(false);
	connect_vif(&nf, 1, 1, false);
	assert_string_equal(nf_be(&nf, "feature-gso-tcpv4"), "0");
	assert_string_equal(nf_be(&nf, "feature-gso-tcpv6"), "0");
	assert_string_equal(nf_be(&nf, "feature-ipv6-csum-offload"), "0");
	assert_int_equal(fake_tap_offload("vif1.0"), TUN_F_CSUM);
}

static void test_offloads_negotiated(void **state)
{
	struct nf_features f = nf_linux;

	(void)state;
	assert_int_equal(fake_tap_offload("vif1.0"), TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
	/* a frontend without GSO gets none, whatever we could do */
	f.gso4 = f.gso6 = NULL;
	nf_create_vif(&nf2, fx, 2, 0);
	run_backend(&be, fx);
	nf_publish(&nf2, 1, false, &f);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(&nf2), 4);
	assert_int_equal(fake_tap_offload("vif2.0"), TUN_F_CSUM);
}

struct bad_setup {
	const char *name;
	struct nf_features f;
};

static const struct bad_setup bad_setups[] = {
	{ "no request-rx-copy", { NULL, "1", "1", "1", "1", "1" } },
	{ "request-rx-copy 0", { "0", "1", "1", "1", "1", "1" } },
	{ "no feature-rx-notify", { "1", NULL, "1", "1", "1", "1" } },
	{ "request-rx-copy junk", { "1x", "1", "1", "1", "1", "1" } },
};

static void test_bad_frontend_refused(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < sizeof(bad_setups) / sizeof(bad_setups[0]); i++) {
		struct fake_netfront n;
		char err[128];

		print_message("%s\n", bad_setups[i].name);
		nf_create_vif(&n, fx, (uint16_t)(2 + i), 0);
		run_backend(&be, fx);
		nf_publish(&n, 1, false, &bad_setups[i].f);
		run_backend(&be, fx);
		assert_int_equal(nf_be_state(&n), 5);
		snprintf(err, sizeof(err), "/local/domain/0/error/backend/vif/%u/0/error", 2 + i);
		assert_non_null(fake_read(fx, err));
	}
	/* the first guest goes on */
	assert_int_equal(nf_be_state(&nf), 4);
}

/* --- every number the frontend writes, at its boundaries ------------------ */

enum number_kind {
	COUNT,		/* an order or a count: connects up to max */
	HANDLE,		/* a grant ref or a port: only the guest's own connects */
	REQUIRED,	/* a 0/1 flag that must be 1 */
	OPTION,		/* a 0/1 flag: anything but 1 reads as 0 */
};

/* A node and the good setup around it: every other node is right. */
struct vif_number {
	const char *node;		/* under the frontend's dir */
	unsigned int queues;		/* what nf_publish() writes first */
	bool split;
	unsigned long long max;
	enum number_kind kind;
};

static const struct vif_number vif_numbers[] = {
	{ "ring-page-order", 1, false, 0, COUNT },
	{ "ring-page-order", 2, false, 0, COUNT },	/* one order for every queue */
	{ "multi-queue-num-queues", 2, false, 4, COUNT },
	{ "tx-ring-ref", 1, false, UINT32_MAX, HANDLE },
	{ "rx-ring-ref", 1, false, UINT32_MAX, HANDLE },
	{ "queue-1/tx-ring-ref", 2, false, UINT32_MAX, HANDLE },
	{ "event-channel", 1, false, UINT32_MAX, HANDLE },
	{ "event-channel-tx", 1, true, UINT32_MAX, HANDLE },
	{ "event-channel-rx", 1, true, UINT32_MAX, HANDLE },
	{ "queue-1/event-channel", 2, false, UINT32_MAX, HANDLE },
	{ "request-rx-copy", 1, false, 1, REQUIRED },
	{ "feature-rx-notify", 1, false, 1, REQUIRED },
	{ "feature-sg", 1, false, 1, OPTION },
	{ "feature-gso-tcpv4", 1, false, 1, OPTION },
	{ "feature-gso-tcpv6", 1, false, 1, OPTION },
	{ "feature-ipv6-csum-offload", 1, false, 1, OPTION },
	{ "feature-no-csum-offload", 1, false, 1, OPTION },
};

static const char *const vif_refs[] = { "tx-ring-ref", "rx-ring-ref", NULL };

/* The TAP's offloads when nf_linux's features hold but @node is @on. */
static unsigned int offloads_with(const char *node, bool on)
{
	bool sg = true, gso4 = true, gso6 = true, csum6 = true, nocsum = false;

	sg = strcmp(node, "feature-sg") ? sg : on;
	gso4 = strcmp(node, "feature-gso-tcpv4") ? gso4 : on;
	gso6 = strcmp(node, "feature-gso-tcpv6") ? gso6 : on;
	csum6 = strcmp(node, "feature-ipv6-csum-offload") ? csum6 : on;
	nocsum = strcmp(node, "feature-no-csum-offload") ? nocsum : on;
	return (!nocsum || csum6 ? TUN_F_CSUM : 0) |
	       (!nocsum && sg && gso4 ? TUN_F_TSO4 : 0) |
	       (csum6 && sg && gso6 ? TUN_F_TSO6 : 0);
}

/* -1 when refused, else the TAP's offloads; @b NULL: the good setup */
static int number_row(const struct vif_number *num, const struct boundary *b)
{
	struct fake_netfront n;
	int got = -2;

	setup_bare(NULL);
	nf_create_vif(&n, fx, 1, 0);
	run_backend(&be, fx);
	nf_publish(&n, num->queues, num->split, &nf_linux);
	if (b) {
		fake_dir_write(fx, n.fe, num->node, "%s", b->value);
		boundary_publish_lax(fx, n.domid, n.fe, num->node, b, vif_refs);
	}
	run_backend(&be, fx);
	if (nf_be_state(&n) == 4)
		got = (int)fake_tap_offload("vif1.0");
	else if (nf_be_state(&n) == 5 && fake_read(fx, "/local/domain/0/error/backend/vif/1/0/error"))
		got = -1;
	teardown(NULL);
	return got;
}

static int number_want(const struct vif_number *num, const struct boundary *b)
{
	int all = (int)offloads_with("", false);

	switch (num->kind) {
	case COUNT:
		return b->valid ? all : -1;
	case REQUIRED:
		return b->valid && b->lax == 1 ? all : -1;
	case OPTION:
		return (int)offloads_with(num->node, b->valid && b->lax == 1);
	default:
		return -1;
	}
}

static void test_frontend_numbers_at_boundaries(void **state)
{
	struct boundary rows[BOUNDARY_ROWS];
	unsigned int failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(vif_numbers) / sizeof(vif_numbers[0]); i++) {
		const struct vif_number *num = &vif_numbers[i];
		unsigned int nr = boundary_rows(num->max, rows);

		if (number_row(num, NULL) != (int)offloads_with("", false))
			failed += boundary_row_failed(num->node, NULL, "Connected");
		for (unsigned int k = 0; k < nr; k++) {
			int want = number_want(num, &rows[k]);

			if (number_row(num, &rows[k]) != want)
				failed += boundary_row_failed(num->node, &rows[k], want < 0 ?
							      "refused" : "these offloads");
		}
	}
	assert_int_equal(failed, 0);
}

/* A connected vif whose frontend rewrites its order as @b; our state. */
static int rewritten_order_row(const struct boundary *b)
{
	struct fake_netfront n;
	int state;

	setup_bare(NULL);
	connect_vif(&n, 1, 1, false);
	fake_dir_write(fx, n.fe, "ring-page-order", "%s", b->value);
	boundary_publish_lax(fx, n.domid, n.fe, "ring-page-order", b, vif_refs);
	fake_dir_write(fx, n.fe, "state", "4");
	run_backend(&be, fx);
	state = nf_be_state(&n);
	teardown(NULL);
	return state;
}

/* The same orders written while connected: rechecked, not mapped. */
static void test_ring_order_rewritten_while_connected(void **state)
{
	(void)state;
	assert_int_equal(boundary_run_rows("ring-page-order", limits.max_ring_order,
					   rewritten_order_row), 0);
}

static void test_multi_queue_split(void **state)
{
	union xpv_netif_tx_slot s[4];
	union xpv_netif_rx_slot r[2];
	struct xpv_netif_tx_rsp rsp[4];
	struct virtio_net_hdr h;
	static uint8_t got[4096];
	unsigned int n;

	(void)state;
	connect_vif(&nf2, 2, 2, true);
	assert_int_equal(xpv_backend_find(&be, 2, 0) != NULL, 1);
	assert_true(queue(2, 1)->rx_evt != queue(2, 1)->tx_evt);
	tcp_frame(200, 1);
	n = chain(&nf2, s, 200, 0, 0, 1);
	nf_send(&nf2, 1, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf2, 1, rsp, 4), 1);
	assert_int_equal(rsp[0].status, XPV_NETIF_RSP_OKAY);
	assert_int_equal(tap_read("vif2.0", 1, &h, got), 200);	/* its own TAP queue */
	assert_memory_equal(got, frame, 200);
	assert_int_equal(tap_read("vif2.0", 0, &h, got), -1);
	/* RX on queue 1: the notify goes to its RX channel */
	nf_post_rx(&nf2, 1, 2);
	run_backend(&be, fx);
	tcp_frame(300, 2);
	tap_write("vif2.0", 1, &(struct virtio_net_hdr){ 0 }, 300);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf2, 1, r, 2), 1);
	assert_int_equal(r[0].rsp.status, 300);
	assert_memory_equal(nf_rx_page(&nf2, 1, r[0].rsp.id), frame, 300);
	assert_true(fake_notified(fx, 2, nf2.q[1].rx_port) > 0);
	assert_int_equal(nf_rx_collect(&nf2, 0, r, 2), 0);
}

/* --- TX: guest -> TAP -------------------------------------------------------- */

static void test_tx_single_and_gso(void **state)
{
	union xpv_netif_tx_slot s[8];
	struct xpv_netif_tx_rsp rsp[8];
	struct virtio_net_hdr h;
	static uint8_t got[65536], want[65536];
	unsigned int n;

	(void)state;
	tcp_frame(1514, 3);
	n = chain(&nf, s, 1514, XPV_NETTXF_DATA_VALIDATED, 0, 10);
	assert_int_equal(n, 1);
	nf_send(&nf, 0, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 8), 1);
	assert_int_equal(rsp[0].id, 10);
	assert_int_equal(rsp[0].status, XPV_NETIF_RSP_OKAY);
	assert_int_equal(tap_read("vif1.0", 0, &h, got), 1514);
	assert_memory_equal(got, frame, 1514);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_DATA_VALID);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_NONE);

	tcp_frame(9000, 4);
	memcpy(want, frame, 9000);
	n = chain(&nf, s, 9000, XPV_NETTXF_CSUM_BLANK, 1448, 20);
	assert_int_equal(n, 4);			/* data, gso, data, data */
	nf_send(&nf, 0, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 8), 4);
	assert_int_equal(rsp[0].id, 20);
	assert_int_equal(rsp[1].status, XPV_NETIF_RSP_NULL);
	for (int i = 0; i < 4; i++)
		if (i != 1)
			assert_int_equal(rsp[i].status, XPV_NETIF_RSP_OKAY);
	assert_int_equal(rsp[3].id, 22);
	assert_int_equal(tap_read("vif1.0", 0, &h, got), 9000);
	assert_memory_equal(got, want, 9000);
	assert_int_equal(h.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(h.gso_size, 1448);
	assert_int_equal(h.csum_start, 34);
	assert_int_equal(h.csum_offset, 16);
	assert_int_equal(h.hdr_len, 54);
	assert_int_equal(queue(1, 0)->stats.tx_packets, 2);
	assert_int_equal(queue(1, 0)->stats.tx_gso, 1);
	assert_int_equal(net_stats_drops(&queue(1, 0)->stats), 0);
}

/* Packets pushed at once cross a turn's budget at a time in one grant
 * copy, each written to the TAP whole and in order; a refused one among
 * them fails only itself. */
static void test_tx_batched(void **state)
{
	union xpv_netif_tx_slot s[24];
	struct xpv_netif_tx_rsp rsp[24];
	struct virtio_net_hdr h;
	static uint8_t got[4096];
	unsigned int i, n = 0, calls;

	(void)state;
	for (i = 0; i < 12; i++) {
		tcp_frame(600 + i, (uint8_t)i);
		n += chain(&nf, s + n, 600 + i, 0, 0, (uint16_t)(30 + i));
	}
	s[5].req.gref = 3999;			/* a grant never given */
	nf_send(&nf, 0, s, n);
	calls = fx->gnt_copy_calls;
	run_backend(&be, fx);
	/* 8 a turn (the limits above): 2 copies for 12 packets, not 12 */
	assert_int_equal(fx->gnt_copy_calls - calls, 2);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 24), 12);
	for (i = 0; i < 12; i++) {
		assert_int_equal(rsp[i].id, 30 + i);
		assert_int_equal(rsp[i].status, i == 5 ? XPV_NETIF_RSP_ERROR : XPV_NETIF_RSP_OKAY);
		if (i == 5)
			continue;
		tcp_frame(600 + i, (uint8_t)i);
		assert_int_equal(tap_read("vif1.0", 0, &h, got), 600 + i);
		assert_memory_equal(got, frame, 600 + i);
	}
	assert_int_equal(tap_read("vif1.0", 0, &h, got), -1);
	assert_int_equal(queue(1, 0)->stats.tx_packets, 11);
	assert_int_equal(queue(1, 0)->stats.tx_grant_errors, 1);
}

static void test_tx_chain_in_two_pushes(void **state)
{
	union xpv_netif_tx_slot s[4];
	struct xpv_netif_tx_rsp rsp[4];
	struct virtio_net_hdr h;
	static uint8_t got[8192];
	unsigned int n;

	(void)state;
	tcp_frame(5000, 5);
	n = chain(&nf, s, 5000, 0, 0, 1);
	assert_int_equal(n, 2);
	nf_send(&nf, 0, s, 1);			/* half a packet: nothing owed yet */
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 4), 0);
	assert_int_equal(tap_read("vif1.0", 0, &h, got), -1);
	nf_send(&nf, 0, s + 1, 1);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 4), 2);
	assert_int_equal(tap_read("vif1.0", 0, &h, got), 5000);
	assert_memory_equal(got, frame, 5000);
}

struct bad_tx {
	const char *name;
	int kind;
	uint64_t *(*counter)(struct net_stats *s);
	unsigned int nslots;	/* responses owed for the bad packet */
};

static uint64_t *c_nslots(struct net_stats *s) { return &s->tx_bad[XPV_NETBACK_TX_BAD_NSLOTS]; }
static uint64_t *c_size(struct net_stats *s) { return &s->tx_bad[XPV_NETBACK_TX_BAD_SIZE]; }
static uint64_t *c_offset(struct net_stats *s) { return &s->tx_bad[XPV_NETBACK_TX_BAD_OFFSET]; }
static uint64_t *c_gref(struct net_stats *s) { return &s->tx_bad[XPV_NETBACK_TX_BAD_GREF]; }
static uint64_t *c_extra(struct net_stats *s) { return &s->tx_bad[XPV_NETBACK_TX_BAD_EXTRA]; }
static uint64_t *c_gso(struct net_stats *s) { return &s->tx_bad[XPV_NETBACK_TX_BAD_GSO]; }
static uint64_t *c_mss(struct net_stats *s) { return &s->tx_bad[XPV_NETBACK_TX_BAD_GSO_SIZE]; }
static uint64_t *c_grant(struct net_stats *s) { return &s->tx_grant_errors; }
static uint64_t *c_csum(struct net_stats *s) { return &s->tx_bad_csum; }

static const struct bad_tx bad_txs[] = {
	{ "19 data slots", 0, c_nslots, 19 },
	{ "first size below the rest", 1, c_size, 2 },
	{ "runt", 2, c_size, 1 },
	{ "offset past the page", 3, c_offset, 1 },
	{ "second slot crosses its page", 4, c_offset, 2 },
	{ "grant never given", 5, c_grant, 2 },
	{ "toolstack's grant", 6, c_gref, 1 },
	{ "extra of unknown type", 7, c_extra, 3 },
	{ "gso with mss 0", 8, c_mss, 3 },
	{ "gso of 60000 bytes, mss one below the minimum", 11, c_mss, 16 },
	{ "gso of 60000 bytes, mss 1", 12, c_mss, 16 },
	{ "gso of unknown type", 13, c_gso, 3 },
	{ "csum blank on ARP", 9, c_csum, 1 },
	{ "gso v4 on an IPv6 frame", 10, c_csum, 3 },
};

static unsigned int bad_chain(int kind, union xpv_netif_tx_slot *s)
{
	uint8_t *mem;
	uint32_t ref = nf_data_page(&nf, &mem);
	unsigned int n;

	tcp_frame(1000, 9);
	memcpy(mem, frame, 1000);
	switch (kind) {
	case 0:
		for (n = 0; n < 19; n++)
			s[n] = req(ref, 0, n < 18 ? XPV_NETTXF_MORE_DATA : 0, (uint16_t)n,
				   n ? 10 : 1000);
		return 19;
	case 1:
		s[0] = req(ref, 0, XPV_NETTXF_MORE_DATA, 1, 100);
		s[1] = req(ref, 0, 0, 2, 200);
		return 2;
	case 2:
		s[0] = req(ref, 0, 0, 1, 10);
		return 1;
	case 3:
		s[0] = req(ref, 4000, 0, 1, 200);
		return 1;
	case 4:
		s[0] = req(ref, 0, XPV_NETTXF_MORE_DATA, 1, 1000);
		s[1] = req(ref, 4000, 0, 2, 100);
		return 2;
	case 5:
		s[0] = req(ref, 0, XPV_NETTXF_MORE_DATA, 1, 1000);
		s[1] = req(3999, 0, 0, 2, 100);
		return 2;
	case 6:
		s[0] = req(2, 0, 0, 1, 100);
		return 1;
	case 11:
	case 12:
		tcp_frame(60000, 9);
		return chain(&nf, s, 60000, XPV_NETTXF_CSUM_BLANK,
			     kind == 11 ? XPV_NETBACK_GSO_MIN_SIZE - 1 : 1, 1);
	case 9:
		frame[13] = 0x06;		/* ARP */
		memcpy(mem, frame, 1000);
		s[0] = req(ref, 0, XPV_NETTXF_CSUM_BLANK, 1, 1000);
		return 1;
	default:
		break;
	}
	s[0] = req(ref, 0, XPV_NETTXF_EXTRA_INFO | XPV_NETTXF_MORE_DATA, 1, 1000);
	memset(&s[1], 0, sizeof(s[1]));
	s[1].extra.type = kind == 7 ? 9 : XPV_NETIF_EXTRA_TYPE_GSO;
	s[1].extra.u.gso.type = kind == 13 ? 3 : XPV_NETIF_GSO_TYPE_TCPV4;
	s[1].extra.u.gso.size = kind == 8 ? 0 : 1000;
	s[2] = req(ref, 0, 0, 2, 100);
	if (kind == 10) {
		frame[12] = 0x86;		/* an IPv6 frame with a TCP header */
		frame[13] = 0xdd;
		frame[14] = 0x60;
		frame[14 + 6] = 6;
		frame[54 + 12] = 5 << 4;
		memcpy(mem, frame, 1000);
	}
	return 3;
}

static void test_tx_malformed(void **state)
{
	union xpv_netif_tx_slot s[24];
	struct xpv_netif_tx_rsp rsp[24];
	struct virtio_net_hdr h;
	static uint8_t got[4096];

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad_txs) / sizeof(bad_txs[0]); i++) {
		const struct bad_tx *t = &bad_txs[i];
		struct net_stats *st = &queue(1, 0)->stats;
		uint64_t before = *t->counter(st), drops = net_stats_drops(st);
		unsigned int n = bad_chain(t->kind, s), good;

		print_message("%s\n", t->name);
		good = n + chain(&nf, s + n, 100, 0, 0, 500);	/* a good one behind */
		tcp_frame(100, 0);
		nf_send(&nf, 0, s, good);
		run_backend(&be, fx);
		assert_int_equal(nf_tx_collect(&nf, 0, rsp, 24), (int)t->nslots + 1);
		for (unsigned int k = 0; k < t->nslots; k++)
			assert_true(rsp[k].status == XPV_NETIF_RSP_ERROR ||
				    rsp[k].status == XPV_NETIF_RSP_NULL);
		assert_int_equal(rsp[0].status, XPV_NETIF_RSP_ERROR);
		assert_int_equal(rsp[t->nslots].id, 500);
		assert_int_equal(rsp[t->nslots].status, XPV_NETIF_RSP_OKAY);
		assert_int_equal(*t->counter(st), before + 1);
		assert_int_equal(net_stats_drops(st), drops + 1);
		assert_int_equal(tap_read("vif1.0", 0, &h, got), 100);	/* only the good one */
		assert_int_equal(tap_read("vif1.0", 0, &h, got), -1);
	}
	assert_int_equal(nf_be_state(&nf), 4);		/* still serving */
}

/* Both sides of the smallest MSS, on a 60,000-byte frame: 1250 segments pass. */
static void test_tx_gso_min_mss(void **state)
{
	union xpv_netif_tx_slot s[20];
	struct xpv_netif_tx_rsp rsp[20];
	struct virtio_net_hdr h;
	static uint8_t got[65536];
	struct net_stats *st = &queue(1, 0)->stats;
	unsigned int n;

	(void)state;
	tcp_frame(60000, 7);
	n = chain(&nf, s, 60000, XPV_NETTXF_CSUM_BLANK, XPV_NETBACK_GSO_MIN_SIZE, 1);
	nf_send(&nf, 0, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 20), (int)n);
	assert_int_equal(rsp[0].status, XPV_NETIF_RSP_OKAY);
	assert_int_equal(tap_read("vif1.0", 0, &h, got), 60000);
	assert_int_equal(h.gso_size, XPV_NETBACK_GSO_MIN_SIZE);
	assert_int_equal(h.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	n = chain(&nf, s, 60000, XPV_NETTXF_CSUM_BLANK, XPV_NETBACK_GSO_MIN_SIZE - 1, 1);
	nf_send(&nf, 0, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 20), (int)n);
	assert_int_equal(rsp[0].status, XPV_NETIF_RSP_ERROR);
	assert_int_equal(st->tx_bad[XPV_NETBACK_TX_BAD_GSO_SIZE], 1);
	assert_int_equal(net_stats_drops(st), 1);
	assert_int_equal(tap_read("vif1.0", 0, &h, got), -1);
}

static void test_tx_ring_lies(void **state)
{
	union xpv_netif_tx_slot s[2];
	struct xpv_netif_tx_rsp rsp[2];
	struct virtio_net_hdr h;
	static uint8_t got[4096];
	unsigned int n;

	(void)state;
	connect_vif(&nf2, 2, 1, false);
	nf.q[0].tx.sring->req_prod += 1000;	/* more than a ring ahead */
	fake_kick(fx, fake_local_port(fx, 1, nf.q[0].tx_port));
	tcp_frame(100, 0);
	n = chain(&nf2, s, 100, 0, 0, 1);
	nf_send(&nf2, 0, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(&nf), 5);
	assert_non_null(fake_read(fx, "/local/domain/0/error/backend/vif/1/0/error"));
	assert_int_equal(queue(1, 0)->stats.broken, 1);
	assert_int_equal(nf_tx_collect(&nf2, 0, rsp, 2), 1);
	assert_int_equal(tap_read("vif2.0", 0, &h, got), 100);
}

/* --- RX: TAP -> guest -------------------------------------------------------- */

static void test_rx_gso_and_plain(void **state)
{
	struct virtio_net_hdr h = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		.gso_size = 1448, .hdr_len = 54, .csum_start = 34, .csum_offset = 16,
	};
	union xpv_netif_rx_slot r[8];

	(void)state;
	nf_post_rx(&nf, 0, 8);
	run_backend(&be, fx);
	tcp_frame(9000, 6);
	tap_write("vif1.0", 0, &h, 9000);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 8), 4);
	assert_int_equal(r[0].rsp.status, 4096);
	assert_int_equal(r[0].rsp.offset, 0);
	assert_int_equal(r[0].rsp.flags, XPV_NETRXF_CSUM_BLANK | XPV_NETRXF_DATA_VALIDATED |
			 XPV_NETRXF_EXTRA_INFO | XPV_NETRXF_MORE_DATA);
	assert_int_equal(r[1].extra.type, XPV_NETIF_EXTRA_TYPE_GSO);
	assert_int_equal(r[1].extra.u.gso.size, 1448);
	assert_int_equal(r[1].extra.u.gso.type, XPV_NETIF_GSO_TYPE_TCPV4);
	assert_int_equal(r[2].rsp.flags, XPV_NETRXF_MORE_DATA);
	assert_int_equal(r[3].rsp.status, 9000 - 8192);
	assert_int_equal(r[3].rsp.flags, 0);
	assert_memory_equal(nf_rx_page(&nf, 0, r[0].rsp.id), frame, 4096);
	assert_memory_equal(nf_rx_page(&nf, 0, r[2].rsp.id), frame + 4096, 4096);
	assert_memory_equal(nf_rx_page(&nf, 0, r[3].rsp.id), frame + 8192, 808);
	assert_true(fake_notified(fx, 1, nf.q[0].rx_port) > 0);

	tcp_frame(60, 7);
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 60);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 8), 1);
	assert_int_equal(r[0].rsp.status, 60);
	assert_int_equal(r[0].rsp.flags, 0);
	assert_int_equal(queue(1, 0)->stats.rx_packets, 2);
	assert_int_equal(queue(1, 0)->stats.rx_gso, 1);
}

static void test_rx_waits_for_buffers(void **state)
{
	union xpv_netif_rx_slot r[4];

	(void)state;
	tcp_frame(1000, 1);
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 1000);
	tcp_frame(1000, 2);
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 1000);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 4), 0);
	assert_true(queue(1, 0)->tap_w->paused);	/* the TAP is left alone */
	nf_post_rx(&nf, 0, 1);				/* one buffer: one frame */
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 4), 1);
	tcp_frame(1000, 1);
	assert_memory_equal(nf_rx_page(&nf, 0, r[0].rsp.id), frame, 1000);
	nf_post_rx(&nf, 0, 1);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 4), 1);
	tcp_frame(1000, 2);
	assert_memory_equal(nf_rx_page(&nf, 0, r[0].rsp.id), frame, 1000);
	assert_false(queue(1, 0)->tap_w->paused);
	assert_int_equal(net_stats_drops(&queue(1, 0)->stats), 0);
}

/* Frames waiting on the TAP cross a turn's budget at a time in one grant
 * copy, each into its own buffers, in order. */
static void test_rx_batched(void **state)
{
	union xpv_netif_rx_slot r[20];
	unsigned int calls, i;

	(void)state;
	nf_post_rx(&nf, 0, 20);
	run_backend(&be, fx);
	for (i = 0; i < 20; i++) {
		tcp_frame(1000 + i, (uint8_t)i);
		tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 1000 + i);
	}
	calls = fx->gnt_copy_calls;
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 20), 20);
	/* 8 a turn (the limits above): 3 copies for 20 frames, not 20 */
	assert_int_equal(fx->gnt_copy_calls - calls, 3);
	for (i = 0; i < 20; i++) {
		tcp_frame(1000 + i, (uint8_t)i);
		assert_int_equal(r[i].rsp.status, 1000 + i);
		assert_memory_equal(nf_rx_page(&nf, 0, r[i].rsp.id), frame, 1000 + i);
	}
	assert_int_equal(queue(1, 0)->stats.rx_packets, 20);
}

/* A frame short of buffers in the middle of a batch: those before it go,
 * it waits (the TAP left alone), and goes first once the guest posts. */
static void test_rx_held_mid_batch(void **state)
{
	union xpv_netif_rx_slot r[8];

	(void)state;
	nf_post_rx(&nf, 0, 3);
	run_backend(&be, fx);
	tcp_frame(1000, 1);
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 1000);
	tcp_frame(9000, 2);				/* three buffers */
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 9000);
	tcp_frame(1000, 3);
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 1000);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 8), 1);
	tcp_frame(1000, 1);
	assert_memory_equal(nf_rx_page(&nf, 0, r[0].rsp.id), frame, 1000);
	assert_true(queue(1, 0)->tap_w->paused);
	nf_post_rx(&nf, 0, 3);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 8), 4);
	tcp_frame(9000, 2);
	assert_int_equal(r[0].rsp.flags, XPV_NETRXF_MORE_DATA);
	assert_memory_equal(nf_rx_page(&nf, 0, r[0].rsp.id), frame, 4096);
	assert_memory_equal(nf_rx_page(&nf, 0, r[2].rsp.id), frame + 8192, 9000 - 8192);
	tcp_frame(1000, 3);
	assert_int_equal(r[3].rsp.status, 1000);
	assert_memory_equal(nf_rx_page(&nf, 0, r[3].rsp.id), frame, 1000);
	assert_int_equal(queue(1, 0)->stats.rx_packets, 3);
	assert_int_equal(net_stats_drops(&queue(1, 0)->stats), 0);
}

static void test_rx_what_the_guest_cannot_take(void **state)
{
	struct nf_features f = nf_linux;
	union xpv_netif_rx_slot r[4];
	struct virtio_net_hdr udp = { .gso_type = VIRTIO_NET_HDR_GSO_UDP, .gso_size = 1000 };
	struct virtio_net_hdr v6 = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .csum_start = 54, .csum_offset = 16 };

	(void)state;
	f.csum6 = NULL;				/* no blank IPv6 checksums */
	nf_create_vif(&nf2, fx, 2, 0);
	run_backend(&be, fx);
	nf_publish(&nf2, 1, false, &f);
	run_backend(&be, fx);
	nf_post_rx(&nf2, 0, 4);
	tcp_frame(3000, 1);
	tap_write("vif2.0", 0, &udp, 3000);	/* dropped */
	frame[12] = 0x86;
	frame[13] = 0xdd;
	frame[14] = 0x60;
	frame[54 + 16] = 0x12;			/* a pseudo-header sum */
	tap_write("vif2.0", 0, &v6, 3000);	/* checksum filled here */
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf2, 0, r, 4), 1);
	assert_int_equal(r[0].rsp.flags, XPV_NETRXF_DATA_VALIDATED);
	assert_int_equal(queue(2, 0)->stats.rx_dropped, 1);
	assert_memory_not_equal(nf_rx_page(&nf2, 0, r[0].rsp.id) + 54 + 16,
				frame + 54 + 16, 2);
}

static void test_rx_grant_revoked(void **state)
{
	union xpv_netif_rx_slot r[2];
	union xpv_netif_rx_slot *slot;

	(void)state;
	slot = xpv_ring_produce(&nf.q[0].rx);	/* a buffer with a grant never given */
	slot->req = (struct xpv_netif_rx_req){ .id = 0, .gref = 3999 };
	xpv_ring_push(&nf.q[0].rx);
	fake_kick(fx, fake_local_port(fx, 1, nf.q[0].rx_port));
	tcp_frame(500, 1);
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 500);
	run_backend(&be, fx);
	assert_int_equal(nf_rx_collect(&nf, 0, r, 2), 1);
	assert_int_equal(r[0].rsp.status, XPV_NETIF_RSP_ERROR);
	assert_int_equal(queue(1, 0)->stats.rx_grant_errors, 1);
	assert_int_equal(nf_be_state(&nf), 4);
}

/* --- lifecycle and fairness -------------------------------------------------- */

static void test_guest_destroyed_mid_traffic(void **state)
{
	union xpv_netif_tx_slot s[8];
	struct xpv_netif_tx_rsp rsp[8];
	struct virtio_net_hdr h;
	static uint8_t got[4096];
	unsigned int n;

	(void)state;
	connect_vif(&nf2, 2, 2, true);
	nf_post_rx(&nf, 0, 4);
	tcp_frame(3000, 1);
	n = chain(&nf, s, 3000, 0, 0, 1);
	nf_send(&nf, 0, s, n);
	tap_write("vif1.0", 0, &(struct virtio_net_hdr){ 0 }, 3000);
	fake_destroy_domain(fx, 1);		/* grants and channels gone */
	run_backend(&be, fx);
	fake_rm(fx, nf.be);			/* libxl removes the backend dir */
	run_backend(&be, fx);
	assert_null(xpv_backend_find(&be, 1, 0));
	assert_false(fake_tap_exists("vif1.0"));	/* the device went with it */
	assert_int_equal(fx->live_pages, 4);		/* guest 2's two queues only */
	tcp_frame(100, 0);
	n = chain(&nf2, s, 100, 0, 0, 1);
	nf_send(&nf2, 0, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf2, 0, rsp, 8), 1);
	assert_int_equal(tap_read("vif2.0", 0, &h, got), 100);
}

static void test_toolstack_removal(void **state)
{
	(void)state;
	/* xl network-detach / domain shutdown: libxl offlines, closes */
	fake_write(fx, "/local/domain/0/backend/vif/1/0/online", "0");
	fake_write(fx, "/local/domain/0/backend/vif/1/0/state", "5");
	run_backend(&be, fx);
	fake_write(fx, "/local/domain/1/device/vif/0/state", "5");
	run_backend(&be, fx);
	fake_write(fx, "/local/domain/1/device/vif/0/state", "6");
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(&nf), 6);
	assert_false(fake_tap_exists("vif1.0"));
	assert_int_equal(fx->live_pages, 0);
	/* the dir is still there a while: nothing is reopened meanwhile */
	fake_write(fx, "/local/domain/0/backend/vif/1/0/hotplug-status", "%s", "");
	run_backend(&be, fx);
	assert_false(fake_tap_exists("vif1.0"));
	fake_rm(fx, nf.be);
	run_backend(&be, fx);
	assert_null(xpv_backend_find(&be, 1, 0));
}

/* xl rate=: 3000 bytes per 600 ms; 1000-byte packets go three a period */
static void test_rate_limit(void **state)
{
	static union xpv_netif_tx_slot s[16];
	struct xpv_netif_tx_rsp rsp[16];
	uint8_t *mem;
	uint32_t ref;

	(void)state;
	nf_create_vif(&nf2, fx, 2, 0);
	ref = nf_data_page(&nf2, &mem);
	fake_write(fx, "/local/domain/0/backend/vif/2/0/rate", "3000,600000");
	run_backend(&be, fx);
	nf_publish(&nf2, 1, false, &nf_linux);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(&nf2), 4);
	tcp_frame(1000, 0);
	memcpy(mem, frame, 1000);
	for (int i = 0; i < 8; i++)
		s[i] = req(ref, 0, 0, (uint16_t)i, 1000);
	nf_send(&nf2, 0, s, 8);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf2, 0, rsp, 16), 3);
	assert_true(queue(2, 0)->stats.tx_throttled > 0);
	usleep(150000);			/* the period is not over yet */
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf2, 0, rsp, 16), 0);
	for (int i = 0, got = 0; got < 5; i++) {	/* two more periods, by the timer */
		assert_true(i < 100);
		usleep(50000);
		run_backend(&be, fx);
		got += nf_tx_collect(&nf2, 0, rsp, 16);
		assert_true(got <= 6 || queue(2, 0)->stats.tx_packets > 6);
	}
	assert_int_equal(queue(2, 0)->stats.tx_packets, 8);
	/* the other guest is not limited */
	assert_true(queue(1, 0)->vif->credit_bytes == 0);
}

static void test_bad_rate_refused(void **state)
{
	static const char *const bad[] = { "", "1000", "1000,", ",1000", "0,1000",
					   "1000,0", "-1,1000", "1000,1000x", "1e3,1000" };

	(void)state;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t b, u;

		print_message("rate \"%s\"\n", bad[i]);
		assert_int_equal(net_parse_rate(bad[i], &b, &u), -EINVAL);
	}
	nf_create_vif(&nf2, fx, 2, 0);
	fake_write(fx, "/local/domain/0/backend/vif/2/0/rate", "lots");
	run_backend(&be, fx);
	nf_publish(&nf2, 1, false, &nf_linux);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(&nf2), 5);
	assert_non_null(fake_read(fx, "/local/domain/0/error/backend/vif/2/0/error"));
}

static void test_fairness(void **state)
{
	static union xpv_netif_tx_slot s[256];
	struct xpv_netif_tx_rsp rsp[256];
	uint8_t *mem;
	uint32_t ref = nf_data_page(&nf, &mem);

	(void)state;
	connect_vif(&nf2, 2, 1, false);
	tcp_frame(100, 0);
	memcpy(mem, frame, 100);
	for (int i = 0; i < 200; i++)		/* guest 1 floods */
		s[i] = req(ref, 0, 0, (uint16_t)i, 100);
	nf_send(&nf, 0, s, 200);
	s[0] = req(nf_data_page(&nf2, &mem), 0, 0, 7, 100);
	memcpy(mem, frame, 100);
	nf_send(&nf2, 0, s, 1);
	xpv_backend_step(&be, 0);		/* one turn */
	assert_int_equal(nf_tx_collect(&nf2, 0, rsp, 256), 1);
	assert_true(nf_tx_collect(&nf, 0, rsp, 256) <= (int)limits.reqs_per_turn);
	run_backend(&be, fx);
	assert_int_equal(queue(1, 0)->stats.tx_packets, 200);
}

static void test_frontend_restarts(void **state)
{
	union xpv_netif_tx_slot s[2];
	struct xpv_netif_tx_rsp rsp[2];
	struct virtio_net_hdr h;
	static uint8_t got[4096];
	unsigned int n;

	(void)state;
	/* netfront after kexec or a module reload: Initialising, new rings */
	fake_write(fx, "/local/domain/1/device/vif/0/state", "1");
	run_backend(&be, fx);
	nf_publish(&nf, 1, true, &nf_linux);
	run_backend(&be, fx);
	assert_int_equal(nf_be_state(&nf), 4);
	assert_true(queue(1, 0)->rx_evt != queue(1, 0)->tx_evt);
	assert_int_equal(fx->live_pages, 2);		/* the old rings unmapped */
	tcp_frame(100, 0);
	n = chain(&nf, s, 100, 0, 0, 1);
	nf_send(&nf, 0, s, n);
	run_backend(&be, fx);
	assert_int_equal(nf_tx_collect(&nf, 0, rsp, 2), 1);
	assert_int_equal(tap_read("vif1.0", 0, &h, got), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_probe_advertises, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_no_offloads_offered, setup_bare, teardown),
		cmocka_unit_test_setup_teardown(test_offloads_negotiated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frontend_refused, setup, teardown),
		cmocka_unit_test(test_frontend_numbers_at_boundaries),
		cmocka_unit_test(test_ring_order_rewritten_while_connected),
		cmocka_unit_test_setup_teardown(test_multi_queue_split, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_single_and_gso, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_batched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_chain_in_two_pushes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_gso_min_mss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_ring_lies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_gso_and_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_batched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_held_mid_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_waits_for_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_what_the_guest_cannot_take, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rx_grant_revoked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_destroyed_mid_traffic, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_toolstack_removal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fairness, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rate_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frontend_restarts, setup, teardown),
	};

	xpv_log_quiet = 1;
	return cmocka_run_group_tests_name("xpv_netback", tests, NULL, NULL);
}
