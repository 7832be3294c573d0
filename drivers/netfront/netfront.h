/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the parts of drivers/netfront: the device and its queue. */
#ifndef _XPV_NETFRONT_H
#define _XPV_NETFRONT_H

#include <linux/netdevice.h>
#include <linux/workqueue.h>
#include <asm/xpv/events.h>
#include <xpv/gnttab.h>
#include <xpv/grant.h>
#include <xpv/netif_front.h>
#include <xpv/ring.h>
#include <xpv/xenbus.h>

/* Queues we offer at most; the number used is min(ours, the backend's). */
#define NETFRONT_MAX_QUEUES	4

/* Data slots of the largest TX packet (64 KiB, bounced page by page). */
#define NETFRONT_TX_MAX_DATA	DIV_ROUND_UP(XPV_NETIF_MAX_TX_SIZE, PAGE_SIZE)
/* ... and its GSO extra-info slot. */
#define NETFRONT_TX_MAX_SLOTS	(NETFRONT_TX_MAX_DATA + 1)

/* An RX refill that fell short is tried again this much later. */
#define NETFRONT_REFILL_RETRY	(HZ / 10)

/* One TX id: its bounce page, granted read-only while in flight. */
struct netfront_tx_slot {
	struct page *page;	/* ours when not in flight; NULL until needed */
	grant_ref_t gref;	/* valid while in flight */
};

/* One RX ring position: the page posted there, granted for writing. */
struct netfront_rx_slot {
	struct page *page;	/* NULL once handed to an skb, until refilled */
	grant_ref_t gref;	/* valid while posted */
	bool posted;
};

/*
 * A pair of rings with one event channel, or one per ring when split.
 * Set up and torn down under rtnl with NAPI disabled or not yet polling
 * (ready false); in between, TX state is guarded by tx_lock and RX state
 * belongs to NAPI.
 */
struct netfront_queue {
	struct netfront *nf;			/* const after probe */
	unsigned int id;			/* const after probe: TX queue index */
	struct napi_struct napi;
	bool ready;				/* rings usable: store-release/load-acquire */
	evtchn_port_t port;			/* rtnl: TX (and RX unless split) */
	evtchn_port_t port_rx;			/* rtnl: RX, == port unless split */
	int irq, irq_rx;			/* rtnl: requested, or 0 */
	char irq_name[2][IFNAMSIZ + 8];		/* rtnl */
	const char *broken_why;			/* first violation seen, or NULL */

	spinlock_t tx_lock;			/* guards the TX fields below */
	bool tx_up;				/* tx_lock: xmit may post */
	struct xpv_ring tx;			/* tx_lock */
	int tx_ref;				/* rtnl: grant of the TX ring page */
	struct netfront_tx_slot *tx_slots;	/* tx_lock, per id */
	u8 *tx_in_flight;			/* tx_lock, per id */
	u32 *tx_links;				/* tx_lock: tx_ids' free list */
	struct xpv_idfree tx_ids;		/* tx_lock */
	struct xpv_netfront_tx_shadow tx_shadow;	/* tx_lock */

	struct xpv_ring rx;			/* NAPI */
	int rx_ref;				/* rtnl: grant of the RX ring page */
	struct netfront_rx_slot *rx_slots;	/* NAPI, per ring position */
	struct timer_list refill_timer;		/* NAPI arms it: a refill fell short */
	/* responses consumed off the ring, not yet a whole packet */
	union xpv_netif_rx_slot pending[XPV_NETFRONT_RX_MAX_SLOTS];	/* NAPI */
	u32 nr_pending;				/* NAPI */
};

struct netfront {
	struct xpv_xenbus_device *xd;		/* const after probe */
	struct net_device *dev;			/* const after probe */
	struct netfront_queue queues[NETFRONT_MAX_QUEUES];
	unsigned int nr_queues;			/* rtnl: set up, or 0 */
	bool split;				/* rtnl: split event channels */
	netdev_features_t backend_features;	/* rtnl; read racily by xmit */
	bool connected;				/* rtnl; read by NAPI: connect() ran */
	bool announce;				/* rtnl: tell the peers at link up */
	struct work_struct broken_work;		/* takes the device down */
};

extern const struct xpv_netfront_rx_caps netfront_rx_caps;

void netfront_queue_init(struct netfront *nf, unsigned int id);
int netfront_queue_setup(struct netfront_queue *q, bool split);
void netfront_queue_release(struct netfront_queue *q);
long netfront_pages_held(void);
netdev_tx_t netfront_start_xmit(struct sk_buff *skb, struct net_device *dev);

#endif /* _XPV_NETFRONT_H */
