// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: xpv-netback's TX request path (and its RX path) fed
 * arbitrary ring slots, data and TAP frames.
 *
 * One guest stays connected across inputs (reconnected from scratch when
 * an input broke its ring). Each input is:
 *   byte 0     flags: bit 0 sets the TX req_prod from bytes 1..4 (a lying
 *              index), bit 1 makes this input's grant copies see a dead
 *              domain, bit 2 writes the tail to the TAP as a frame (virtio
 *              header included), bit 3 posts (byte 1 % 20) RX buffers
 *   byte 5     N, the number of TX slots that follow
 *   N * 12     TX ring slots (requests and extra-infos), pushed and served
 *   the tail   the content of data page 0 (what TX requests copy, where
 *              headers for csum/GSO are parsed), and the TAP frame
 * Grant refs 134..157 are granted data pages (see fuzz_seeds_netif.py), so
 * slots land on real pages as often as on refs the guest never gave. Every
 * TX response must be OKAY, ERROR or NULL; every RX response a length
 * inside the page or an error.
 *
 *   make -C backends fuzz FUZZ_TARGETS=netif FUZZ_SECONDS=600
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fake_guest.h"
#include "fake_netfront.h"

#define SLOT		sizeof(union xpv_netif_tx_slot)
#define HEADER		6
#define DATA_PAGES	24

static struct fake_xen *fx;
static struct xpv_backend be;
static struct fake_netfront nf;
static uint8_t *data[DATA_PAGES];

static const struct xpv_limits limits = {
	.max_devices_per_domain = 2, .max_ring_order = 0, .reqs_per_turn = 16,
};

static void start(void)
{
	fx = fake_xen_new();
	fake_tap_reset();
	net_config = (struct net_config){ .max_queues = 1, .offloads = true,
					  .split_evtchn = false, .tap = &fake_tap_ops };
	if (xpv_backend_init(&be, &fx->t, &net_vif_ops, 0, &limits))
		abort();
	nf_create_vif(&nf, fx, 1, 0);
	run_backend(&be, fx);
	nf_publish(&nf, 1, false, &nf_linux);
	for (int i = 0; i < DATA_PAGES; i++)
		nf_data_page(&nf, &data[i]);
	run_backend(&be, fx);
	if (nf_be_state(&nf) != 4)
		abort();
}

static void stop(void)
{
	if (!stop_backend(&be, fx) || fake_tap_exists("vif1.0"))
		abort();		/* a leaked mapping, binding or TAP */
}

static bool usable(void)
{
	return nf_be_state(&nf) == 4 && !xpv_ring_is_broken(&nf.q[0].tx) &&
	       !xpv_ring_is_broken(&nf.q[0].rx);
}

static void check_tx(void)
{
	struct xpv_netif_tx_rsp rsp[64];
	int n;

	while ((n = nf_tx_collect(&nf, 0, rsp, 64)) > 0)
		for (int i = 0; i < n; i++)
			if (rsp[i].status < XPV_NETIF_RSP_ERROR ||
			    rsp[i].status > XPV_NETIF_RSP_NULL)
				abort();
}

static void check_rx(void)
{
	union xpv_netif_rx_slot r[64];
	bool extra = false, more_extras;
	int n;

	while ((n = nf_rx_collect(&nf, 0, r, 64)) > 0)
		for (int i = 0; i < n; i++) {
			if (extra) {	/* an extra-info slot */
				more_extras = r[i].extra.flags & XPV_NETIF_EXTRA_FLAG_MORE;
				if (r[i].extra.type != XPV_NETIF_EXTRA_TYPE_GSO || more_extras)
					abort();
				extra = false;
				continue;
			}
			if (r[i].rsp.status < XPV_NETIF_RSP_ERROR ||
			    r[i].rsp.offset + (r[i].rsp.status > 0 ? r[i].rsp.status : 0) > 4096)
				abort();
			extra = r[i].rsp.flags & XPV_NETRXF_EXTRA_INFO;
		}
}

static void drain_tap(void)
{
	static uint8_t buf[NET_BUF];
	int fd = fake_tap_peer("vif1.0", 0);

	while (fd >= 0 && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	size_t off = HEADER, tail;
	uint32_t prod;
	unsigned int n;

	xpv_log_quiet = 1;
	if (!fx)
		start();
	if (len < HEADER)
		return 0;
	for (n = in[5]; n && off + SLOT <= len; n--, off += SLOT) {
		void *slot = xpv_ring_produce(&nf.q[0].tx);

		if (!slot)
			break;
		memcpy(slot, in + off, SLOT);
	}
	tail = len - off;
	memcpy(data[0], in + off, tail < 4096 ? tail : 4096);
	xpv_ring_push(&nf.q[0].tx);
	if (in[0] & 1) {
		memcpy(&prod, in + 1, 4);
		nf.q[0].tx.sring->req_prod = prod;
	}
	if ((in[0] & 8) && xpv_ring_free_slots(&nf.q[0].rx) >= 20u)
		nf_post_rx(&nf, 0, in[1] % 20);
	if ((in[0] & 4) && tail && tail <= NET_BUF)
		send(fake_tap_peer("vif1.0", 0), in + off, tail, MSG_DONTWAIT);
	if (in[0] & 2)
		fx->dead[1] = true;
	fake_kick(fx, fake_local_port(fx, 1, nf.q[0].tx_port));
	run_backend(&be, fx);
	fx->dead[1] = false;
	check_tx();
	check_rx();
	drain_tap();
	if (!usable()) {
		stop();
		start();
	}
	return 0;
}
