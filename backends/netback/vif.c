// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenstore side of a guest network interface: what xpv-netback reads
 * from the toolstack and the frontend, and what it advertises, in the
 * order Linux's xen-netback does it:
 *   probe    create the TAP device vif<domid>.<devid> (the hotplug script
 *            that libxl runs once we are in InitWait enslaves it to the
 *            bridge); write the features a frontend reads before it
 *            connects: feature-rx-copy, feature-sg, feature-gso-tcpv4/6,
 *            feature-ipv6-csum-offload, feature-split-event-channels,
 *            multi-queue-max-queues
 *   connect  request-rx-copy and feature-rx-notify (both required, as
 *            netback requires them), the frontend's RX offloads,
 *            multi-queue-num-queues, [queue-N/]tx-ring-ref, rx-ring-ref,
 *            event-channel or event-channel-tx/-rx; map, bind, poll the
 *            TAP queue
 * Every feature is advertised only when this daemon handles it and used
 * as min(frontend, backend). The toolstack's "rate" (xl's rate=) limits
 * what each queue sends (tx.c). Not offered: multicast control, the control
 * ring and hashing, XDP headroom, rx-flip.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netback.h"

struct net_config net_config;

static struct net_vif *vif_of(struct xpv_bdev *d)
{
	return d->priv;
}

static int advertise(struct xpv_bdev *d)
{
	int off = net_config.offloads, err = 0;

	err |= xpv_bdev_printf(d, "feature-rx-copy", "1");
	err |= xpv_bdev_printf(d, "feature-rx-flip", "0");
	err |= xpv_bdev_printf(d, "feature-sg", "1");
	err |= xpv_bdev_printf(d, "feature-gso-tcpv4", "%d", off);
	err |= xpv_bdev_printf(d, "feature-gso-tcpv6", "%d", off);
	err |= xpv_bdev_printf(d, "feature-ipv6-csum-offload", "%d", off);
	err |= xpv_bdev_printf(d, "feature-split-event-channels", "%d",
			       net_config.split_evtchn);
	err |= xpv_bdev_printf(d, "multi-queue-max-queues", "%u", net_config.max_queues);
	return err ? -EIO : 0;
}

static int vif_probe(struct xpv_bdev *d)
{
	struct net_vif *v = calloc(1, sizeof(*v));
	int err;

	if (!v)
		return -ENOMEM;
	v->dev = d;
	v->tap0 = -1;
	d->priv = v;
	if ((unsigned int)snprintf(v->ifname, sizeof(v->ifname), "vif%u.%u", d->domid,
				   d->devid) >= sizeof(v->ifname))
		return -ENAMETOOLONG;
	err = net_config.tap->open(v->ifname, true, &v->tap0);
	if (err) {
		xpv_log("%s: cannot create TAP device %s: %s", d->path, v->ifname,
			strerror(-err));
		return err;
	}
	return advertise(d);
}

/* An optional 0/1 node of the frontend; anything else reads as 0. */
static bool fe_flag(struct xpv_bdev *d, const char *node)
{
	unsigned long long v = 0;

	return !xpv_bdev_read_uint(d, true, node, 1, &v) && v;
}

static int negotiate(struct xpv_bdev *d, struct net_vif *v)
{
	bool off = net_config.offloads;

	/* WHY: we only copy, and only a frontend that notifies us of new
	 * buffers can be served without polling its ring */
	if (!fe_flag(d, "request-rx-copy") || !fe_flag(d, "feature-rx-notify"))
		return -EPROTONOSUPPORT;
	v->tx_caps = (struct xpv_netback_tx_caps){
		.sg = true, .gso_tcpv4 = off, .gso_tcpv6 = off,
	};
	v->rx_csum = !fe_flag(d, "feature-no-csum-offload");
	v->rx_csum6 = off && fe_flag(d, "feature-ipv6-csum-offload");
	/* segments the guest takes need their checksum left blank too */
	v->rx_gso4 = off && v->rx_csum && fe_flag(d, "feature-sg") &&
		     fe_flag(d, "feature-gso-tcpv4");
	v->rx_gso6 = off && v->rx_csum6 && fe_flag(d, "feature-sg") &&
		     fe_flag(d, "feature-gso-tcpv6");
	return 0;
}

static unsigned int tun_offloads(const struct net_vif *v)
{
	unsigned int f = 0;

	if (v->rx_csum || v->rx_csum6)
		f |= TUN_F_CSUM;
	if (v->rx_gso4)
		f |= TUN_F_TSO4;
	if (v->rx_gso6)
		f |= TUN_F_TSO6;
	return f;
}

static int read_nr_queues(struct xpv_bdev *d, unsigned int *n)
{
	return xpv_bdev_read_nr_queues(d, net_config.max_queues, n);
}

static void queue_dir(const struct net_vif *v, unsigned int i, char *buf, size_t len)
{
	xpv_queue_dir(v->nr_queues, i, buf, len);
}

static int read_port(struct xpv_bdev *d, const char *dir, const char *name,
		     uint32_t *port)
{
	return xpv_bdev_read_queue_u32(d, dir, name, port);
}

/* event-channel-tx + -rx when split was offered and taken, else one */
static int read_ports(struct xpv_bdev *d, const char *dir, uint32_t *tx,
		      uint32_t *rx, bool *split)
{
	int err = -ENOENT;

	*split = false;
	if (net_config.split_evtchn)
		err = read_port(d, dir, "event-channel-tx", tx);
	if (!err) {
		*split = true;
		return read_port(d, dir, "event-channel-rx", rx) ? -EINVAL : 0;
	}
	if (read_port(d, dir, "event-channel", tx))
		return -EINVAL;
	*rx = *tx;
	return 0;
}

static int attach_tap(struct net_queue *q)
{
	struct net_vif *v = q->vif;
	int err;

	if (q->index == 0) {
		q->tap_fd = v->tap0;
		return 0;
	}
	err = net_config.tap->open(v->ifname, false, &q->tap_fd);
	return err;
}

/* "rate" from the toolstack: "<bytes>,<usec>"; none means no limit. */
static int read_rate(struct xpv_bdev *d, struct net_vif *v)
{
	char *rate = xpv_bdev_read(d, false, "rate");
	int err = 0;

	v->credit_bytes = v->credit_usec = 0;
	if (rate)
		err = net_parse_rate(rate, &v->credit_bytes, &v->credit_usec);
	if (err)
		xpv_log("%s: bad rate \"%s\" (want <bytes>,<usec>)", d->path, rate);
	free(rate);
	return err;
}

static int start_timer(struct xpv_bdev *d, struct net_queue *q)
{
	q->timer_w = xpv_timer_watch(d->be, net_timer_handler, q);
	if (!q->timer_w)
		return -errno;
	q->timer_fd = q->timer_w->fd;
	return 0;
}

static int bind_queue(struct xpv_bdev *d, struct net_queue *q)
{
	q->tx_evt = xpv_evt_bind(d->be, d->domid, q->tx_port, net_evt_handler, q);
	if (!q->tx_evt)
		return -errno;
	q->rx_evt = q->tx_evt;
	if (q->vif->split) {
		q->rx_evt = xpv_evt_bind(d->be, d->domid, q->rx_port,
					 net_rx_evt_handler, q);
		if (!q->rx_evt)
			return -errno;
	}
	q->tap_w = xpv_fd_watch(d->be, q->tap_fd, net_tap_handler, q);
	if (!q->tap_w)
		return -ENOMEM;
	return q->vif->credit_bytes ? start_timer(d, q) : 0;
}

static int connect_queue(struct net_vif *v, struct net_queue *q)
{
	struct xpv_bdev *d = v->dev;
	bool split;
	char dir[32];
	int err;

	queue_dir(v, q->index, dir, sizeof(dir));
	err = read_ports(d, dir, &q->tx_port, &q->rx_port, &split);
	if (err)
		return err;
	if (q->index && split != v->split)
		return -EINVAL;		/* every queue the same way */
	v->split = split;
	err = xpv_ring_map_front(d, dir, "tx-ring-ref", &q->tx_map);
	if (!err)
		err = xpv_ring_map_front(d, dir, "rx-ring-ref", &q->rx_map);
	if (!err)
		err = xpv_ring_resume_back(&q->tx, q->tx_map.addr,
					   (size_t)q->tx_map.pages * XPV_NETIF_PAGE_SIZE,
					   sizeof(union xpv_netif_tx_slot));
	if (!err)
		err = xpv_ring_resume_back(&q->rx, q->rx_map.addr,
					   (size_t)q->rx_map.pages * XPV_NETIF_PAGE_SIZE,
					   sizeof(union xpv_netif_rx_slot));
	if (!err)
		err = net_queue_alloc(q, q->tx.nr_ents, q->rx.nr_ents);
	if (!err)
		err = attach_tap(q);
	return err ? err : bind_queue(d, q);
}

/* On failure the caller (lib/backend.c) calls vif_disconnect. */
static int vif_connect(struct xpv_bdev *d)
{
	struct net_vif *v = vif_of(d);
	unsigned int i;
	int err;

	err = negotiate(d, v);
	if (!err)
		err = read_rate(d, v);
	if (!err)
		err = read_nr_queues(d, &v->nr_queues);
	if (err)
		return err;
	v->queues = calloc(v->nr_queues, sizeof(*v->queues));
	if (!v->queues)
		return -ENOMEM;
	for (i = 0; i < v->nr_queues; i++) {
		v->queues[i].vif = v;
		v->queues[i].index = i;
		v->queues[i].tap_fd = -1;
		v->queues[i].timer_fd = -1;
	}
	for (i = 0; i < v->nr_queues && !err; i++)
		err = connect_queue(v, &v->queues[i]);
	if (!err)
		err = net_config.tap->set_offload(v->tap0, tun_offloads(v));
	return err;
}

static void vif_disconnect(struct xpv_bdev *d)
{
	struct net_vif *v = vif_of(d);
	unsigned int i;

	if (!v || !v->queues)
		return;
	for (i = 0; i < v->nr_queues; i++) {
		struct net_queue *q = &v->queues[i];

		xpv_fd_unwatch(q->tap_w);
		xpv_timer_unwatch(q->timer_w);
		if (q->rx_evt != q->tx_evt)
			xpv_evt_unbind(q->rx_evt);
		xpv_evt_unbind(q->tx_evt);
		xpv_ring_unmap(d, &q->tx_map);
		xpv_ring_unmap(d, &q->rx_map);
		if (q->index && q->tap_fd >= 0)
			net_config.tap->close(q->tap_fd);
		net_queue_free(q);
		net_stats_add(&v->closed, &q->stats);
	}
	free(v->queues);
	v->queues = NULL;
	v->nr_queues = 0;
}

static bool vif_rings_changed(struct xpv_bdev *d)
{
	struct net_vif *v = vif_of(d);
	uint32_t tx, rx;
	unsigned int i, n;
	bool split;
	char dir[32];

	if (!v->queues || read_nr_queues(d, &n) || n != v->nr_queues)
		return true;
	for (i = 0; i < n; i++) {
		struct net_queue *q = &v->queues[i];

		queue_dir(v, i, dir, sizeof(dir));
		if (xpv_ring_map_changed(d, dir, "tx-ring-ref", &q->tx_map) ||
		    xpv_ring_map_changed(d, dir, "rx-ring-ref", &q->rx_map) ||
		    read_ports(d, dir, &tx, &rx, &split) || split != v->split ||
		    tx != q->tx_port || rx != q->rx_port)
			return true;
	}
	return false;
}

static void vif_dump(struct xpv_bdev *d)
{
	struct net_vif *v = vif_of(d);
	struct net_stats s;
	unsigned int i;

	if (!v)
		return;
	s = v->closed;
	for (i = 0; i < v->nr_queues; i++)
		net_stats_add(&s, &v->queues[i].stats);
	xpv_log("%s: %s, %u queue(s), tx %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64
		" gso, rx %" PRIu64 " packets %" PRIu64 " bytes %" PRIu64
		" gso, drops %" PRIu64 " (tx refused %" PRIu64 " of which %" PRIu64
		" gso mss, tx csum %" PRIu64 ", tx grant %" PRIu64 ", rx %" PRIu64 ", rx grant %"
		PRIu64 "), tap write errors %" PRIu64 ", ring violations %" PRIu64
		", rate limited %" PRIu64,
		d->path, v->ifname, v->nr_queues, s.tx_packets, s.tx_bytes, s.tx_gso,
		s.rx_packets, s.rx_bytes, s.rx_gso, net_stats_drops(&s),
		net_stats_drops(&s) - s.tx_bad_csum - s.tx_grant_errors - s.rx_dropped -
		s.rx_grant_errors, s.tx_bad[XPV_NETBACK_TX_BAD_GSO_SIZE],
		s.tx_bad_csum, s.tx_grant_errors, s.rx_dropped,
		s.rx_grant_errors, s.tx_write_errors, s.broken, s.tx_throttled);
}

/* The interface's last counters are logged as it goes. */
static void vif_remove(struct xpv_bdev *d)
{
	struct net_vif *v = vif_of(d);

	if (!v)
		return;
	vif_disconnect(d);
	if (v->tap0 >= 0) {
		vif_dump(d);
		net_config.tap->close(v->tap0);	/* the device goes with it */
		xpv_log("%s: %s removed", d->path, v->ifname);
	}
	free(v);
	d->priv = NULL;
}

const struct xpv_bdev_ops net_vif_ops = {
	.type = "vif",
	.probe = vif_probe,
	.connect = vif_connect,
	.rings_changed = vif_rings_changed,
	.disconnect = vif_disconnect,
	.remove = vif_remove,
	.dump = vif_dump,
};
