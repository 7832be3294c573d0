/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The netif wire format: what a network frontend and backend exchange over
 * their two shared rings (Xen's public/io/netif.h, x86_64 ABI).
 *
 * TX ring (frontend -> backend): a packet is a chain of request slots. The
 * first names the whole packet's length in `size` and its own bytes are
 * what is left after the following slots; NETTXF_extra_info on the first
 * says extra-info slots (GSO, ...) come right after it, chained by
 * XPV_NETIF_EXTRA_FLAG_MORE; NETTXF_more_data on a data slot says another
 * data slot follows. Every slot, extras included, gets one response.
 *
 * RX ring (backend -> frontend): the frontend posts empty granted pages;
 * the backend answers each in ring order with a response naming how many
 * bytes it wrote there (status) or an error, NETRXF_more_data chaining the
 * slots of one packet and an extra-info slot after the first when the
 * packet carries GSO.
 *
 * Pure modules include only xpv/types.h, so the layout is restated here and
 * checked field by field against Xen's own header in the unit tests.
 */
#ifndef XPV_NETIF_H
#define XPV_NETIF_H

#include <xpv/types.h>

#define XPV_NETIF_PAGE_SIZE		4096u
#define XPV_NETIF_MAX_TX_SIZE		0xffffu	/* the first slot's u16 size */
#define XPV_NETIF_NR_SLOTS_MIN		18	/* data slots a backend must take */
#define XPV_NETIF_ETH_HLEN		14

/* TX request flags */
#define XPV_NETTXF_CSUM_BLANK		(1u << 0)
#define XPV_NETTXF_DATA_VALIDATED	(1u << 1)
#define XPV_NETTXF_MORE_DATA		(1u << 2)
#define XPV_NETTXF_EXTRA_INFO		(1u << 3)

/* RX response flags */
#define XPV_NETRXF_DATA_VALIDATED	(1u << 0)
#define XPV_NETRXF_CSUM_BLANK		(1u << 1)
#define XPV_NETRXF_MORE_DATA		(1u << 2)
#define XPV_NETRXF_EXTRA_INFO		(1u << 3)

#define XPV_NETIF_RSP_DROPPED		(-2)
#define XPV_NETIF_RSP_ERROR		(-1)
#define XPV_NETIF_RSP_OKAY		0
#define XPV_NETIF_RSP_NULL		1	/* the answer to an extra-info slot */

#define XPV_NETIF_EXTRA_TYPE_NONE	0
#define XPV_NETIF_EXTRA_TYPE_GSO	1
#define XPV_NETIF_EXTRA_TYPE_MCAST_ADD	2
#define XPV_NETIF_EXTRA_TYPE_MCAST_DEL	3
#define XPV_NETIF_EXTRA_TYPE_HASH	4
#define XPV_NETIF_EXTRA_TYPE_MAX	5
#define XPV_NETIF_EXTRA_FLAG_MORE	(1u << 0)

#define XPV_NETIF_GSO_TYPE_NONE		0
#define XPV_NETIF_GSO_TYPE_TCPV4	1
#define XPV_NETIF_GSO_TYPE_TCPV6	2

struct xpv_netif_tx_req {
	u32 gref;
	u16 offset;
	u16 flags;
	u16 id;
	u16 size;
};

struct xpv_netif_extra {
	u8 type;
	u8 flags;
	union {
		struct {
			u16 size;	/* MSS */
			u8 type;	/* XPV_NETIF_GSO_TYPE_* */
			u8 pad;
			u16 features;
		} gso;
		u8 mcast_addr[6];
		u16 pad[3];
	} u;
};

struct xpv_netif_tx_rsp {
	u16 id;
	s16 status;
};

/* One TX ring slot: a request, an extra-info, or the response. */
union xpv_netif_tx_slot {
	struct xpv_netif_tx_req req;
	struct xpv_netif_extra extra;
	struct xpv_netif_tx_rsp rsp;
};

struct xpv_netif_rx_req {
	u16 id;
	u16 pad;
	u32 gref;
};

struct xpv_netif_rx_rsp {
	u16 id;
	u16 offset;
	u16 flags;
	s16 status;		/* bytes in this slot, or XPV_NETIF_RSP_* < 0 */
};

/* One RX ring slot: a request, the response, or an extra-info. */
union xpv_netif_rx_slot {
	struct xpv_netif_rx_req req;
	struct xpv_netif_rx_rsp rsp;
	struct xpv_netif_extra extra;
};

XPV_STATIC_ASSERT(sizeof(union xpv_netif_tx_slot) == 12, "netif tx slot");
XPV_STATIC_ASSERT(sizeof(union xpv_netif_rx_slot) == 8, "netif rx slot");

#endif /* XPV_NETIF_H */
