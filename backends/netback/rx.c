// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RX path of xpv-netback, dom0 -> guest: the buffers the guest posts
 * are copied off the RX ring into a FIFO of the queue (at most one ring's
 * worth), a frame is read from the TAP with its virtio_net_hdr, turned
 * into what netif can say (csum blank or validated, GSO type and size;
 * a checksum the guest does not take blank is filled here), laid over as
 * many buffers as it needs by xpv_netback_rx_fill, grant-copied into them
 * and answered in ring order.
 *
 * A frame that finds too few buffers is held, and the TAP is not read
 * until the guest posts more (its notify wakes the queue; we asked for it
 * with the ring's req_event): the kernel's queue in front of the TAP is
 * the only backlog, and it drops. A frame the guest cannot take (too big,
 * a GSO type it did not ask for) is dropped and counted.
 */
#include <errno.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <unistd.h>

#include "netback.h"

static void ring_broken(struct net_queue *q)
{
	if (q->stats.broken++)
		return;
	xpv_bdev_fail(q->vif->dev, -EPROTO, "queue %u: frontend broke the RX ring",
		      q->index);
}

/* Copy the buffers the guest posted into the FIFO; false: ring broken. */
static bool take_buffers(struct net_queue *q)
{
	uint32_t ents = q->rx.nr_ents;
	int rc;

	while (q->rx_count < ents) {
		rc = xpv_ring_consume(&q->rx, &q->rx_reqs[(q->rx_head + q->rx_count) % ents]);
		if (rc < 0) {
			ring_broken(q);
			return false;
		}
		if (!rc)
			break;
		q->rx_count++;
	}
	return true;
}

static bool ipv6_frame(const uint8_t *f, uint32_t len)
{
	uint32_t type = len >= 18 ? (uint32_t)f[12] << 8 | f[13] : 0;

	if (type == 0x8100)
		type = (uint32_t)f[16] << 8 | f[17];
	return type == 0x86dd;
}

static bool gso_of(const struct net_vif *v, const struct virtio_net_hdr *h,
		   struct xpv_netback_rx_pkt *p)
{
	switch (h->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		p->gso_type = XPV_NETIF_GSO_TYPE_TCPV4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		p->gso_type = XPV_NETIF_GSO_TYPE_TCPV6;
		break;
	default:		/* UDP, ECN: never asked of the TAP */
		return false;
	}
	p->gso_size = h->gso_size;
	return h->gso_size && (p->gso_type == XPV_NETIF_GSO_TYPE_TCPV4 ? v->rx_gso4 :
			       v->rx_gso6);
}

/* The held frame as netif says it; false: the guest cannot take it. */
static bool frame_to_pkt(struct net_queue *q, struct xpv_netback_rx_pkt *p)
{
	const struct net_vif *v = q->vif;
	uint8_t *f = q->rx_buf + NET_VNET_HDR;
	struct virtio_net_hdr h;
	bool six;

	memcpy(&h, q->rx_buf, sizeof(h));
	memset(p, 0, sizeof(*p));
	p->len = q->held - NET_VNET_HDR;
	if (p->len < XPV_NETIF_ETH_HLEN || p->len > XPV_NETIF_MAX_TX_SIZE || !gso_of(v, &h, p))
		return false;
	if (!(h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
		if (h.flags & VIRTIO_NET_HDR_F_DATA_VALID)
			p->flags = XPV_NETRXF_DATA_VALIDATED;
		return p->gso_type == XPV_NETIF_GSO_TYPE_NONE;
	}
	if ((uint32_t)h.csum_start + h.csum_offset + 2 > p->len)
		return false;
	six = ipv6_frame(f, p->len);
	if (six ? v->rx_csum6 : v->rx_csum) {
		p->flags = XPV_NETRXF_CSUM_BLANK | XPV_NETRXF_DATA_VALIDATED;
		return true;
	}
	if (p->gso_type != XPV_NETIF_GSO_TYPE_NONE)
		return false;
	xpv_netback_csum_fill(f, p->len, h.csum_start, h.csum_offset);
	p->flags = XPV_NETRXF_DATA_VALIDATED;
	return true;
}

/* Lay the frame over the oldest buffers and answer them; true: notify. */
static bool deliver(struct net_queue *q, const struct xpv_netback_rx_pkt *p,
		    uint32_t need)
{
	struct xpv_netif_rx_req reqs[XPV_NETBACK_RX_MAX_SLOTS];
	union xpv_netif_rx_slot rsps[XPV_NETBACK_RX_MAX_SLOTS], *slot;
	struct xpv_netback_frag frags[XPV_NETBACK_RX_MAX_SLOTS];
	struct xpv_transport *t = q->vif->dev->be->t;
	uint32_t i, nf, off = 0, pos, ents = q->rx.nr_ents;
	bool failed = false;

	for (i = 0; i < need; i++)
		reqs[i] = q->rx_reqs[(q->rx_head + i) % ents];
	xpv_netback_rx_fill(p, reqs, rsps, frags, &nf);
	for (i = 0; i < nf; i++) {
		q->copies[i] = (struct xpv_gnt_copy){
			.local = q->rx_buf + NET_VNET_HDR + off, .ref = frags[i].gref,
			.domid = q->vif->dev->domid, .offset = frags[i].offset,
			.len = frags[i].len, .to_guest = true,
		};
		off += frags[i].len;
	}
	if (t->ops->gnt_copy(t, nf, q->copies))
		for (i = 0; i < nf; i++)
			q->copies[i].status = -1;
	for (i = 0; i < nf; i++) {
		if (!q->copies[i].status)
			continue;
		pos = i + (i && p->gso_type != XPV_NETIF_GSO_TYPE_NONE);
		rsps[pos].rsp.status = XPV_NETIF_RSP_ERROR;
		failed = true;
	}
	for (i = 0; i < need; i++) {
		slot = xpv_ring_produce(&q->rx);
		if (!slot)	/* cannot happen: each buffer was consumed first */
			break;
		*slot = rsps[i];
	}
	q->rx_head = (q->rx_head + need) % ents;
	q->rx_count -= need;
	if (failed) {
		q->stats.rx_grant_errors++;
	} else {
		q->stats.rx_packets++;
		q->stats.rx_bytes += p->len;
		q->stats.rx_gso += p->gso_type != XPV_NETIF_GSO_TYPE_NONE;
	}
	return xpv_ring_push(&q->rx);
}

/* Read a frame into rx_buf unless one is held; false: none to be had. */
static bool read_frame(struct net_queue *q)
{
	ssize_t n;

	while (!q->held) {
		n = read(q->tap_fd, q->rx_buf, NET_BUF);
		if (n < 0) {
			/* another error would come back at once: wait for the guest */
			q->tap_w->paused = errno != EAGAIN && errno != EINTR;
			return false;
		}
		if (n < NET_VNET_HDR + XPV_NETIF_ETH_HLEN) {
			q->stats.rx_dropped++;
			continue;
		}
		q->held = (uint32_t)n;
	}
	return true;
}

/**
 * net_rx_turn() - give the guest up to one turn's budget of frames
 *
 * Return: true when frames may be left for another turn.
 */
bool net_rx_turn(struct net_queue *q)
{
	unsigned int budget = q->vif->dev->be->limits.reqs_per_turn, n = 0;
	struct xpv_netback_rx_pkt p;
	bool notify = false;
	uint32_t need;

	if (!q->rx_reqs || xpv_ring_is_broken(&q->rx))
		return false;
	while (n < budget) {
		if (!take_buffers(q) || !read_frame(q))
			break;
		if (!frame_to_pkt(q, &p)) {
			q->stats.rx_dropped++;
			q->held = 0;
			continue;
		}
		need = xpv_netback_rx_slots(&p);
		if (need > q->rx_count) {
			q->tap_w->paused = true;	/* until the guest posts buffers */
			if (!xpv_ring_final_check(&q->rx))
				break;
			continue;
		}
		q->tap_w->paused = false;
		notify |= deliver(q, &p, need);
		q->held = 0;
		n++;
	}
	if (notify)
		xpv_evt_notify(q->rx_evt);
	return n == budget && !xpv_ring_is_broken(&q->rx);
}

bool net_evt_handler(struct xpv_evt *e)
{
	struct net_queue *q = e->arg;
	bool more = net_tx_turn(q);

	if (!q->vif->split)
		more |= net_rx_turn(q);
	return more;
}

bool net_rx_evt_handler(struct xpv_evt *e)
{
	return net_rx_turn(e->arg);
}

bool net_tap_handler(struct xpv_fdw *w)
{
	return net_rx_turn(w->arg);
}
