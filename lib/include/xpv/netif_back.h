/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * netif_back: a network backend's check of the packets its frontend sends,
 * and the shape of the responses it gives for the packets it delivers.
 *
 * TX: the backend copies slots off the TX ring into its own array and
 * hands the array here. xpv_netback_tx_parse() walks one packet's chain by
 * its flags alone, so it always knows how many slots the packet spans (and
 * so how many responses it owes) even when the packet is refused; then it
 * checks every slot: data slot count, the first slot's size against the
 * others, each byte range inside its page, grant refs, extra-info types and
 * GSO. Out comes a packet as fragments in granted pages, or a verdict the
 * backend counts before answering every slot with an error.
 *
 * RX: xpv_netback_rx_fill() lays a packet of a given length (and GSO) over
 * the frontend's posted buffers: one response per buffer, in ring order, an
 * extra-info slot after the first when the packet carries GSO, and the
 * copies the backend must make into those buffers.
 *
 * Headers: csum offload on the wire says only "checksum blank"; where the
 * checksum field lies is found by xpv_netback_l4_parse() from the packet
 * itself (Ethernet, IPv4 or IPv6, TCP or UDP). Nothing here allocates.
 */
#ifndef XPV_NETIF_BACK_H
#define XPV_NETIF_BACK_H

#include <xpv/netif.h>

/* Data slots one packet may use (Linux's XEN_NETBK_LEGACY_SLOTS_MAX). */
#define XPV_NETBACK_MAX_FRAGS		XPV_NETIF_NR_SLOTS_MIN
/* Extra-info slots one packet may carry: one of each known type. */
#define XPV_NETBACK_MAX_EXTRAS		(XPV_NETIF_EXTRA_TYPE_MAX - 1)
/* Slots of the RX ring one packet may take (64 KiB of data + GSO). */
#define XPV_NETBACK_RX_MAX_SLOTS	(XPV_NETIF_MAX_TX_SIZE / XPV_NETIF_PAGE_SIZE + 2)

/*
 * The smallest MSS a TX GSO packet may carry. WHY: wherever dom0 lacks TSO
 * (a bridge port, a route) it cuts a GSO frame into len / MSS packets, so
 * the MSS is what bounds the work one slot chain makes: with MSS 1, a
 * 60,000-byte chain would become 60,000 packets. Linux's TCP never sends
 * a segment below net.ipv4.tcp_min_snd_mss, whose floor (and default) is
 * 48: 40 bytes of options and 8 of data. A smaller MSS comes from no real
 * guest, and 48 bounds a chain (at most 64 KiB) to XPV_NETBACK_GSO_MAX_SEGS
 * packets - as many as a guest's own TCP makes at that MSS, so no bound
 * below it would spare a well-behaved guest. Linux's netback refuses only
 * MSS 0.
 */
#define XPV_NETBACK_GSO_MIN_SIZE	48
#define XPV_NETBACK_GSO_MAX_SEGS	\
	((XPV_NETIF_MAX_TX_SIZE + XPV_NETBACK_GSO_MIN_SIZE - 1) / XPV_NETBACK_GSO_MIN_SIZE)

/* What the backend advertised, i.e. what the frontend may send. */
struct xpv_netback_tx_caps {
	bool sg;		/* feature-sg: more than one data slot */
	bool gso_tcpv4;		/* feature-gso-tcpv4 */
	bool gso_tcpv6;		/* feature-gso-tcpv6 */
};

/* Bytes [offset, offset + len) of a granted page. */
struct xpv_netback_frag {
	u32 gref;
	u16 offset;
	u16 len;
};

enum xpv_netback_tx_verdict {
	XPV_NETBACK_TX_OK,
	XPV_NETBACK_TX_INCOMPLETE,	/* the chain goes on past the slots given */
	XPV_NETBACK_TX_BAD_NSLOTS,	/* too many data slots, or sg not negotiated */
	XPV_NETBACK_TX_BAD_SIZE,	/* first size < the rest, or < an Ethernet header */
	XPV_NETBACK_TX_BAD_OFFSET,	/* offset + bytes past the page */
	XPV_NETBACK_TX_BAD_GREF,	/* a grant ref reserved for the toolstack */
	XPV_NETBACK_TX_BAD_EXTRA,	/* unknown, repeated or too many extras */
	XPV_NETBACK_TX_BAD_GSO,		/* GSO type unknown or not advertised */
	XPV_NETBACK_TX_BAD_GSO_SIZE,	/* MSS below XPV_NETBACK_GSO_MIN_SIZE */
	XPV_NETBACK_TX_NR_VERDICTS
};

/* One TX packet, apart from the wire slots. */
struct xpv_netback_tx_pkt {
	u16 nr_slots;		/* slots the chain spans: each gets a response */
	u16 nr_extras;		/* extra-info slots, at chain positions 1.. */
	u16 nr_frags;
	u32 len;		/* bytes in the packet */
	bool csum_blank;	/* NETTXF_csum_blank: fill the L4 checksum */
	bool data_validated;	/* NETTXF_data_validated */
	u8 gso_type;		/* XPV_NETIF_GSO_TYPE_* */
	u16 gso_size;		/* MSS */
	struct xpv_netback_frag frags[XPV_NETBACK_MAX_FRAGS];
};

enum xpv_netback_tx_verdict
xpv_netback_tx_parse(const union xpv_netif_tx_slot *slots, u32 avail, u32 limit,
		     const struct xpv_netback_tx_caps *caps,
		     struct xpv_netback_tx_pkt *pkt);
void xpv_netback_tx_response(const union xpv_netif_tx_slot *slots,
			     const struct xpv_netback_tx_pkt *pkt, u16 pos,
			     s16 status, struct xpv_netif_tx_rsp *rsp);
const char *xpv_netback_tx_verdict_name(enum xpv_netback_tx_verdict v);

/* One RX packet as the backend received it. */
struct xpv_netback_rx_pkt {
	u32 len;		/* bytes, 1..XPV_NETIF_MAX_TX_SIZE */
	u16 flags;		/* XPV_NETRXF_DATA_VALIDATED | XPV_NETRXF_CSUM_BLANK */
	u8 gso_type;		/* XPV_NETIF_GSO_TYPE_*, NONE without GSO */
	u16 gso_size;
};

u32 xpv_netback_rx_slots(const struct xpv_netback_rx_pkt *p);
u32 xpv_netback_rx_fill(const struct xpv_netback_rx_pkt *p,
			const struct xpv_netif_rx_req *reqs,
			union xpv_netif_rx_slot *rsps,
			struct xpv_netback_frag *copies, u32 *nr_copies);

/* Where the L4 header and its checksum lie in an Ethernet frame. */
struct xpv_netback_l4 {
	u16 start;		/* offset of the TCP or UDP header */
	u16 csum_offset;	/* of the checksum field, from start */
	u16 hdr_len;		/* Ethernet + IP + L4 headers */
	u8 proto;		/* 6 TCP, 17 UDP */
	bool ipv6;
};

int xpv_netback_l4_parse(const u8 *frame, u32 len, struct xpv_netback_l4 *l4);
void xpv_netback_csum_fill(u8 *frame, u32 len, u32 start, u32 csum_offset);

#endif /* XPV_NETIF_BACK_H */
