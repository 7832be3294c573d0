// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TX path of xpv-netback, guest -> dom0: slots are copied off the TX
 * ring into the queue's own array (xpv_ring_consume), and the packets at
 * its head, a batch of them (up to NET_BATCH, in NET_BATCH_BUF), are
 * checked by xpv_netback_tx_parse; the bytes of all of them cross in one
 * grant copy (one ioctl, a hypercall per 16 copies) into the queue's
 * buffer, each behind a virtio_net_hdr saying what the guest left to be
 * done (checksum, segmentation), and each frame is written to the TAP.
 * Every slot of each chain is then answered, pushed once per batch: OKAY,
 * or ERROR for a packet refused (bad chain, a grant the guest never gave,
 * offload on a frame that is not TCP or UDP), counted per reason. Only a
 * ring whose indices break the protocol stops the queue.
 *
 * Rate limit (xl's rate=, the toolstack's "rate" node "bytes,usec"): each
 * queue may send credit_bytes per credit_usec, as xen-netback does it; a
 * packet over the credit left waits, its slots unanswered, until a timerfd
 * says the next period began. A packet bigger than a whole period's credit
 * goes when the credit is whole, so it cannot wait forever.
 */
#include <errno.h>
#include <linux/virtio_net.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "netback.h"

static struct xpv_transport *transport(struct net_queue *q)
{
	return q->vif->dev->be->t;
}

static void ring_broken(struct net_queue *q, const char *which)
{
	if (q->stats.broken++)
		return;
	xpv_bdev_fail(q->vif->dev, -EPROTO, "queue %u: frontend broke the %s ring",
		      q->index, which);
}

/* A packet of a batch: its chain in tx_slots, its frame in tx_buf. */
struct tx_packet {
	struct xpv_netback_tx_pkt pkt;
	enum xpv_netback_tx_verdict v;
	uint32_t slot;			/* its first slot in tx_slots */
	uint32_t off;			/* its frame (virtio_net_hdr first) in tx_buf */
	uint32_t copy, ncopies;		/* its copies in tx_copies */
	int16_t status;
};

struct tx_batch {
	unsigned int n;
	uint32_t slots, fill;		/* slots and tx_buf bytes they take */
	bool incomplete, throttled;	/* why the batch ended early */
	struct tx_packet p[NET_BATCH];
};

/* Packet @p's copies, from its fragments into its frame. */
static void packet_copies(struct net_queue *q, struct tx_packet *p, uint32_t at)
{
	uint8_t *frame = q->tx_buf + p->off + NET_VNET_HDR;
	uint32_t i, off = 0;

	p->copy = at;
	p->ncopies = 0;
	for (i = 0; i < p->pkt.nr_frags; i++) {
		const struct xpv_netback_frag *f = &p->pkt.frags[i];

		if (f->len)
			q->tx_copies[at + p->ncopies++] = (struct xpv_gnt_copy){
				.local = frame + off, .ref = f->gref,
				.domid = q->vif->dev->domid, .offset = f->offset,
				.len = f->len, .to_guest = false,
			};
		off += f->len;
	}
}

/* Grant-copy every good packet's bytes at once; a failed copy fails its own. */
static void copy_in(struct net_queue *q, struct tx_batch *b)
{
	struct xpv_transport *t = transport(q);
	uint32_t i, j, nc = 0;
	bool all_failed;

	for (i = 0; i < b->n; i++) {
		if (b->p[i].v != XPV_NETBACK_TX_OK)
			continue;
		packet_copies(q, &b->p[i], nc);
		nc += b->p[i].ncopies;
	}
	all_failed = nc && t->ops->gnt_copy(t, nc, q->tx_copies);
	for (i = 0; i < b->n; i++) {
		struct tx_packet *p = &b->p[i];

		p->status = XPV_NETIF_RSP_OKAY;
		for (j = 0; j < p->ncopies && p->v == XPV_NETBACK_TX_OK; j++)
			if (all_failed || q->tx_copies[p->copy + j].status)
				p->status = XPV_NETIF_RSP_ERROR;
	}
}

/* What the guest left undone, for the TAP; false: drop the frame. */
static bool vnet_header(const struct xpv_netback_tx_pkt *pkt, const uint8_t *frame,
			struct virtio_net_hdr *h)
{
	struct xpv_netback_l4 l4;

	memset(h, 0, sizeof(*h));
	if (!pkt->csum_blank && pkt->gso_type == XPV_NETIF_GSO_TYPE_NONE) {
		if (pkt->data_validated)
			h->flags = VIRTIO_NET_HDR_F_DATA_VALID;
		return true;
	}
	if (xpv_netback_l4_parse(frame, pkt->len, &l4))
		return false;
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = l4.start;
	h->csum_offset = l4.csum_offset;
	if (pkt->gso_type == XPV_NETIF_GSO_TYPE_NONE)
		return true;
	if (l4.proto != 6 || l4.ipv6 != (pkt->gso_type == XPV_NETIF_GSO_TYPE_TCPV6))
		return false;
	h->gso_type = l4.ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = pkt->gso_size;
	h->hdr_len = l4.hdr_len;
	return true;
}

/* Send a checked packet, its bytes copied in, to the TAP; its slots' status. */
static int16_t send_packet(struct net_queue *q, const struct tx_packet *p)
{
	const struct xpv_netback_tx_pkt *pkt = &p->pkt;
	uint8_t *frame = q->tx_buf + p->off + NET_VNET_HDR;
	struct virtio_net_hdr h;
	ssize_t n;

	if (p->status != XPV_NETIF_RSP_OKAY) {
		q->stats.tx_grant_errors++;
		return XPV_NETIF_RSP_ERROR;
	}
	if (!vnet_header(pkt, frame, &h)) {
		q->stats.tx_bad_csum++;
		return XPV_NETIF_RSP_ERROR;
	}
	memcpy(frame - NET_VNET_HDR, &h, sizeof(h));
	n = write(q->tap_fd, frame - NET_VNET_HDR, NET_VNET_HDR + pkt->len);
	if (n != (ssize_t)(NET_VNET_HDR + pkt->len)) {
		q->stats.tx_write_errors++;	/* a NIC with no link drops too */
		return XPV_NETIF_RSP_OKAY;
	}
	q->stats.tx_packets++;
	q->stats.tx_bytes += pkt->len;
	q->stats.tx_gso += pkt->gso_type != XPV_NETIF_GSO_TYPE_NONE;
	return XPV_NETIF_RSP_OKAY;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* May @len bytes go now? If not, wake the queue when the credit is back. */
static bool take_credit(struct net_queue *q, uint32_t len)
{
	const struct net_vif *v = q->vif;
	struct itimerspec at = { { 0, 0 }, { 0, 0 } };
	uint64_t now;

	if (!v->credit_bytes)
		return true;
	now = now_ns();
	if (now >= q->credit_next) {
		q->credit_left = v->credit_bytes;
		q->credit_next = now + v->credit_usec * 1000u;
	}
	if (len <= q->credit_left || q->credit_left == v->credit_bytes) {
		q->credit_left -= len < q->credit_left ? len : q->credit_left;
		return true;
	}
	at.it_value.tv_sec = (time_t)(q->credit_next / 1000000000u);
	at.it_value.tv_nsec = (long)(q->credit_next % 1000000000u);
	timerfd_settime(q->timer_fd, TFD_TIMER_ABSTIME, &at, NULL);
	q->stats.tx_throttled++;
	return false;
}

/**
 * net_parse_rate() - the toolstack's "rate" node: "<bytes>,<usec>"
 *
 * Return: 0, or -EINVAL for anything but two decimal numbers, both > 0.
 */
int net_parse_rate(const char *s, uint64_t *bytes, uint64_t *usec)
{
	unsigned long long b, u;
	int n = 0;

	if (sscanf(s, "%19llu,%19llu%n", &b, &u, &n) != 2 || s[n] || !b || !u ||
	    s[0] < '0' || s[0] > '9' || u > UINT32_MAX)
		return -EINVAL;
	*bytes = b;
	*usec = u;
	return 0;
}

bool net_timer_handler(struct xpv_fdw *w)
{
	struct net_queue *q = w->arg;
	uint64_t ticks;

	if (read(q->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		w->paused = true;	/* cannot happen with a timerfd */
	return net_tx_turn(q);
}

/* Answer packet @p's slots with @status. */
static void respond(struct net_queue *q, const struct tx_packet *p, int16_t status)
{
	struct xpv_netif_tx_rsp rsp;
	union xpv_netif_tx_slot *slot;
	uint16_t i;

	for (i = 0; i < p->pkt.nr_slots; i++) {
		xpv_netback_tx_response(q->tx_slots + p->slot, &p->pkt, i, status, &rsp);
		slot = xpv_ring_produce(&q->tx);
		if (!slot)	/* cannot happen: each was consumed first */
			break;
		memset(slot, 0, sizeof(*slot));
		slot->rsp = rsp;
	}
}

/* Copy what the guest produced into tx_slots; false when the ring broke. */
static bool take_slots(struct net_queue *q)
{
	int rc;

	while (q->tx_nslots < q->tx.nr_ents) {
		rc = xpv_ring_consume(&q->tx, &q->tx_slots[q->tx_nslots]);
		if (rc < 0) {
			ring_broken(q, "TX");
			return false;
		}
		if (!rc)
			break;
		q->tx_nslots++;
	}
	return true;
}

/*
 * Packets at the head of tx_slots for one grant copy, at most @max: whole
 * chains only (an incomplete one waits for the rest), within the credit
 * of the rate limit, while tx_buf has room for another frame.
 */
static void fill_batch(struct net_queue *q, struct tx_batch *b, unsigned int max)
{
	struct tx_packet *p;

	b->n = b->slots = b->fill = 0;
	b->incomplete = b->throttled = false;
	while (b->n < max && b->n < NET_BATCH && b->fill + NET_BUF <= NET_BATCH_BUF) {
		p = &b->p[b->n];
		p->v = xpv_netback_tx_parse(q->tx_slots + b->slots, q->tx_nslots - b->slots,
					    q->tx.nr_ents, &q->vif->tx_caps, &p->pkt);
		if (p->v == XPV_NETBACK_TX_INCOMPLETE) {
			b->incomplete = true;
			return;
		}
		if (p->v == XPV_NETBACK_TX_OK && !take_credit(q, p->pkt.len)) {
			b->throttled = true;	/* the timer brings us back */
			return;
		}
		p->slot = b->slots;
		p->off = b->fill;
		p->ncopies = 0;
		b->slots += p->pkt.nr_slots;
		if (p->v == XPV_NETBACK_TX_OK)
			b->fill += NET_VNET_HDR + p->pkt.len;
		b->n++;
	}
}

/* Copy, send and answer a batch, then forget its slots; true: notify. */
static bool send_batch(struct net_queue *q, struct tx_batch *b)
{
	unsigned int i;
	int16_t status;

	copy_in(q, b);
	for (i = 0; i < b->n; i++) {
		if (b->p[i].v == XPV_NETBACK_TX_OK) {
			status = send_packet(q, &b->p[i]);
		} else {
			q->stats.tx_bad[b->p[i].v]++;
			status = XPV_NETIF_RSP_ERROR;
		}
		respond(q, &b->p[i], status);
	}
	q->tx_nslots -= b->slots;
	memmove(q->tx_slots, q->tx_slots + b->slots, q->tx_nslots * sizeof(*q->tx_slots));
	return xpv_ring_push(&q->tx);
}

/**
 * net_tx_turn() - send up to one turn's budget of the guest's packets
 *
 * Return: true when packets are left for another turn.
 */
bool net_tx_turn(struct net_queue *q)
{
	unsigned int budget = q->vif->dev->be->limits.reqs_per_turn, n = 0;
	struct tx_batch b;
	bool notify = false;

	if (!q->tx_slots || xpv_ring_is_broken(&q->tx))
		return false;
	while (n < budget) {
		if (!take_slots(q))
			break;
		fill_batch(q, &b, budget - n);
		if (b.n)
			notify |= send_batch(q, &b);
		n += b.n;
		if (b.throttled)
			break;
		if (b.incomplete && !b.n && !xpv_ring_final_check(&q->tx))
			break;
	}
	if (notify)
		xpv_evt_notify(q->tx_evt);
	return n >= budget && !xpv_ring_is_broken(&q->tx);
}
