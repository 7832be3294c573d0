// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-hostile vif: the rings and one event channel of a network device,
 * and nothing behind them. TX requests are answered (or not) by the
 * script; the RX buffers the frontend posts are filled only by a script
 * that misbehaves there. One queue, no split channels, no offloads: the
 * least a netfront must handle, so a script tests only its own fault.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xpv/netif.h>

#include "hostile.h"

enum vif_script {
	VIF_GOOD,		/* TX answered OKAY (and dropped), RX never filled */
	VIF_TX_BAD_ID,		/* a TX answer for an id not in flight */
	VIF_TX_DUP_ID,		/* every TX request answered twice */
	VIF_TX_BAD_STATUS,	/* a TX status no backend may send */
	VIF_TX_RSP_PROD_LIE,	/* TX rsp_prod far ahead */
	VIF_RX_BAD_ID,		/* an RX answer for a buffer not posted */
	VIF_RX_BAD_LEN,		/* more bytes than a page */
	VIF_RX_BAD_OFFSET,	/* offset + length past the page */
	VIF_RX_KEEP_MAPPED,	/* a filled RX buffer stays mapped */
	VIF_FLAP,		/* our state node goes round */
	VIF_SILENT,		/* takes requests, never answers */
	VIF_STORM,		/* an event storm */
	VIF_NR_SCRIPTS
};

static const char *const vif_scripts[VIF_NR_SCRIPTS] = {
	[VIF_GOOD] = "good", [VIF_TX_BAD_ID] = "tx-bad-id",
	[VIF_TX_DUP_ID] = "tx-dup-id", [VIF_TX_BAD_STATUS] = "tx-bad-status",
	[VIF_TX_RSP_PROD_LIE] = "tx-rsp-prod-lie", [VIF_RX_BAD_ID] = "rx-bad-id",
	[VIF_RX_BAD_LEN] = "rx-bad-len", [VIF_RX_BAD_OFFSET] = "rx-bad-offset",
	[VIF_RX_KEEP_MAPPED] = "rx-keep-mapped", [VIF_FLAP] = "flap",
	[VIF_SILENT] = "silent", [VIF_STORM] = "storm",
};

struct hostile_vif {
	struct xpv_bdev *d;
	enum vif_script script;
	struct xpv_ring_map tx_map, rx_map;
	struct xpv_ring tx, rx;
	uint32_t remote_port;
	struct xpv_evt *evt;
	bool played;			/* the one-off misbehaviour is done */
	void *kept;			/* RX_KEEP_MAPPED: the page we hold */
};

static struct hostile_vif *vif_of(struct xpv_bdev *d)
{
	return d->priv;
}

static void tx_answer(struct hostile_vif *h, uint16_t id, int16_t status)
{
	struct xpv_netif_tx_rsp rsp = { .id = id, .status = status };
	union xpv_netif_tx_slot *slot = hostile_produce(&h->tx);

	slot->rsp = rsp;
}

static void rx_answer(struct hostile_vif *h, uint16_t id, uint16_t offset,
		      int16_t status)
{
	struct xpv_netif_rx_rsp rsp = { .id = id, .offset = offset, .status = status };
	union xpv_netif_rx_slot *slot = hostile_produce(&h->rx);

	slot->rsp = rsp;
}

/* Extra-info slots are answered NULL, as a backend must; the rest by script. */
static void tx_play(struct hostile_vif *h, const union xpv_netif_tx_slot *s,
		    bool extra)
{
	int16_t status = XPV_NETIF_RSP_OKAY;
	uint16_t id = s->req.id;

	if (extra) {
		tx_answer(h, 0, XPV_NETIF_RSP_NULL);
		return;
	}
	switch (h->script) {
	case VIF_SILENT: return;
	case VIF_TX_BAD_ID: id ^= 0x100; break;
	case VIF_TX_BAD_STATUS: status = 5; break;
	case VIF_TX_DUP_ID: tx_answer(h, id, status); break;
	default: break;
	}
	tx_answer(h, id, status);
}

static void take_tx(struct hostile_vif *h)
{
	union xpv_netif_tx_slot s;
	bool extra = false;
	int rc;

	while ((rc = xpv_ring_consume(&h->tx, &s)) > 0 ||
	       (rc == 0 && xpv_ring_final_check(&h->tx))) {
		if (rc <= 0)
			continue;
		tx_play(h, &s, extra);
		/* an extra-info slot follows a request flagged so, or another extra */
		extra = extra ? s.extra.flags & XPV_NETIF_EXTRA_FLAG_MORE :
				s.req.flags & XPV_NETTXF_EXTRA_INFO;
	}
	xpv_ring_push(&h->tx);
	if (h->script == VIF_TX_RSP_PROD_LIE)
		hostile_lie(&h->tx);
}

/* The first posted RX buffer gets the script's answer; the rest wait. */
static void rx_play(struct hostile_vif *h, const struct xpv_netif_rx_req *req)
{
	if (h->played)
		return;
	switch (h->script) {
	case VIF_RX_BAD_ID: rx_answer(h, req->id ^ 0x100, 0, 60); break;
	case VIF_RX_BAD_LEN: rx_answer(h, req->id, 0, 5000); break;
	case VIF_RX_BAD_OFFSET: rx_answer(h, req->id, 4090, 100); break;
	case VIF_RX_KEEP_MAPPED:
		h->kept = hostile_keep_mapped(h->d, req->gref);
		rx_answer(h, req->id, 0, 60);
		break;
	default: return;
	}
	h->played = true;
}

static void take_rx(struct hostile_vif *h)
{
	union xpv_netif_rx_slot s;
	int rc;

	while ((rc = xpv_ring_consume(&h->rx, &s)) > 0 ||
	       (rc == 0 && xpv_ring_final_check(&h->rx)))
		if (rc > 0)
			rx_play(h, &s.req);
	xpv_ring_push(&h->rx);
}

static bool vif_handler(struct xpv_evt *e)
{
	struct hostile_vif *h = e->arg;

	if (!h->played && h->script == VIF_STORM) {
		h->played = true;
		hostile_storm(e);
	} else if (!h->played && h->script == VIF_FLAP) {
		h->played = true;
		hostile_flap(h->d);
	}
	take_tx(h);
	take_rx(h);
	xpv_evt_notify(e);
	return false;
}

static int vif_probe(struct xpv_bdev *d)
{
	struct hostile_vif *h = calloc(1, sizeof(*h));
	int script = hostile_script(d, "vifname", vif_scripts, VIF_NR_SCRIPTS);
	int err = 0;

	if (!h)
		return -ENOMEM;
	h->d = d;
	d->priv = h;
	if (script < 0)
		return script;
	h->script = (enum vif_script)script;
	err |= xpv_bdev_printf(d, "feature-rx-copy", "1");
	err |= xpv_bdev_printf(d, "feature-sg", "0");
	err |= xpv_bdev_printf(d, "feature-split-event-channels", "0");
	err |= xpv_bdev_printf(d, "multi-queue-max-queues", "1");
	return err ? -EIO : 0;
}

static int map_ring(struct xpv_bdev *d, const char *node, struct xpv_ring_map *m,
		    struct xpv_ring *r, size_t ent_size)
{
	int err = xpv_ring_map_front(d, "", node, m);

	if (!err)
		err = xpv_ring_resume_back(r, m->addr, (size_t)m->pages * XPV_NETIF_PAGE_SIZE,
					   ent_size);
	return err;
}

static int vif_connect(struct xpv_bdev *d)
{
	struct hostile_vif *h = vif_of(d);
	int err;

	err = xpv_bdev_read_queue_u32(d, "", "event-channel", &h->remote_port);
	if (!err)
		err = map_ring(d, "tx-ring-ref", &h->tx_map, &h->tx,
			       sizeof(union xpv_netif_tx_slot));
	if (!err)
		err = map_ring(d, "rx-ring-ref", &h->rx_map, &h->rx,
			       sizeof(union xpv_netif_rx_slot));
	if (err)
		return err;
	h->evt = xpv_evt_bind(d->be, d->domid, h->remote_port, vif_handler, h);
	return h->evt ? 0 : -errno;
}

static bool vif_rings_changed(struct xpv_bdev *d)
{
	struct hostile_vif *h = vif_of(d);

	return !h->evt || xpv_ring_map_changed(d, "", "tx-ring-ref", &h->tx_map) ||
	       xpv_ring_map_changed(d, "", "rx-ring-ref", &h->rx_map);
}

static void vif_disconnect(struct xpv_bdev *d)
{
	struct hostile_vif *h = vif_of(d);

	if (!h)
		return;
	xpv_evt_unbind(h->evt);
	h->evt = NULL;
	xpv_ring_unmap(d, &h->tx_map);
	xpv_ring_unmap(d, &h->rx_map);
}

static void vif_remove(struct xpv_bdev *d)
{
	struct hostile_vif *h = vif_of(d);

	if (!h)
		return;
	vif_disconnect(d);
	if (h->kept)
		d->be->t->ops->gnt_unmap(d->be->t, h->kept, 1);
	free(h);
	d->priv = NULL;
}

const struct xpv_bdev_ops hostile_vif_ops = {
	.type = "vif",
	.probe = vif_probe,
	.connect = vif_connect,
	.rings_changed = vif_rings_changed,
	.disconnect = vif_disconnect,
	.remove = vif_remove,
};
