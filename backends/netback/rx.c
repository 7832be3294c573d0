// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RX path of xpv-netback, dom0 -> guest: the buffers the guest posts
 * are copied off the RX ring into a FIFO of the queue (at most one ring's
 * worth); frames are read from the TAP with their virtio_net_hdr, a batch
 * of them at a time (up to NET_BATCH, in NET_BATCH_BUF), each turned into
 * what netif can say (csum blank or validated, GSO type and size; a
 * checksum the guest does not take blank is filled here) and laid over as
 * many buffers as it needs by xpv_netback_rx_fill; then the whole batch
 * crosses in one grant copy (one ioctl, a hypercall per 16 copies, rather
 * than one per frame) and its buffers are answered in ring order, pushed
 * once.
 *
 * A frame that finds too few buffers is held at the start of rx_buf, and
 * the TAP is not read until the guest posts more (its notify wakes the
 * queue; we asked for it with the ring's req_event): the kernel's queue in
 * front of the TAP is the only backlog, and it drops. A frame the guest
 * cannot take (too big, a GSO type it did not ask for) is dropped and
 * counted.
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

/*
 * The frame of @len bytes at @buf as netif says it; false: the guest
 * cannot take it.
 */
static bool frame_to_pkt(struct net_queue *q, uint8_t *buf, uint32_t len,
			 struct xpv_netback_rx_pkt *p)
{
	const struct net_vif *v = q->vif;
	uint8_t *f = buf + NET_VNET_HDR;
	struct virtio_net_hdr h;
	bool six;

	memcpy(&h, buf, sizeof(h));
	memset(p, 0, sizeof(*p));
	p->len = len - NET_VNET_HDR;
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

/* A frame of a batch: where it lies in rx_buf, and how netif says it. */
struct rx_frame {
	uint32_t off, len;		/* in rx_buf, virtio_net_hdr included */
	uint32_t need;			/* the guest's buffers it takes */
	struct xpv_netback_rx_pkt p;
};

struct rx_batch {
	unsigned int n;			/* frames ready to go */
	uint32_t fill;			/* bytes of rx_buf they take */
	uint32_t bufs;			/* buffers they take */
	bool held;			/* the next frame waits for buffers */
	bool tap_error;			/* reading the TAP failed */
	struct rx_frame f[NET_BATCH + 1];	/* the held one last */
};

/* Read a frame into @at; its length, 0 when the TAP has none for now. */
static uint32_t read_frame(struct net_queue *q, uint8_t *at, bool *error)
{
	ssize_t n;

	for (;;) {
		n = read(q->tap_fd, at, NET_BUF);
		if (n < 0) {
			*error = errno != EAGAIN && errno != EINTR;
			return 0;
		}
		if (n >= NET_VNET_HDR + XPV_NETIF_ETH_HLEN)
			return (uint32_t)n;
		q->stats.rx_dropped++;
	}
}

/*
 * Frames for one grant copy, at most @max: the held one first, then what
 * the TAP has, while the guest's buffers and rx_buf have room. A frame the
 * buffers cannot take ends the batch as b->held, last in b->f.
 */
static void fill_batch(struct net_queue *q, struct rx_batch *b, unsigned int max)
{
	struct rx_frame *f;

	b->n = b->fill = b->bufs = 0;
	b->held = b->tap_error = false;
	while (b->n < max && b->n < NET_BATCH && b->fill + NET_BUF <= NET_BATCH_BUF) {
		f = &b->f[b->n];
		f->off = b->fill;
		f->len = q->held ? q->held : read_frame(q, q->rx_buf + f->off, &b->tap_error);
		q->held = 0;
		if (!f->len)
			return;
		if (!frame_to_pkt(q, q->rx_buf + f->off, f->len, &f->p)) {
			q->stats.rx_dropped++;
			continue;
		}
		f->need = xpv_netback_rx_slots(&f->p);
		if (f->need > q->rx_count - b->bufs) {
			b->held = true;
			return;
		}
		b->fill += f->len;
		b->bufs += f->need;
		b->n++;
	}
}

/* Fill in frame @f's copies from @at in q->rx_copies; how many. */
static uint32_t frame_copies(struct net_queue *q, const struct rx_frame *f,
			     const struct xpv_netback_frag *frags, uint32_t nf,
			     uint32_t at)
{
	uint32_t i, off = f->off + NET_VNET_HDR;

	for (i = 0; i < nf; i++) {
		q->rx_copies[at + i] = (struct xpv_gnt_copy){
			.local = q->rx_buf + off, .ref = frags[i].gref,
			.domid = q->vif->dev->domid, .offset = frags[i].offset,
			.len = frags[i].len, .to_guest = true,
		};
		off += frags[i].len;
	}
	return nf;
}

/* Answer frame @f's buffers, the oldest; a failed copy fails its slot. */
static void answer_frame(struct net_queue *q, const struct rx_frame *f,
			 union xpv_netif_rx_slot *rsps, const struct xpv_gnt_copy *copies,
			 uint32_t nf)
{
	union xpv_netif_rx_slot *slot;
	bool failed = false;
	uint32_t i, pos;

	for (i = 0; i < nf; i++) {
		if (!copies[i].status)
			continue;
		pos = i + (i && f->p.gso_type != XPV_NETIF_GSO_TYPE_NONE);
		rsps[pos].rsp.status = XPV_NETIF_RSP_ERROR;
		failed = true;
	}
	for (i = 0; i < f->need; i++) {
		slot = xpv_ring_produce(&q->rx);
		if (!slot)	/* cannot happen: each buffer was consumed first */
			break;
		*slot = rsps[i];
	}
	q->rx_head = (q->rx_head + f->need) % q->rx.nr_ents;
	q->rx_count -= f->need;
	if (failed) {
		q->stats.rx_grant_errors++;
	} else {
		q->stats.rx_packets++;
		q->stats.rx_bytes += f->p.len;
		q->stats.rx_gso += f->p.gso_type != XPV_NETIF_GSO_TYPE_NONE;
	}
}

/* Lay the batch over the oldest buffers, copy, answer; true: notify. */
static bool deliver(struct net_queue *q, const struct rx_batch *b)
{
	struct xpv_netif_rx_req reqs[XPV_NETBACK_RX_MAX_SLOTS];
	union xpv_netif_rx_slot rsps[NET_BATCH][XPV_NETBACK_RX_MAX_SLOTS];
	struct xpv_netback_frag frags[XPV_NETBACK_RX_MAX_SLOTS];
	struct xpv_transport *t = q->vif->dev->be->t;
	uint32_t i, j, nf[NET_BATCH], first[NET_BATCH], nc = 0, used = 0;
	uint32_t ents = q->rx.nr_ents;

	for (i = 0; i < b->n; i++) {
		for (j = 0; j < b->f[i].need; j++)
			reqs[j] = q->rx_reqs[(q->rx_head + used + j) % ents];
		used += b->f[i].need;
		xpv_netback_rx_fill(&b->f[i].p, reqs, rsps[i], frags, &nf[i]);
		first[i] = nc;
		nc += frame_copies(q, &b->f[i], frags, nf[i], nc);
	}
	if (t->ops->gnt_copy(t, nc, q->rx_copies))
		for (i = 0; i < nc; i++)
			q->rx_copies[i].status = -1;
	for (i = 0; i < b->n; i++)
		answer_frame(q, &b->f[i], rsps[i], q->rx_copies + first[i], nf[i]);
	return xpv_ring_push(&q->rx);
}

/* Keep the frame that found too few buffers at the start of rx_buf. */
static void hold(struct net_queue *q, const struct rx_batch *b)
{
	const struct rx_frame *f = &b->f[b->n];

	if (!b->held)
		return;
	memmove(q->rx_buf, q->rx_buf + f->off, f->len);
	q->held = f->len;
}

/**
 * net_rx_turn() - give the guest up to one turn's budget of frames
 *
 * Return: true when frames may be left for another turn.
 */
bool net_rx_turn(struct net_queue *q)
{
	unsigned int budget = q->vif->dev->be->limits.reqs_per_turn, n = 0;
	struct rx_batch b;
	bool notify = false;

	if (!q->rx_reqs || xpv_ring_is_broken(&q->rx))
		return false;
	while (n < budget) {
		if (!take_buffers(q))
			break;
		fill_batch(q, &b, budget - n);
		if (b.n)
			notify |= deliver(q, &b);
		n += b.n;
		hold(q, &b);
		if (b.tap_error) {
			/* another error would come back at once: wait for the guest */
			q->tap_w->paused = true;
			break;
		}
		if (b.held && !b.n) {
			q->tap_w->paused = true;	/* until the guest posts buffers */
			if (!xpv_ring_final_check(&q->rx))
				break;
			continue;
		}
		q->tap_w->paused = false;
		if (!b.n)
			break;		/* the TAP is empty */
	}
	if (notify)
		xpv_evt_notify(q->rx_evt);
	return n >= budget && !xpv_ring_is_broken(&q->rx);
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
