// SPDX-License-Identifier: GPL-2.0-only
/*
 * netfront: the network frontend of the xpv port.
 *
 * One xenbus device "vif" becomes one Ethernet device (eth0, ...) with the
 * MAC address the toolstack wrote, served over one or more queues
 * (queue.c: a TX and an RX ring, one event channel or two) by dom0's
 * xen-netback or our xpv-netback daemon.
 *
 * Features, each min(ours, the backend's): queues (max_queues, default one
 * per CPU) and split event channels as the backend offers them; we
 * always ask for rx-copy and
 * promise RX notifications, and offer sg, GSO TCPv4/TCPv6 and IPv6
 * checksum offload on RX (what queue.c accepts); on TX we use checksum
 * offload, sg and GSO only as far as the backend advertised them
 * (ndo_fix_features). MTU above 1500 needs the backend's sg.
 *
 * xenbus, as the frontend sees it (the bus drives it from the backend's
 * state, drivers/xenbus/bus.c):
 *
 *	setup       queues, grants, event channels, nodes -> Connected
 *	connect     read the backend's features, carrier on, tell the
 *	            network where we are once the link is up (announce)
 *	disconnect  carrier off, release the queues (the bus: -> Closed)
 *	move        in a new domain: release the queues, keep the carrier
 *	            (see netfront_move)
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
#include <net/sch_generic.h>
#include <net/tcp.h>
#include "netfront.h"

static unsigned int max_queues;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "Queues per device at most (0: one per CPU), up to 4");

#define NETFRONT_OFFLOADS	(NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM | \
				 NETIF_F_TSO | NETIF_F_TSO6)

/* ---- net_device ---- */

/* Every queue's NAPI, used or not: unused ones are never scheduled. */
static void napi_all(struct netfront *nf, bool enable)
{
	unsigned int i;

	for (i = 0; i < NETFRONT_MAX_QUEUES; i++) {
		if (enable)
			napi_enable(&nf->queues[i].napi);
		else
			napi_disable(&nf->queues[i].napi);
	}
}

static int netfront_open(struct net_device *dev)
{
	struct netfront *nf = netdev_priv(dev);
	unsigned int i;

	napi_all(nf, true);
	for (i = 0; i < nf->nr_queues; i++)
		napi_schedule(&nf->queues[i].napi);	/* what came while we were down */
	if (nf->connected)	/* else connect() starts them */
		netif_tx_start_all_queues(dev);
	return 0;
}

static int netfront_stop(struct net_device *dev)
{
	struct netfront *nf = netdev_priv(dev);

	netif_tx_disable(dev);
	napi_all(nf, false);
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

/* One queue's rings and channels: in queue-<i>/ when there are several. */
static int publish_queue(struct netfront *nf, xpv_xs_tx tx, unsigned int i)
{
	struct netfront_queue *q = &nf->queues[i];
	char *dir = nf->nr_queues == 1 ? kstrdup(nf->xd->nodename, GFP_KERNEL) :
		    kasprintf(GFP_KERNEL, "%s/queue-%u", nf->xd->nodename, i);
	int rc;

	if (!dir)
		return -ENOMEM;
	rc = xpv_xs_printf(tx, dir, "tx-ring-ref", "%d", q->tx_ref) ?:
	     xpv_xs_printf(tx, dir, "rx-ring-ref", "%d", q->rx_ref);
	if (!rc && nf->split)
		rc = xpv_xs_printf(tx, dir, "event-channel-tx", "%u", q->port) ?:
		     xpv_xs_printf(tx, dir, "event-channel-rx", "%u", q->port_rx);
	else if (!rc)
		rc = xpv_xs_printf(tx, dir, "event-channel", "%u", q->port);
	kfree(dir);
	return rc;
}

static int publish_queues(struct netfront *nf, xpv_xs_tx tx)
{
	unsigned int i;
	int rc = 0;

	if (nf->nr_queues > 1)
		rc = xpv_xs_printf(tx, nf->xd->nodename, "multi-queue-num-queues", "%u",
				   nf->nr_queues);
	for (i = 0; !rc && i < nf->nr_queues; i++)
		rc = publish_queue(nf, tx, i);
	return rc;
}

static int publish(struct netfront *nf)
{
	const char *dir = nf->xd->nodename;
	xpv_xs_tx tx;
	int rc;

	do {
		rc = xpv_xs_transaction_start(&tx);
		if (rc)
			return rc;
		rc = publish_queues(nf, tx) ?:
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

static bool backend_has(struct netfront *nf, const char *feature)
{
	unsigned long long v = 0;

	return !xpv_xs_read_uint(0, nf->xd->otherend, feature, &v) && v;
}

/* min(ours, the backend's); a backend that says nothing has one queue */
static unsigned int nr_queues_wanted(struct netfront *nf)
{
	unsigned long long theirs = 1;
	unsigned int ours = max_queues ?: num_online_cpus();

	xpv_xs_read_uint(0, nf->xd->otherend, "multi-queue-max-queues", &theirs);
	return clamp_t(unsigned long long, min_t(unsigned long long, ours, theirs),
		       1, NETFRONT_MAX_QUEUES);
}

/*
 * Release the queues; NAPI must not poll meanwhile. The TX queues stay
 * stopped until connect(). Under rtnl.
 */
static void release_queues(struct netfront *nf, bool keep_carrier)
{
	bool running = netif_running(nf->dev);
	unsigned int i;

	if (!keep_carrier)
		netif_carrier_off(nf->dev);
	WRITE_ONCE(nf->connected, false);
	if (running) {
		netif_tx_disable(nf->dev);
		napi_all(nf, false);
	}
	for (i = 0; i < nf->nr_queues; i++)
		netfront_queue_release(&nf->queues[i]);
	if (running)
		napi_all(nf, true);
	nf->nr_queues = 0;
}

static int setup_queues(struct netfront *nf)
{
	unsigned int i;
	int rc;

	nf->split = backend_has(nf, "feature-split-event-channels");
	nf->nr_queues = nr_queues_wanted(nf);
	for (i = 0; i < nf->nr_queues; i++) {
		rc = netfront_queue_setup(&nf->queues[i], nf->split);
		if (rc)
			return rc;
	}
	return netif_set_real_num_tx_queues(nf->dev, nf->nr_queues) ?:
	       netif_set_real_num_rx_queues(nf->dev, nf->nr_queues);
}

static void netfront_setup(struct xpv_xenbus_device *xd)
{
	struct netfront *nf = dev_get_drvdata(&xd->dev);
	int rc;

	rtnl_lock();
	if (nf->nr_queues) {
		rtnl_unlock();
		return;		/* done already: the watch repeated */
	}
	rc = setup_queues(nf) ?: publish(nf);
	if (rc)
		release_queues(nf, false);
	rtnl_unlock();
	if (rc) {
		dev_err(&nf->xd->dev, "cannot set up the rings: %d\n", rc);
		xpv_xenbus_switch_state(nf->xd, XenbusStateClosing);
		return;
	}
	xpv_xenbus_switch_state(nf->xd, XenbusStateConnected);
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

/*
 * After a move, or with a new backend, the network has to learn where we
 * are: a gratuitous ARP (and IPv6 neighbour advertisement) per address, as
 * after any link change that peers cannot see. Not before the link is up
 * for the stack too: netif_carrier_on() only queues the change, and until
 * linkwatch has run it (and activated the qdisc) what we send is dropped;
 * dom0 then went on resolving our address for up to a second after a
 * restore. linkwatch ends with NETDEV_CHANGE, where we try again.
 */
static void announce(struct netfront *nf)
{
	if (!nf->announce || !netif_carrier_ok(nf->dev) ||
	    qdisc_tx_changing(nf->dev))
		return;
	nf->announce = false;
	__netdev_notify_peers(nf->dev);
}

static int netfront_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (event == NETDEV_CHANGE && dev->netdev_ops == &netfront_netdev_ops)
		announce(netdev_priv(dev));
	return NOTIFY_DONE;
}

static struct notifier_block netfront_netdev_notifier = {
	.notifier_call = netfront_netdev_event,
};

static void netfront_connect(struct xpv_xenbus_device *xd)
{
	struct netfront *nf = dev_get_drvdata(&xd->dev);
	netdev_features_t f = read_backend_features(nf);

	rtnl_lock();
	if (nf->nr_queues && !nf->connected) {
		WRITE_ONCE(nf->connected, true);
		nf->backend_features = f;
		if (!(f & NETIF_F_SG) && nf->dev->mtu > ETH_DATA_LEN)
			dev_set_mtu(nf->dev, ETH_DATA_LEN);
		netdev_update_features(nf->dev);
		netif_carrier_on(nf->dev);
		if (netif_running(nf->dev))
			netif_tx_wake_all_queues(nf->dev);
		nf->announce = netif_running(nf->dev);	/* down: nothing to tell */
		announce(nf);
		netdev_info(nf->dev, "connected: %u queue(s)%s, offloads %pNF\n",
			    nf->nr_queues, nf->split ? ", split channels" : "", &f);
	}
	rtnl_unlock();
}

static void netfront_release(struct xpv_xenbus_device *xd, bool keep_carrier)
{
	struct netfront *nf = dev_get_drvdata(&xd->dev);

	rtnl_lock();
	if (nf->nr_queues)
		release_queues(nf, keep_carrier);
	rtnl_unlock();
}

static void netfront_disconnect(struct xpv_xenbus_device *xd)
{
	netfront_release(xd, false);
}

/*
 * Restored or migrated: the link did not go down for the stack, only its
 * backend changed. Were the carrier turned off, linkwatch would empty the
 * neighbour tables, and a ping answered before connect() would have to
 * resolve its peer again through a qdisc that drops everything: the ARP
 * request lost, the answers waited a retransmission (~1 s) after each
 * live migration. So the carrier stays on and what the stack sends waits
 * in the qdisc, the TX queues stopped, until connect() wakes them.
 */
static void netfront_move(struct xpv_xenbus_device *xd)
{
	netfront_release(xd, true);
}

static bool netfront_set_up(struct xpv_xenbus_device *xd)
{
	struct netfront *nf = dev_get_drvdata(&xd->dev);

	return READ_ONCE(nf->nr_queues);
}

/* The queue latched broken: close the device, say why, leave. */
static void netfront_broken(struct work_struct *work)
{
	struct netfront *nf = container_of(work, struct netfront, broken_work);
	const char *why = NULL;
	unsigned int i;

	for (i = 0; !why && i < NETFRONT_MAX_QUEUES; i++)
		why = READ_ONCE(nf->queues[i].broken_why);

	netdev_err(nf->dev, "backend broke the protocol (%s): device down\n", why);
	rtnl_lock();
	netif_carrier_off(nf->dev);
	dev_close(nf->dev);
	rtnl_unlock();
	xpv_xenbus_dev_fatal(nf->xd, -EPROTO, "backend broke the protocol: %s", why);
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
	netif_set_real_num_tx_queues(dev, 1);
	netif_set_real_num_rx_queues(dev, 1);
	netif_carrier_off(dev);
}

static int netfront_probe(struct xpv_xenbus_device *xd)
{
	struct net_device *dev;
	struct netfront *nf;
	u8 mac[ETH_ALEN];
	unsigned int i;
	int rc;

	rc = read_mac(xd, mac);
	if (rc)
		return rc;
	dev = alloc_etherdev_mqs(sizeof(*nf), NETFRONT_MAX_QUEUES, NETFRONT_MAX_QUEUES);
	if (!dev)
		return -ENOMEM;
	nf = netdev_priv(dev);
	nf->xd = xd;
	nf->dev = dev;
	INIT_WORK(&nf->broken_work, netfront_broken);
	for (i = 0; i < NETFRONT_MAX_QUEUES; i++)
		netfront_queue_init(nf, i);
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
	unsigned int i;

	unregister_netdev(nf->dev);
	cancel_work_sync(&nf->broken_work);
	rtnl_lock();
	if (nf->nr_queues)
		release_queues(nf, false);
	rtnl_unlock();
	for (i = 0; i < NETFRONT_MAX_QUEUES; i++)
		netif_napi_del(&nf->queues[i].napi);
	free_netdev(nf->dev);
}

/*
 * /sys/bus/xpv-xenbus/drivers/xpv-netfront/pages: what every device of
 * ours holds (queue.c); 0 once the last one is gone.
 */
static ssize_t pages_show(struct device_driver *drv, char *buf)
{
	return sysfs_emit(buf, "%ld\n", netfront_pages_held());
}
static DRIVER_ATTR_RO(pages);

static struct attribute *netfront_drv_attrs[] = {
	&driver_attr_pages.attr,
	NULL,
};
ATTRIBUTE_GROUPS(netfront_drv);

static struct xpv_xenbus_driver netfront_driver = {
	.type = "vif",
	.probe = netfront_probe,
	.remove = netfront_remove,
	.setup = netfront_setup,
	.connect = netfront_connect,
	.disconnect = netfront_disconnect,
	.move = netfront_move,
	.set_up = netfront_set_up,
	.driver = { .name = "xpv-netfront", .groups = netfront_drv_groups },
};

static int __init netfront_init(void)
{
	int rc = register_netdevice_notifier(&netfront_netdev_notifier);

	if (rc)
		return rc;
	rc = xpv_xenbus_register_driver(&netfront_driver);
	if (rc)
		unregister_netdevice_notifier(&netfront_netdev_notifier);
	return rc;
}
module_init(netfront_init);
MODULE_LICENSE("GPL");
