/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * netif_front: a network frontend's check of what its backend answers,
 * the front-side twin of netif_back.
 *
 * TX: every data slot we sent gets one response naming its id; every
 * extra-info slot gets one with status XPV_NETIF_RSP_NULL. A response is
 * taken only if its id is one we have in flight, or if it is a NULL we
 * still owe an extra for (xpv_netfront_tx_check()).
 *
 * RX: we post one granted page per ring slot, with the slot's index as
 * its id; the backend answers slot by slot in ring order. A packet is a
 * chain of responses: the first, then its extra-info slots when it says
 * NETRXF_extra_info, then more data slots while NETRXF_more_data says so.
 * xpv_netfront_rx_parse() walks a chain copied off the ring and checks
 * every slot: the id the slot must carry, bytes inside the page, the
 * number of slots, extra types, GSO against what we advertised. Out come
 * the packet's fragments, or a verdict: DROP for a packet the backend
 * itself flagged as bad (an error status, a runt), anything else is a
 * protocol violation after which the queue must stop.
 *
 * The caller copies the responses off the ring (lib/ring.c) and owns the
 * shadow state; nothing here allocates or reads shared memory.
 */
#ifndef XPV_NETIF_FRONT_H
#define XPV_NETIF_FRONT_H

#include <xpv/netif.h>

/* Data slots one RX packet may span: 64 KiB and an unaligned start. */
#define XPV_NETFRONT_MAX_FRAGS		XPV_NETIF_NR_SLOTS_MIN
/* Extra-info slots one RX packet may carry (only GSO is taken). */
#define XPV_NETFRONT_MAX_EXTRAS		1
#define XPV_NETFRONT_RX_MAX_SLOTS	(XPV_NETFRONT_MAX_FRAGS + XPV_NETFRONT_MAX_EXTRAS)

enum xpv_netfront_verdict {
	XPV_NETFRONT_OK,
	XPV_NETFRONT_NULL,		/* TX: the answer to an extra-info slot */
	XPV_NETFRONT_INCOMPLETE,	/* RX: the chain goes on past the slots given */
	XPV_NETFRONT_DROP,		/* RX: the backend said the packet is bad */
	XPV_NETFRONT_BAD_ID,		/* an id not in flight, or not the slot's */
	XPV_NETFRONT_BAD_STATUS,	/* a status no response may carry */
	XPV_NETFRONT_BAD_NULL,		/* TX: a NULL answer no extra is owed */
	XPV_NETFRONT_BAD_OFFSET,	/* RX: bytes past the page */
	XPV_NETFRONT_BAD_NSLOTS,	/* RX: more slots than a packet may use */
	XPV_NETFRONT_BAD_EXTRA,		/* RX: unknown, repeated or unexpected extra */
	XPV_NETFRONT_BAD_GSO,		/* RX: GSO we did not advertise, or MSS 0 */
	XPV_NETFRONT_NR_VERDICTS
};

static inline bool xpv_netfront_fatal(enum xpv_netfront_verdict v)
{
	return v >= XPV_NETFRONT_BAD_ID;
}

const char *xpv_netfront_verdict_name(enum xpv_netfront_verdict v);

/* What we have in flight on the TX ring. */
struct xpv_netfront_tx_shadow {
	const u8 *in_flight;	/* per id, nonzero while its slot is out */
	u32 nr_ids;
	u32 nulls_owed;		/* extra-info slots sent and not answered */
};

enum xpv_netfront_verdict
xpv_netfront_tx_check(const struct xpv_netif_tx_rsp *rsp,
		      struct xpv_netfront_tx_shadow *sh);

/* What we advertised, i.e. what the backend may send us. */
struct xpv_netfront_rx_caps {
	bool sg;		/* feature-sg: more than one data slot */
	bool gso_tcpv4;		/* feature-gso-tcpv4 */
	bool gso_tcpv6;		/* feature-gso-tcpv6 */
};

/* Bytes [offset, offset + len) of the page posted at chain position pos. */
struct xpv_netfront_frag {
	u16 pos;
	u16 offset;
	u16 len;
};

/* One RX packet, apart from the wire slots. */
struct xpv_netfront_rx_pkt {
	u16 nr_slots;		/* responses the chain spans, extras included */
	u16 nr_frags;
	u32 len;		/* bytes in the packet */
	bool csum_blank;	/* NETRXF_csum_blank: checksum left partial */
	bool data_validated;	/* NETRXF_data_validated */
	u8 gso_type;		/* XPV_NETIF_GSO_TYPE_* */
	u16 gso_size;		/* MSS */
	struct xpv_netfront_frag frags[XPV_NETFRONT_MAX_FRAGS];
};

enum xpv_netfront_verdict
xpv_netfront_rx_parse(const union xpv_netif_rx_slot *rsps, u32 avail,
		      u16 first_id, u16 id_mask,
		      const struct xpv_netfront_rx_caps *caps,
		      struct xpv_netfront_rx_pkt *pkt);

#endif /* XPV_NETIF_FRONT_H */
