// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * netif_front: check the TX answers and RX chains a network backend
 * writes; see xpv/netif_front.h.
 *
 * WHY all of it: the responses are written by the backend's domain. An id
 * trusted here completes a packet that is not in flight (a double free in
 * the driver), an offset or size trusted here makes the driver read past
 * the page it posted, and a chain whose length is not bounded walks past
 * the fragment array (the lessons of XSA-391 and Linux's xen-netfront
 * hardening). Each field is read once, from the caller's copy.
 */
#include <xpv/netif_front.h>

const char *xpv_netfront_verdict_name(enum xpv_netfront_verdict v)
{
	static const char *const names[XPV_NETFRONT_NR_VERDICTS] = {
		[XPV_NETFRONT_OK] = "ok",
		[XPV_NETFRONT_NULL] = "null",
		[XPV_NETFRONT_INCOMPLETE] = "incomplete",
		[XPV_NETFRONT_DROP] = "dropped by the backend",
		[XPV_NETFRONT_BAD_ID] = "id not in flight",
		[XPV_NETFRONT_BAD_STATUS] = "bad status",
		[XPV_NETFRONT_BAD_NULL] = "null answer to no extra",
		[XPV_NETFRONT_BAD_OFFSET] = "bytes past the page",
		[XPV_NETFRONT_BAD_NSLOTS] = "too many slots",
		[XPV_NETFRONT_BAD_EXTRA] = "bad extra info",
		[XPV_NETFRONT_BAD_GSO] = "bad gso",
	};

	return (unsigned int)v < XPV_NETFRONT_NR_VERDICTS ? names[v] : "?";
}

/**
 * xpv_netfront_tx_check() - may we take this TX response?
 * @rsp: copied off the ring
 * @sh: our shadow; nulls_owed goes down by one for a NULL answer
 *
 * Return: OK (complete id @rsp->id; its status says whether the packet
 * went out), NULL (an extra answered, nothing to complete), or a fatal
 * verdict.
 */
enum xpv_netfront_verdict
xpv_netfront_tx_check(const struct xpv_netif_tx_rsp *rsp,
		      struct xpv_netfront_tx_shadow *sh)
{
	s16 status = rsp->status;
	u16 id = rsp->id;

	if (status == XPV_NETIF_RSP_NULL) {
		if (!sh->nulls_owed)
			return XPV_NETFRONT_BAD_NULL;
		sh->nulls_owed--;
		return XPV_NETFRONT_NULL;
	}
	if (status != XPV_NETIF_RSP_OKAY && status != XPV_NETIF_RSP_ERROR &&
	    status != XPV_NETIF_RSP_DROPPED)
		return XPV_NETFRONT_BAD_STATUS;
	if (id >= sh->nr_ids || !sh->in_flight[id])
		return XPV_NETFRONT_BAD_ID;
	return XPV_NETFRONT_OK;
}

/* One data slot: the id its position carries, bytes inside the page. */
static enum xpv_netfront_verdict check_data(const struct xpv_netif_rx_rsp *r,
					    u16 want_id, u16 pos,
					    struct xpv_netfront_frag *f)
{
	if (r->id != want_id)
		return XPV_NETFRONT_BAD_ID;
	if (r->status == XPV_NETIF_RSP_ERROR || r->status == XPV_NETIF_RSP_DROPPED)
		return XPV_NETFRONT_DROP;
	if (r->status < 0)
		return XPV_NETFRONT_BAD_STATUS;
	if (r->offset >= XPV_NETIF_PAGE_SIZE ||
	    (u32)r->status > XPV_NETIF_PAGE_SIZE - r->offset)
		return XPV_NETFRONT_BAD_OFFSET;
	f->pos = pos;
	f->offset = r->offset;
	f->len = (u16)r->status;
	return XPV_NETFRONT_OK;
}

static enum xpv_netfront_verdict check_gso(const struct xpv_netif_extra *e,
					   const struct xpv_netfront_rx_caps *caps,
					   struct xpv_netfront_rx_pkt *pkt)
{
	u8 type = e->u.gso.type;

	if (!((type == XPV_NETIF_GSO_TYPE_TCPV4 && caps->gso_tcpv4) ||
	      (type == XPV_NETIF_GSO_TYPE_TCPV6 && caps->gso_tcpv6)) ||
	    !e->u.gso.size)
		return XPV_NETFRONT_BAD_GSO;
	pkt->gso_type = type;
	pkt->gso_size = e->u.gso.size;
	return XPV_NETFRONT_OK;
}

/* Extra-info slots from *@pos on, chained by their MORE flag. */
static enum xpv_netfront_verdict walk_extras(const union xpv_netif_rx_slot *rsps,
					     u32 avail, u16 *pos,
					     const struct xpv_netfront_rx_caps *caps,
					     struct xpv_netfront_rx_pkt *pkt)
{
	enum xpv_netfront_verdict v;
	struct xpv_netif_extra e;
	unsigned int n = 0;

	do {
		if (n++ == XPV_NETFRONT_MAX_EXTRAS)
			return XPV_NETFRONT_BAD_EXTRA;
		if (*pos >= avail)
			return XPV_NETFRONT_INCOMPLETE;
		e = rsps[(*pos)++].extra;
		if (e.type != XPV_NETIF_EXTRA_TYPE_GSO)
			return XPV_NETFRONT_BAD_EXTRA;
		v = check_gso(&e, caps, pkt);
		if (v != XPV_NETFRONT_OK)
			return v;
	} while (e.flags & XPV_NETIF_EXTRA_FLAG_MORE);
	return XPV_NETFRONT_OK;
}

/* Walk the chain; a slot the backend marked bad makes the packet a DROP. */
static enum xpv_netfront_verdict walk(const union xpv_netif_rx_slot *rsps,
				      u32 avail, u16 first_id, u16 id_mask,
				      const struct xpv_netfront_rx_caps *caps,
				      struct xpv_netfront_rx_pkt *pkt)
{
	enum xpv_netfront_verdict v, verdict = XPV_NETFRONT_OK;
	struct xpv_netif_rx_rsp r;
	u16 pos = 0, nr_data = 0;

	do {
		if (nr_data == XPV_NETFRONT_MAX_FRAGS || (nr_data && !caps->sg))
			return XPV_NETFRONT_BAD_NSLOTS;
		if (pos >= avail)
			return XPV_NETFRONT_INCOMPLETE;
		r = rsps[pos].rsp;
		nr_data++;
		v = check_data(&r, (u16)((first_id + pos) & id_mask), pos,
			       &pkt->frags[pkt->nr_frags]);
		if (xpv_netfront_fatal(v))
			return v;
		if (v == XPV_NETFRONT_DROP)
			verdict = v;
		else
			pkt->len += pkt->frags[pkt->nr_frags++].len;
		if (pos++ == 0 && (r.flags & XPV_NETRXF_EXTRA_INFO)) {
			v = walk_extras(rsps, avail, &pos, caps, pkt);
			if (v != XPV_NETFRONT_OK)
				return v;
		}
	} while (r.flags & XPV_NETRXF_MORE_DATA);
	pkt->nr_slots = pos;
	return verdict;
}

/**
 * xpv_netfront_rx_parse() - check the RX packet that starts at @rsps[0]
 * @rsps: responses copied off the RX ring, @avail of them
 * @first_id: the id the request at @rsps[0]'s ring position carried; the
 *	one at position i carried (@first_id + i) & @id_mask
 * @caps: what we advertised
 * @pkt: filled in; nr_slots is set for OK and DROP (consume that many)
 *
 * @avail >= XPV_NETFRONT_RX_MAX_SLOTS always gives a verdict other than
 * INCOMPLETE. Data slots with an error status still count in nr_slots but
 * not in nr_frags.
 *
 * Return: OK, INCOMPLETE (wait for more responses), DROP (consume and
 * count the packet, deliver nothing), or a fatal verdict.
 */
enum xpv_netfront_verdict
xpv_netfront_rx_parse(const union xpv_netif_rx_slot *rsps, u32 avail,
		      u16 first_id, u16 id_mask,
		      const struct xpv_netfront_rx_caps *caps,
		      struct xpv_netfront_rx_pkt *pkt)
{
	enum xpv_netfront_verdict v;
	u16 flags;

	memset(pkt, 0, sizeof(*pkt));
	if (!avail)
		return XPV_NETFRONT_INCOMPLETE;
	flags = rsps[0].rsp.flags;
	v = walk(rsps, avail, first_id, id_mask, caps, pkt);
	if (v == XPV_NETFRONT_OK && pkt->len < XPV_NETIF_ETH_HLEN)
		v = XPV_NETFRONT_DROP;
	if (v != XPV_NETFRONT_OK && v != XPV_NETFRONT_DROP) {
		pkt->nr_slots = 0;
		return v;
	}
	pkt->csum_blank = flags & XPV_NETRXF_CSUM_BLANK;
	pkt->data_validated = flags & XPV_NETRXF_DATA_VALIDATED;
	return v;
}
