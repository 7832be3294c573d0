// SPDX-License-Identifier: GPL-2.0-only
/*
 * netfront: the network frontend of the xpv port.
 *
 * One xenbus device "vif" becomes one Ethernet device (eth0, ...) with the
 * MAC address the toolstack wrote, served over one queue (queue.c: a TX
 * and an RX ring, one event channel) by dom0's xen-netback or our
 * xpv-netback daemon.
 *
 * Features, each min(ours, the backend's): we always ask for rx-copy and
 * promise RX notifications, and offer sg, GSO TCPv4/TCPv6 and IPv6
 * checksum offload on RX (what queue.c accepts); on TX we use checksum
 * offload, sg and GSO only as far as the backend advertised them
 * (ndo_fix_features). MTU above 1500 needs the backend's sg.
 *
 * xenbus, as the frontend sees it (the backend's state drives ours):
 *
 *	backend InitWait   queue, grants, event channel, nodes -> Connected
 *	backend Connected  read its features, carrier on
 *	backend Closing    carrier off, release the queue -> Closed
 *	backend Closed/gone    the same, if not done yet
 *
 * A backend that breaks the protocol latches the queue broken (queue.c);
 * the device is then closed, the reason goes to error/<nodename>/error,
 * and we move to Closing. The kernel keeps running.
 */
#define pr_fmt(fmt) "xpv-netfront: " fmt

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/tcp.h>
#include "netfront.h"

#define NETFRONT_OFFLOADS	(NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | \
				 NETIF_F_TSO | NETIF_F_TSO6)

/* ---- net_device ---- */

static int netfront_open(struct net_device *dev)
{
	struct netfront *nf = netdev_priv(dev);

	napi_enable(&nf->q.napi);
	napi_schedule(&nf->q.napi);	/* what came while we were down */
	netif_start_queue(dev);
	return 0;
}

static int netfront_stop(struct net_device *dev)
{
	struct netfront *nf = netdev_priv(dev);

	netif_tx_disable(dev);
	napi_disable(&nf->q.napi);
	return 0;
}

static int netfront_change_mtu(struct net_device *dev, int mtu)
{
	struct netfront *nf = netdev_priv(dev);

	if (mtu > ETH_DATA_LEN && !(nf->backend_features & NETIF_F_SG))
		return -EINVAL;		/* one slot: a page at most */
	dev->mtu = mtu;
	return 0;
}

static netdev_features_t netfront_fix_features(struct net_device *dev,
					       netdev_features_t features)
{
	struct netfront *nf = netdev_priv(dev);

	return features & ~(NETFRONT_OFFLOADS & ~nf->backend_features);
}

static const struct net_device_ops netfront_netdev_ops = {
	.ndo_open = netfront_open,
	.ndo_stop = netfront_stop,
	.ndo_start_xmit = netfront_start_xmit,
	.ndo_change_mtu = netfront_change_mtu,
	.ndo_fix_features = netfront_fix_features,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* ---- xenbus ---- */

static int publish(struct netfront *nf)
{
	const char *dir = nf->xd->nodename;
	xpv_xs_tx tx;
	int rc;

	do {
		rc = xpv_xs_transaction_start(&tx);
		if (rc)
			return rc;
		rc = xpv_xs_printf(tx, dir, "tx-ring-ref", "%d", nf->q.tx_ref) ?:
		     xpv_xs_printf(tx, dir, "rx-ring-ref", "%d", nf->q.rx_ref) ?:
		     xpv_xs_printf(tx, dir, "event-channel", "%u", nf->q.port) ?:
		     xpv_xs_printf(tx, dir, "request-rx-copy", "1") ?:
		     xpv_xs_printf(tx, dir, "feature-rx-notify", "1") ?:
		     xpv_xs_printf(tx, dir, "feature-sg", "%d", netfront_rx_caps.sg) ?:
		     xpv_xs_printf(tx, dir, "feature-gso-tcpv4", "%d", netfront_rx_caps.gso_tcpv4) ?:
		     xpv_xs_printf(tx, dir, "feature-gso-tcpv6", "%d", netfront_rx_caps.gso_tcpv6) ?:
		     xpv_xs_printf(tx, dir, "feature-ipv6-csum-offload", "1");
		if (rc) {
			xpv_xs_transaction_end(tx, true);
			return rc;
		}
		rc = xpv_xs_transaction_end(tx, false);
	} while (rc == -EAGAIN);
	return rc;
}

/* Release the queue; NAPI must not poll meanwhile. Under rtnl. */
static void release_queue(struct netfront *nf)
{
	bool running = netif_running(nf->dev);

	netif_carrier_off(nf->dev);
	if (running) {
		netif_tx_disable(nf->dev);
		napi_disable(&nf->q.napi);
	}
	netfront_queue_release(&nf->q);
	if (running)
		napi_enable(&nf->q.napi);
	nf->rings = false;
}

static void talk_to_backend(struct netfront *nf)
{
	int rc;

	rtnl_lock();
	if (nf->rings) {
		rtnl_unlock();
		return;		/* done already: the watch repeated */
	}
	nf->rings = true;
	rc = netfront_queue_setup(&nf->q) ?: publish(nf);
	if (rc)
		release_queue(nf);
	rtnl_unlock();
	if (rc) {
		dev_err(&nf->xd->dev, "cannot set up the rings: %d\n", rc);
		xpv_xenbus_switch_state(nf->xd, XenbusStateClosing);
		return;
	}
	xpv_xenbus_switch_state(nf->xd, XenbusStateConnected);
}

static bool backend_has(struct netfront *nf, const char *feature)
{
	unsigned long long v = 0;

	return !xpv_xs_read_uint(0, nf->xd->otherend, feature, &v) && v;
}

/* What we may send: checksum offload always, the rest if advertised. */
static netdev_features_t read_backend_features(struct netfront *nf)
{
	netdev_features_t f = NETIF_F_IP_CSUM;

	if (backend_has(nf, "feature-sg"))
		f |= NETIF_F_SG;
	if (backend_has(nf, "feature-ipv6-csum-offload"))
		f |= NETIF_F_IPV6_CSUM;
	if (backend_has(nf, "feature-gso-tcpv4"))
		f |= NETIF_F_TSO;
	if (backend_has(nf, "feature-gso-tcpv6"))
		f |= NETIF_F_TSO6;
	return f;
}

static void connect(struct netfront *nf)
{
	netdev_features_t f;

	talk_to_backend(nf);	/* a backend that skipped InitWait */
	f = read_backend_features(nf);
	rtnl_lock();
	if (nf->rings && !netif_carrier_ok(nf->dev)) {
		nf->backend_features = f;
		if (!(f & NETIF_F_SG) && nf->dev->mtu > ETH_DATA_LEN)
			dev_set_mtu(nf->dev, ETH_DATA_LEN);
		netdev_update_features(nf->dev);
		netif_carrier_on(nf->dev);
		if (netif_running(nf->dev))
			netif_wake_queue(nf->dev);
		netdev_info(nf->dev, "connected, offloads %pNF\n", &f);
	}
	rtnl_unlock();
}

static void disconnect(struct netfront *nf)
{
	rtnl_lock();
	if (nf->rings)
		release_queue(nf);
	rtnl_unlock();
}

static void netfront_otherend_changed(struct xpv_xenbus_device *xd,
				      enum xenbus_state state)
{
	struct netfront *nf = dev_get_drvdata(&xd->dev);

	switch (state) {
	case XenbusStateInitWait:
		talk_to_backend(nf);
		break;
	case XenbusStateConnected:
		connect(nf);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
		if (!nf->rings && xpv_xenbus_read_state(xd->nodename) == XenbusStateClosed)
			break;
		disconnect(nf);
		xpv_xenbus_switch_state(xd, XenbusStateClosed);
		break;
	default:
		break;
	}
}

/* The queue latched broken: close the device, say why, leave. */
static void netfront_broken(struct work_struct *work)
{
	struct netfront *nf = container_of(work, struct netfront, broken_work);
	const char *why = READ_ONCE(nf->q.broken_why);
	char *path = kasprintf(GFP_KERNEL, "error/%s", nf->xd->nodename);

	netdev_err(nf->dev, "backend broke the protocol (%s): device down\n", why);
	rtnl_lock();
	netif_carrier_off(nf->dev);
	dev_close(nf->dev);
	rtnl_unlock();
	if (path)
		xpv_xs_printf(0, path, "error", "backend broke the protocol: %s", why);
	kfree(path);
	xpv_xenbus_switch_state(nf->xd, XenbusStateClosing);
}

static int read_mac(struct xpv_xenbus_device *xd, u8 *mac)
{
	char *s;
	int rc = xpv_xs_read_node(0, xd->nodename, "mac", &s);

	if (rc)
		return rc;
	rc = mac_pton(s, mac) && is_valid_ether_addr(mac) ? 0 : -EINVAL;
	if (rc)
		dev_err(&xd->dev, "bad mac \"%s\"\n", s);
	kfree(s);
	return rc;
}

static void netdev_setup(struct net_device *dev, const u8 *mac)
{
	eth_hw_addr_set(dev, mac);
	dev->netdev_ops = &netfront_netdev_ops;
	dev->hw_features = NETFRONT_OFFLOADS;
	dev->features = NETFRONT_OFFLOADS | NETIF_F_RXCSUM;
	dev->max_mtu = XPV_NETIF_MAX_TX_SIZE - ETH_HLEN;
	netif_set_tso_max_size(dev, XPV_NETIF_MAX_TX_SIZE - MAX_TCP_HEADER);
	netif_carrier_off(dev);
}

static int netfront_probe(struct xpv_xenbus_device *xd)
{
	struct net_device *dev;
	struct netfront *nf;
	u8 mac[ETH_ALEN];
	int rc;

	rc = read_mac(xd, mac);
	if (rc)
		return rc;
	dev = alloc_etherdev(sizeof(*nf));
	if (!dev)
		return -ENOMEM;
	nf = netdev_priv(dev);
	nf->xd = xd;
	nf->dev = dev;
	INIT_WORK(&nf->broken_work, netfront_broken);
	netfront_queue_init(nf);
	netdev_setup(dev, mac);
	SET_NETDEV_DEV(dev, &xd->dev);
	rc = register_netdev(dev);
	if (rc)
		goto free_netdev;
	dev_set_drvdata(&xd->dev, nf);
	return xpv_xenbus_switch_state(xd, XenbusStateInitialising);
free_netdev:
	free_netdev(dev);
	return rc;
}

static void netfront_remove(struct xpv_xenbus_device *xd)
{
	struct netfront *nf = dev_get_drvdata(&xd->dev);

	unregister_netdev(nf->dev);
	cancel_work_sync(&nf->broken_work);
	rtnl_lock();
	if (nf->rings)
		release_queue(nf);
	rtnl_unlock();
	netif_napi_del(&nf->q.napi);
	free_netdev(nf->dev);
}

static struct xpv_xenbus_driver netfront_driver = {
	.type = "vif",
	.probe = netfront_probe,
	.remove = netfront_remove,
	.otherend_changed = netfront_otherend_changed,
	.driver = { .name = "xpv-netfront" },
};

static int __init netfront_init(void)
{
	return xpv_xenbus_register_driver(&netfront_driver);
}
module_init(netfront_init);
MODULE_LICENSE("GPL");
