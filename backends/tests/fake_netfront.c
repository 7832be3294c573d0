// SPDX-License-Identifier: GPL-2.0-only
/*
 * Toolstack, netfront and TAP for the network backend tests; see
 * fake_netfront.h. Node names and order follow libxl (libxl_nic.c) and
 * Linux's netfront (talk_to_netback, setup_netfront).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fake_netfront.h"

const struct nf_features nf_linux = {
	"1", "1", "1", "1", "1", "1",
};

#define BE(node, ...)	fake_dir_write(nf->fx, nf->be, node, __VA_ARGS__)
#define FE(node, ...)	fake_dir_write(nf->fx, nf->fe, node, __VA_ARGS__)

void nf_create_vif(struct fake_netfront *nf, struct fake_xen *fx, uint16_t domid,
		   uint32_t devid)
{
	memset(nf, 0, sizeof(*nf));
	nf->fx = fx;
	nf->domid = domid;
	nf->devid = devid;
	snprintf(nf->be, sizeof(nf->be), "/local/domain/0/backend/vif/%u/%u", domid, devid);
	snprintf(nf->fe, sizeof(nf->fe), "/local/domain/%u/device/vif/%u", domid, devid);
	FE("backend", "%s", nf->be);
	FE("backend-id", "0");
	FE("handle", "%u", devid);
	FE("mac", "00:16:3e:00:00:%02x", domid);
	FE("state", "1");
	BE("frontend", "%s", nf->fe);
	BE("frontend-id", "%u", domid);
	BE("online", "1");
	BE("script", "/etc/xen/scripts/vif-bridge");
	BE("mac", "00:16:3e:00:00:%02x", domid);
	BE("bridge", "xenbr0");
	BE("handle", "%u", devid);
	BE("type", "vif");
	BE("state", "1");
}

const char *nf_be(struct fake_netfront *nf, const char *node)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", nf->be, node);
	return fake_read(nf->fx, p);
}

int nf_be_state(struct fake_netfront *nf)
{
	const char *s = nf_be(nf, "state");

	return s ? atoi(s) : -1;
}

static uint32_t granted_page(struct fake_netfront *nf, uint32_t *page)
{
	*page = fake_alloc_page(nf->fx);
	memset(fake_page(nf->fx, *page), 0, 4096);
	return fake_grant(nf->fx, nf->domid, *page);
}

static void publish_queue(struct fake_netfront *nf, unsigned int i, const char *dir)
{
	struct nf_queue *q = &nf->q[i];
	uint32_t tx_page, rx_page;
	char node[64];

	q->tx_ref = granted_page(nf, &tx_page);
	q->rx_ref = granted_page(nf, &rx_page);
	xpv_ring_init_front(&q->tx, fake_page(nf->fx, tx_page), 4096,
			    sizeof(union xpv_netif_tx_slot));
	xpv_ring_init_front(&q->rx, fake_page(nf->fx, rx_page), 4096,
			    sizeof(union xpv_netif_rx_slot));
	for (unsigned int k = 0; k < NF_RX_PAGES; k++)
		q->rx_refs[k] = granted_page(nf, &q->rx_pages[k]);
	q->tx_port = fake_offer_port(nf->fx, nf->domid);
	q->rx_port = nf->split ? fake_offer_port(nf->fx, nf->domid) : q->tx_port;
	snprintf(node, sizeof(node), "%stx-ring-ref", dir);
	FE(node, "%u", q->tx_ref);
	snprintf(node, sizeof(node), "%srx-ring-ref", dir);
	FE(node, "%u", q->rx_ref);
	if (nf->split) {
		snprintf(node, sizeof(node), "%sevent-channel-tx", dir);
		FE(node, "%u", q->tx_port);
		snprintf(node, sizeof(node), "%sevent-channel-rx", dir);
		FE(node, "%u", q->rx_port);
	} else {
		snprintf(node, sizeof(node), "%sevent-channel", dir);
		FE(node, "%u", q->tx_port);
	}
}

#define FEATURE(node, v)	do { if (v) FE(node, "%s", v); } while (0)

void nf_publish(struct fake_netfront *nf, unsigned int nr_queues, bool split,
		const struct nf_features *f)
{
	char dir[32];

	nf->nr_queues = nr_queues;
	nf->split = split;
	if (nr_queues > 1)
		FE("multi-queue-num-queues", "%u", nr_queues);
	for (unsigned int i = 0; i < nr_queues; i++) {
		if (nr_queues > 1)
			snprintf(dir, sizeof(dir), "queue-%u/", i);
		else
			dir[0] = '\0';
		publish_queue(nf, i, dir);
	}
	FEATURE("request-rx-copy", f->rx_copy);
	FEATURE("feature-rx-notify", f->rx_notify);
	FEATURE("feature-sg", f->sg);
	FEATURE("feature-gso-tcpv4", f->gso4);
	FEATURE("feature-gso-tcpv6", f->gso6);
	FEATURE("feature-ipv6-csum-offload", f->csum6);
	FE("state", "4");		/* netfront goes straight to Connected */
}
#undef BE
#undef FE

static void kick(struct fake_netfront *nf, uint32_t port)
{
	int local = fake_local_port(nf->fx, nf->domid, port);

	if (local > 0)
		fake_kick(nf->fx, local);
}

void nf_send(struct fake_netfront *nf, unsigned int i,
	     const union xpv_netif_tx_slot *slots, unsigned int n)
{
	struct nf_queue *q = &nf->q[i];

	for (unsigned int k = 0; k < n; k++) {
		void *slot = xpv_ring_produce(&q->tx);

		if (!slot)
			abort();
		memcpy(slot, &slots[k], sizeof(slots[k]));
	}
	xpv_ring_push(&q->tx);
	kick(nf, q->tx_port);
}

int nf_tx_collect(struct fake_netfront *nf, unsigned int i,
		  struct xpv_netif_tx_rsp *rsp, int max)
{
	union xpv_netif_tx_slot e;
	int n = 0;

	while (n < max && xpv_ring_consume(&nf->q[i].tx, &e) == 1)
		rsp[n++] = e.rsp;
	return n;
}

uint32_t nf_data_page(struct fake_netfront *nf, uint8_t **mem)
{
	uint32_t page, ref = granted_page(nf, &page);

	*mem = fake_page(nf->fx, page);
	return ref;
}

/* Buffer ids are ring indices, as Linux's netfront makes them. */
void nf_post_rx(struct fake_netfront *nf, unsigned int i, unsigned int n)
{
	struct nf_queue *q = &nf->q[i];

	for (unsigned int k = 0; k < n; k++) {
		struct xpv_netif_rx_req *r = xpv_ring_produce(&q->rx);
		uint16_t id = (uint16_t)(q->rx_posted++ % q->rx.nr_ents);

		if (!r)
			abort();
		memset(r, 0, sizeof(union xpv_netif_rx_slot));
		r->id = id;
		r->gref = q->rx_refs[id % NF_RX_PAGES];
	}
	xpv_ring_push(&q->rx);
	kick(nf, q->rx_port);
}

int nf_rx_collect(struct fake_netfront *nf, unsigned int i,
		  union xpv_netif_rx_slot *rsp, int max)
{
	union xpv_netif_rx_slot e;
	int n = 0;

	while (n < max && xpv_ring_consume(&nf->q[i].rx, &e) == 1)
		rsp[n++] = e;
	return n;
}

uint8_t *nf_rx_page(struct fake_netfront *nf, unsigned int i, uint16_t id)
{
	return fake_page(nf->fx, nf->q[i].rx_pages[id % NF_RX_PAGES]);
}

/* --- the fake TAP ---------------------------------------------------------- */

#define TAPS	32

static struct {
	char name[IFNAMSIZ];
	int fd[NF_MAX_QUEUES];		/* the daemon's ends */
	int peer[NF_MAX_QUEUES];	/* the test's ends */
	unsigned int offload;
	bool used;
} taps[TAPS];

static int find_tap(const char *name)
{
	for (int i = 0; i < TAPS; i++)
		if (taps[i].used && !strcmp(taps[i].name, name))
			return i;
	return -1;
}

static int fake_open(const char *name, bool create, int *fdp)
{
	int t = find_tap(name), sv[2];
	unsigned int q;

	if (create) {
		if (t >= 0)
			return -EEXIST;
		for (t = 0; t < TAPS && taps[t].used; t++)
			;
		if (t == TAPS)
			abort();
		snprintf(taps[t].name, sizeof(taps[t].name), "%s", name);
		taps[t].used = true;
		taps[t].offload = 0;
		for (q = 0; q < NF_MAX_QUEUES; q++)
			taps[t].fd[q] = taps[t].peer[q] = -1;
	}
	if (t < 0)
		return -ENODEV;
	for (q = 0; q < NF_MAX_QUEUES && taps[t].fd[q] >= 0; q++)
		;
	if (q == NF_MAX_QUEUES)
		return -EBUSY;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		return -errno;
	taps[t].fd[q] = sv[0];
	taps[t].peer[q] = sv[1];
	*fdp = sv[0];
	return 0;
}

static int fake_set_offload(int fd, unsigned int flags)
{
	for (int t = 0; t < TAPS; t++)
		if (taps[t].used && taps[t].fd[0] == fd) {
			taps[t].offload = flags;
			return 0;
		}
	return -EBADF;
}

/* Closing queue 0 removes the device, as the last fd of a TAP does. */
static void fake_close_fd(int fd)
{
	for (int t = 0; t < TAPS; t++)
		for (int q = 0; taps[t].used && q < NF_MAX_QUEUES; q++) {
			if (taps[t].fd[q] != fd)
				continue;
			close(fd);
			close(taps[t].peer[q]);
			taps[t].fd[q] = taps[t].peer[q] = -1;
			if (q == 0)
				taps[t].used = false;
			return;
		}
	abort();		/* a fd the daemon never had */
}

const struct net_tap_ops fake_tap_ops = {
	.open = fake_open,
	.set_offload = fake_set_offload,
	.close = fake_close_fd,
};

int fake_tap_peer(const char *name, unsigned int q)
{
	int t = find_tap(name);

	return t < 0 || q >= NF_MAX_QUEUES ? -1 : taps[t].peer[q];
}

bool fake_tap_exists(const char *name)
{
	return find_tap(name) >= 0;
}

unsigned int fake_tap_offload(const char *name)
{
	int t = find_tap(name);

	return t < 0 ? 0 : taps[t].offload;
}

/* Forget every TAP (a test that failed midway may have left some). */
void fake_tap_reset(void)
{
	memset(taps, 0, sizeof(taps));
}
