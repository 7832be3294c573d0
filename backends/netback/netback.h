/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv-netback: a netif backend in dom0 userspace, serving Linux's netfront
 * (or any other) in place of dom0's xen-netback module.
 *
 * Each guest interface is a TAP device vif<domid>.<devid>, created when
 * the toolstack's backend dir appears (so the hotplug script finds it to
 * enslave to a bridge) and gone when the daemon closes it. Each queue is a
 * TX ring, an RX ring, one or two event channels and one TAP queue fd:
 *   TX  guest -> dom0: slots copied off the TX ring, the chain checked by
 *       lib/netif_back.c, the data grant-copied into a private buffer
 *       behind a virtio_net_hdr (csum and GSO) and written to the TAP;
 *   RX  dom0 -> guest: a frame read from the TAP is laid over the buffers
 *       the guest posted (lib/netif_back.c) and grant-copied into them.
 * Grant copy only: nothing the guest grants stays mapped but the rings.
 *
 * Bounded everywhere: a queue holds at most one ring's worth of TX slots
 * and posted RX buffers, one frame read from the TAP waiting for buffers
 * (the TAP is not read meanwhile; the kernel queue in front of it drops),
 * and takes at most limits.reqs_per_turn packets each way per loop turn.
 *
 * Everything runs on the event loop's thread (lib/loop.c).
 */
#ifndef XPV_NETBACK_H
#define XPV_NETBACK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <xpv/netif_back.h>
#include <xpv/ring.h>
#include <xpvback/backend.h>

#define NET_VNET_HDR	10	/* struct virtio_net_hdr, the TAP's default */
#define NET_BUF		(NET_VNET_HDR + 65536 + 4096)
/* Frames per grant copy each way, and the room a batch of them shares */
#define NET_BATCH	16
#define NET_BATCH_BUF	(4 * NET_BUF)

/* The TAP side, a table so the tests can put a socketpair there. */
struct net_tap_ops {
	/* queue 0 creates the device @name; others attach to it */
	int (*open)(const char *name, bool create, int *fd);
	int (*set_offload)(int fd, unsigned int tun_flags);	/* TUN_F_* */
	void (*close)(int fd);
};

extern const struct net_tap_ops net_tap_linux;

/* What the daemon offers every interface (command line over Kconfig). */
struct net_config {
	unsigned int max_queues;	/* multi-queue-max-queues */
	bool offloads;			/* gso-tcpv4/6, ipv6-csum-offload */
	bool split_evtchn;		/* feature-split-event-channels */
	const struct net_tap_ops *tap;
};

extern struct net_config net_config;

struct net_stats {
	uint64_t tx_packets, tx_bytes;		/* guest -> TAP */
	uint64_t tx_gso, rx_gso;		/* of those, GSO packets */
	uint64_t tx_bad[XPV_NETBACK_TX_NR_VERDICTS];	/* refused chains */
	uint64_t tx_bad_csum;			/* csum/GSO on no TCP/UDP header */
	uint64_t tx_grant_errors;		/* grant copy failed: dropped */
	uint64_t tx_write_errors;		/* the TAP refused the frame */
	uint64_t rx_packets, rx_bytes;		/* TAP -> guest */
	uint64_t rx_dropped;			/* frames we cannot give the guest */
	uint64_t rx_grant_errors;
	uint64_t broken;			/* ring protocol violations */
	uint64_t tx_throttled;			/* times the rate limit held TX */
};

struct net_vif;

struct net_queue {
	struct net_vif *vif;
	unsigned int index;
	struct xpv_ring_map tx_map, rx_map;	/* the shared pages */
	struct xpv_ring tx, rx;			/* our end of them */
	uint32_t tx_port, rx_port;		/* the frontend's; equal unless split */
	struct xpv_evt *tx_evt, *rx_evt;	/* rx_evt == tx_evt unless split */
	int tap_fd;				/* -1 when closed */
	struct xpv_fdw *tap_w;
	/* TX: slots consumed, not yet answered (at most one ring's worth) */
	union xpv_netif_tx_slot *tx_slots;
	uint32_t tx_nslots;
	/* RX: buffers posted, not yet used, a FIFO of one ring's worth */
	struct xpv_netif_rx_req *rx_reqs;
	uint32_t rx_head, rx_count;
	uint32_t held;				/* bytes of a frame at rx_buf, 0: none */
	uint8_t *tx_buf, *rx_buf;		/* NET_BATCH_BUF: a batch of frames */
	struct xpv_gnt_copy *rx_copies;		/* a batch's: one per RX buffer */
	/* TX rate limit (xl rate=): bytes left until credit_next (ns) */
	uint64_t credit_left, credit_next;
	int timer_fd;				/* timer_w's timerfd: wakes TX when credit is back, -1 */
	struct xpv_fdw *timer_w;
	struct xpv_gnt_copy tx_copies[NET_BATCH * XPV_NETBACK_MAX_FRAGS];
	struct net_stats stats;
};

struct net_vif {
	struct xpv_bdev *dev;
	char ifname[IFNAMSIZ];
	int tap0;			/* queue 0, open from probe to remove */
	/* negotiated at connect */
	struct xpv_netback_tx_caps tx_caps;	/* what the guest may send */
	bool rx_csum, rx_csum6;		/* the guest takes blank checksums */
	bool rx_gso4, rx_gso6;		/* and GSO packets */
	bool split;
	uint64_t credit_bytes;		/* "rate": bytes per credit_usec, 0: none */
	uint64_t credit_usec;
	unsigned int nr_queues;
	struct net_queue *queues;	/* NULL when not connected */
	struct net_stats closed;	/* counters of queues already freed */
};

extern const struct xpv_bdev_ops net_vif_ops;

int net_queue_alloc(struct net_queue *q, uint32_t tx_ents, uint32_t rx_ents);
void net_queue_free(struct net_queue *q);
bool net_tx_turn(struct net_queue *q);
bool net_rx_turn(struct net_queue *q);
bool net_evt_handler(struct xpv_evt *e);
bool net_rx_evt_handler(struct xpv_evt *e);
bool net_tap_handler(struct xpv_fdw *w);
bool net_timer_handler(struct xpv_fdw *w);
int net_parse_rate(const char *s, uint64_t *bytes, uint64_t *usec);
void net_stats_add(struct net_stats *to, const struct net_stats *s);
uint64_t net_stats_drops(const struct net_stats *s);

#endif /* XPV_NETBACK_H */
