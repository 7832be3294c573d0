// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TX path of xpv-netback, guest -> dom0: slots are copied off the TX
 * ring into the queue's own array (xpv_ring_consume), the packet at its
 * head is checked by xpv_netback_tx_parse, its bytes are grant-copied into
 * the queue's buffer behind a virtio_net_hdr saying what the guest left to
 * be done (checksum, segmentation), and the frame is written to the TAP.
 * Every slot of the chain is then answered: OKAY, or ERROR for a packet
 * refused (bad chain, a grant the guest never gave, offload on a frame
 * that is not TCP or UDP), counted per reason. Only a ring whose indices
 * break the protocol stops the queue.
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

/* Grant-copy the fragments to buf; 0 or -EFAULT. */
static int copy_in(struct net_queue *q, const struct xpv_netback_tx_pkt *pkt,
		   uint8_t *buf)
{
	struct xpv_transport *t = transport(q);
	uint32_t i, n = 0, off = 0;

	for (i = 0; i < pkt->nr_frags; i++) {
		const struct xpv_netback_frag *f = &pkt->frags[i];

		if (f->len)
			q->copies[n++] = (struct xpv_gnt_copy){
				.local = buf + off, .ref = f->gref,
				.domid = q->vif->dev->domid, .offset = f->offset,
				.len = f->len, .to_guest = false,
			};
		off += f->len;
	}
	if (t->ops->gnt_copy(t, n, q->copies))
		return -EFAULT;
	for (i = 0; i < n; i++)
		if (q->copies[i].status)
			return -EFAULT;
	return 0;
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

/* Send one checked packet to the TAP; the status its slots get. */
static int16_t send_packet(struct net_queue *q, const struct xpv_netback_tx_pkt *pkt)
{
	uint8_t *frame = q->tx_buf + NET_VNET_HDR;
	struct virtio_net_hdr h;
	ssize_t n;

	if (copy_in(q, pkt, frame)) {
		q->stats.tx_grant_errors++;
		return XPV_NETIF_RSP_ERROR;
	}
	if (!vnet_header(pkt, frame, &h)) {
		q->stats.tx_bad_csum++;
		return XPV_NETIF_RSP_ERROR;
	}
	memcpy(q->tx_buf, &h, sizeof(h));
	n = write(q->tap_fd, q->tx_buf, NET_VNET_HDR + pkt->len);
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

/* Answer the packet's slots and forget them; true: notify the guest. */
static bool respond(struct net_queue *q, const struct xpv_netback_tx_pkt *pkt,
		    int16_t status)
{
	struct xpv_netif_tx_rsp rsp;
	union xpv_netif_tx_slot *slot;
	uint16_t i;

	for (i = 0; i < pkt->nr_slots; i++) {
		xpv_netback_tx_response(q->tx_slots, pkt, i, status, &rsp);
		slot = xpv_ring_produce(&q->tx);
		if (!slot)	/* cannot happen: each was consumed first */
			break;
		memset(slot, 0, sizeof(*slot));
		slot->rsp = rsp;
	}
	q->tx_nslots -= pkt->nr_slots;
	memmove(q->tx_slots, q->tx_slots + pkt->nr_slots,
		q->tx_nslots * sizeof(*q->tx_slots));
	return xpv_ring_push(&q->tx);
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

/**
 * net_tx_turn() - send up to one turn's budget of the guest's packets
 *
 * Return: true when packets are left for another turn.
 */
bool net_tx_turn(struct net_queue *q)
{
	unsigned int budget = q->vif->dev->be->limits.reqs_per_turn, n = 0;
	enum xpv_netback_tx_verdict v;
	struct xpv_netback_tx_pkt pkt;
	bool notify = false;
	int16_t status;

	if (!q->tx_slots || xpv_ring_is_broken(&q->tx))
		return false;
	while (n < budget) {
		if (!take_slots(q))
			break;
		v = xpv_netback_tx_parse(q->tx_slots, q->tx_nslots, q->tx.nr_ents,
					 &q->vif->tx_caps, &pkt);
		if (v == XPV_NETBACK_TX_INCOMPLETE) {
			if (!xpv_ring_final_check(&q->tx))
				break;
			continue;
		}
		if (v == XPV_NETBACK_TX_OK && !take_credit(q, pkt.len))
			break;		/* the timer brings us back */
		if (v == XPV_NETBACK_TX_OK) {
			status = send_packet(q, &pkt);
		} else {
			q->stats.tx_bad[v]++;
			status = XPV_NETIF_RSP_ERROR;
		}
		notify |= respond(q, &pkt, status);
		n++;
	}
	if (notify)
		xpv_evt_notify(q->tx_evt);
	return n == budget && !xpv_ring_is_broken(&q->tx);
}
