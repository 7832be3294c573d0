// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * netif_back: check one TX packet copied off the ring, lay an RX packet
 * over the frontend's buffers, find a frame's L4 checksum; see
 * xpv/netif_back.h. Modelled on what Linux's xen-netback checks in
 * xenvif_count_requests() and xenvif_get_extras(), but every violation
 * drops that one packet: none is fatal to the interface.
 *
 * WHY all of it: the slots are written by the guest. A size trusted here
 * makes the backend copy past a page or past its buffer, a slot count
 * trusted here walks past the fragment array, and a chain whose end is not
 * found by its flags leaves responses owed to the frontend forever. Each
 * field is read from the caller's copy once.
 */
#include <xpv/netif_back.h>

/* Grant refs below this are reserved for the toolstack (console, xenstore). */
#define NR_RESERVED_GREFS	8

/* Walk the chain by its flags: extras after the first slot, then data. */
static bool walk(const union xpv_netif_tx_slot *slots, u32 avail,
		 struct xpv_netback_tx_pkt *pkt, u16 *nr_data)
{
	u16 flags = slots[0].req.flags;
	u32 pos = 1;
	bool more;

	if (flags & XPV_NETTXF_EXTRA_INFO) {
		do {
			if (pos >= avail)
				return false;
			more = slots[pos++].extra.flags & XPV_NETIF_EXTRA_FLAG_MORE;
			pkt->nr_extras++;
		} while (more);
	}
	*nr_data = 1;
	for (more = flags & XPV_NETTXF_MORE_DATA; more; (*nr_data)++) {
		if (pos >= avail)
			return false;
		more = slots[pos++].req.flags & XPV_NETTXF_MORE_DATA;
	}
	pkt->nr_slots = (u16)pos;
	return true;
}

static enum xpv_netback_tx_verdict check_gso(const struct xpv_netif_extra *e,
					     const struct xpv_netback_tx_caps *caps,
					     struct xpv_netback_tx_pkt *pkt)
{
	u8 type = e->u.gso.type;
	u16 size = e->u.gso.size;

	if (!((type == XPV_NETIF_GSO_TYPE_TCPV4 && caps->gso_tcpv4) ||
	      (type == XPV_NETIF_GSO_TYPE_TCPV6 && caps->gso_tcpv6)))
		return XPV_NETBACK_TX_BAD_GSO;
	/* WHY: dom0 may have to cut the frame into len / size packets */
	if (size < XPV_NETBACK_GSO_MIN_SIZE)
		return XPV_NETBACK_TX_BAD_GSO_SIZE;
	pkt->gso_type = type;
	pkt->gso_size = size;
	return XPV_NETBACK_TX_OK;
}

/* Extras at chain positions 1..nr_extras; multicast and hash are ignored. */
static enum xpv_netback_tx_verdict check_extras(const union xpv_netif_tx_slot *slots,
						const struct xpv_netback_tx_caps *caps,
						struct xpv_netback_tx_pkt *pkt)
{
	enum xpv_netback_tx_verdict v;
	u32 seen = 0;
	u16 i;

	if (pkt->nr_extras > XPV_NETBACK_MAX_EXTRAS)
		return XPV_NETBACK_TX_BAD_EXTRA;
	for (i = 1; i <= pkt->nr_extras; i++) {
		struct xpv_netif_extra e = slots[i].extra;

		if (e.type == XPV_NETIF_EXTRA_TYPE_NONE ||
		    e.type >= XPV_NETIF_EXTRA_TYPE_MAX || (seen & (1u << e.type)))
			return XPV_NETBACK_TX_BAD_EXTRA;
		seen |= 1u << e.type;
		if (e.type == XPV_NETIF_EXTRA_TYPE_GSO) {
			v = check_gso(&e, caps, pkt);
			if (v != XPV_NETBACK_TX_OK)
				return v;
		}
	}
	return XPV_NETBACK_TX_OK;
}

static enum xpv_netback_tx_verdict check_frag(u32 gref, u32 offset, u32 len,
					      struct xpv_netback_frag *f)
{
	if (gref < NR_RESERVED_GREFS)
		return XPV_NETBACK_TX_BAD_GREF;
	if (offset >= XPV_NETIF_PAGE_SIZE || len > XPV_NETIF_PAGE_SIZE - offset)
		return XPV_NETBACK_TX_BAD_OFFSET;
	f->gref = gref;
	f->offset = (u16)offset;
	f->len = (u16)len;
	return XPV_NETBACK_TX_OK;
}

/* The first slot holds what is left of size once the others are counted. */
static enum xpv_netback_tx_verdict check_data(const union xpv_netif_tx_slot *slots,
					      u16 nr_data,
					      struct xpv_netback_tx_pkt *pkt)
{
	struct xpv_netif_tx_req first = slots[0].req, r;
	enum xpv_netback_tx_verdict v;
	u32 rest = 0;
	u16 i, pos;

	if (first.size < XPV_NETIF_ETH_HLEN)
		return XPV_NETBACK_TX_BAD_SIZE;
	for (i = 1; i < nr_data; i++) {
		pos = (u16)(pkt->nr_extras + i);
		r = slots[pos].req;
		rest += r.size;
		if (rest > first.size)
			return XPV_NETBACK_TX_BAD_SIZE;
		v = check_frag(r.gref, r.offset, r.size, &pkt->frags[i]);
		if (v != XPV_NETBACK_TX_OK)
			return v;
	}
	pkt->len = first.size;
	pkt->nr_frags = nr_data;
	return check_frag(first.gref, first.offset, first.size - rest, &pkt->frags[0]);
}

/**
 * xpv_netback_tx_parse() - check the packet that starts at @slots[0]
 * @slots: slots copied off the TX ring, @avail of them
 * @limit: the most slots one chain can ever span (the ring's size); a
 *	chain still open after @limit slots can never end
 * @caps: what the backend advertised
 * @pkt: filled in; nr_slots is set for every verdict but INCOMPLETE
 *
 * Return: XPV_NETBACK_TX_OK, INCOMPLETE (wait for more slots; nothing is
 * owed yet), or why the packet must be dropped.
 */
enum xpv_netback_tx_verdict
xpv_netback_tx_parse(const union xpv_netif_tx_slot *slots, u32 avail, u32 limit,
		     const struct xpv_netback_tx_caps *caps,
		     struct xpv_netback_tx_pkt *pkt)
{
	enum xpv_netback_tx_verdict v;
	u16 nr_data;

	memset(pkt, 0, sizeof(*pkt));
	if (!avail)
		return XPV_NETBACK_TX_INCOMPLETE;
	if (!walk(slots, avail, pkt, &nr_data)) {
		if (avail < limit) {
			pkt->nr_extras = 0;
			return XPV_NETBACK_TX_INCOMPLETE;
		}
		pkt->nr_slots = (u16)(avail < 0xffff ? avail : 0xffff);
		return XPV_NETBACK_TX_BAD_NSLOTS;
	}
	if (nr_data > XPV_NETBACK_MAX_FRAGS || (nr_data > 1 && !caps->sg))
		return XPV_NETBACK_TX_BAD_NSLOTS;
	v = check_extras(slots, caps, pkt);
	if (v == XPV_NETBACK_TX_OK)
		v = check_data(slots, nr_data, pkt);
	if (v != XPV_NETBACK_TX_OK)
		return v;
	pkt->csum_blank = slots[0].req.flags & XPV_NETTXF_CSUM_BLANK;
	pkt->data_validated = slots[0].req.flags & XPV_NETTXF_DATA_VALIDATED;
	return XPV_NETBACK_TX_OK;
}

/**
 * xpv_netback_tx_response() - the answer to chain position @pos
 *
 * Extra-info slots are answered XPV_NETIF_RSP_NULL (the frontend skips
 * them); data slots with their own id and @status.
 */
void xpv_netback_tx_response(const union xpv_netif_tx_slot *slots,
			     const struct xpv_netback_tx_pkt *pkt, u16 pos,
			     s16 status, struct xpv_netif_tx_rsp *rsp)
{
	if (pos >= 1 && pos <= pkt->nr_extras) {
		rsp->id = 0;
		rsp->status = XPV_NETIF_RSP_NULL;
	} else {
		rsp->id = slots[pos].req.id;
		rsp->status = status;
	}
}

const char *xpv_netback_tx_verdict_name(enum xpv_netback_tx_verdict v)
{
	static const char *const names[XPV_NETBACK_TX_NR_VERDICTS] = {
		[XPV_NETBACK_TX_OK] = "ok",
		[XPV_NETBACK_TX_INCOMPLETE] = "incomplete",
		[XPV_NETBACK_TX_BAD_NSLOTS] = "bad slot count",
		[XPV_NETBACK_TX_BAD_SIZE] = "bad size",
		[XPV_NETBACK_TX_BAD_OFFSET] = "offset past the page",
		[XPV_NETBACK_TX_BAD_GREF] = "reserved grant",
		[XPV_NETBACK_TX_BAD_EXTRA] = "bad extra info",
		[XPV_NETBACK_TX_BAD_GSO] = "bad gso",
		[XPV_NETBACK_TX_BAD_GSO_SIZE] = "gso size too small",
	};

	return (unsigned int)v < XPV_NETBACK_TX_NR_VERDICTS ? names[v] : "?";
}

static u32 data_slots(u32 len)
{
	return len ? (len + XPV_NETIF_PAGE_SIZE - 1) / XPV_NETIF_PAGE_SIZE : 1;
}

/** xpv_netback_rx_slots() - RX buffers packet @p takes (data + GSO extra) */
u32 xpv_netback_rx_slots(const struct xpv_netback_rx_pkt *p)
{
	return data_slots(p->len) + (p->gso_type != XPV_NETIF_GSO_TYPE_NONE);
}

/**
 * xpv_netback_rx_fill() - responses for packet @p in buffers @reqs
 * @reqs: xpv_netback_rx_slots(@p) requests, in ring order
 * @rsps: as many responses, in the same order
 * @copies: one per data slot: where the packet's bytes go, in order
 * @nr_copies: out, the number of data slots
 *
 * Slot 0 carries the packet's csum flags; a GSO packet has its extra-info
 * right after it. Every data slot but the last says more_data.
 *
 * Return: the slots used.
 */
u32 xpv_netback_rx_fill(const struct xpv_netback_rx_pkt *p,
			const struct xpv_netif_rx_req *reqs,
			union xpv_netif_rx_slot *rsps,
			struct xpv_netback_frag *copies, u32 *nr_copies)
{
	bool gso = p->gso_type != XPV_NETIF_GSO_TYPE_NONE;
	u32 n = data_slots(p->len), i, pos = 0, left = p->len, chunk;
	u16 flags;

	for (i = 0; i < n; i++, pos++) {
		chunk = left < XPV_NETIF_PAGE_SIZE ? left : XPV_NETIF_PAGE_SIZE;
		left -= chunk;
		flags = i + 1 < n ? XPV_NETRXF_MORE_DATA : 0;
		if (i == 0)
			flags |= (p->flags & (XPV_NETRXF_DATA_VALIDATED |
					      XPV_NETRXF_CSUM_BLANK)) |
				 (gso ? XPV_NETRXF_EXTRA_INFO : 0);
		memset(&rsps[pos], 0, sizeof(rsps[pos]));
		rsps[pos].rsp.id = reqs[pos].id;
		rsps[pos].rsp.flags = flags;
		rsps[pos].rsp.status = (s16)chunk;
		copies[i] = (struct xpv_netback_frag){ reqs[pos].gref, 0, (u16)chunk };
		if (i == 0 && gso) {
			pos++;
			memset(&rsps[pos], 0, sizeof(rsps[pos]));
			rsps[pos].extra.type = XPV_NETIF_EXTRA_TYPE_GSO;
			rsps[pos].extra.u.gso.type = p->gso_type;
			rsps[pos].extra.u.gso.size = p->gso_size;
		}
	}
	*nr_copies = n;
	return pos;
}

static u32 be16_at(const u8 *b, u32 off)
{
	return (u32)b[off] << 8 | b[off + 1];
}

/* Skip IPv6 extension headers; 0 when the packet is a fragment or short. */
static u32 skip_ipv6_ext(const u8 *f, u32 len, u32 off, u8 *nh)
{
	unsigned int i;

	for (i = 0; i < 8; i++) {
		if (*nh != 0 && *nh != 43 && *nh != 60)
			return *nh == 44 ? 0 : off;	/* 44: fragment header */
		if (off + 8 > len)
			return 0;
		*nh = f[off];
		off += (f[off + 1] + 1u) * 8;
	}
	return 0;
}

/**
 * xpv_netback_l4_parse() - find the TCP or UDP header of an Ethernet frame
 *
 * Return: 0, -EINVAL for a short or malformed frame, -EPROTONOSUPPORT for
 * anything but unfragmented TCP or UDP over IPv4 or IPv6.
 */
int xpv_netback_l4_parse(const u8 *f, u32 len, struct xpv_netback_l4 *l4)
{
	u32 off = XPV_NETIF_ETH_HLEN, type, ihl, doff;
	u8 proto;

	if (len < off || len > 0x10000)
		return -EINVAL;
	type = be16_at(f, 12);
	if (type == 0x8100) {			/* one VLAN tag */
		if (len < off + 4)
			return -EINVAL;
		type = be16_at(f, 16);
		off += 4;
	}
	memset(l4, 0, sizeof(*l4));
	if (type == 0x0800) {
		if (off + 20 > len || f[off] >> 4 != 4)
			return -EINVAL;
		ihl = (f[off] & 15u) * 4;
		if (ihl < 20 || off + ihl > len)
			return -EINVAL;
		if (be16_at(f, off + 6) & 0x3fff)	/* MF or a fragment offset */
			return -EPROTONOSUPPORT;
		proto = f[off + 9];
		off += ihl;
	} else if (type == 0x86dd) {
		if (off + 40 > len || f[off] >> 4 != 6)
			return -EINVAL;
		proto = f[off + 6];
		off = skip_ipv6_ext(f, len, off + 40, &proto);
		if (!off)
			return -EPROTONOSUPPORT;
		l4->ipv6 = true;
	} else {
		return -EPROTONOSUPPORT;
	}
	if (proto == 6) {
		if (off + 20 > len)
			return -EINVAL;
		doff = (f[off + 12] >> 4) * 4u;
		if (doff < 20 || off + doff > len)
			return -EINVAL;
		l4->csum_offset = 16;
		l4->hdr_len = (u16)(off + doff);
	} else if (proto == 17) {
		if (off + 8 > len)
			return -EINVAL;
		l4->csum_offset = 6;
		l4->hdr_len = (u16)(off + 8);
	} else {
		return -EPROTONOSUPPORT;
	}
	l4->start = (u16)off;
	l4->proto = proto;
	return 0;
}

/**
 * xpv_netback_csum_fill() - finish a checksum left blank (partial)
 *
 * The field at @start + @csum_offset holds the pseudo-header sum, as a
 * sender offloading its checksum leaves it; the one's complement sum from
 * @start to the end is folded in and stored. Out-of-range offsets do
 * nothing.
 */
void xpv_netback_csum_fill(u8 *f, u32 len, u32 start, u32 csum_offset)
{
	u32 sum = 0, i, at = start + csum_offset;
	u16 c;

	if (start > len || csum_offset > len - start || len - start - csum_offset < 2)
		return;
	for (i = start; i + 1 < len; i += 2) {
		sum += be16_at(f, i);
		sum = (sum & 0xffff) + (sum >> 16);
	}
	if (i < len)
		sum += (u32)f[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = (u16)~sum;
	if (!c && csum_offset == 6)
		c = 0xffff;		/* UDP: 0 means "no checksum" */
	f[at] = (u8)(c >> 8);
	f[at + 1] = (u8)c;
}
