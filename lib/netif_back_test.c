// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of netif_back, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST)
 * and as a cmocka program (tests/unit). Well-formed TX chains of each shape
 * are parsed, then a named table of malformed chains must each come back
 * with its own verdict and the whole chain's length (every slot of a
 * dropped packet is still answered). RX packets are laid over buffers, and
 * frames of each kind are parsed for their L4 checksum.
 */
#include <xpv/netif_back.h>
#include <xpv/xtest.h>

#ifdef __KERNEL__
#include <linux/module.h>
#include <linux/stddef.h>
#include <xen/interface/io/netif.h>
#define XEN(t)	struct xen_netif_##t
#define XF(f)	XEN_##f
#else
#include <xen/io/netif.h>
#define XEN(t)	struct netif_##t
#define XF(f)	f
#endif

static const struct xpv_netback_tx_caps caps_all = {
	.sg = true, .gso_tcpv4 = true, .gso_tcpv6 = true,
};

#define NSLOTS	64
static union xpv_netif_tx_slot slots[NSLOTS];
static struct xpv_netback_tx_pkt pkt;

static union xpv_netif_tx_slot data(u32 gref, u16 off, u16 flags, u16 id, u16 size)
{
	union xpv_netif_tx_slot s;

	memset(&s, 0, sizeof(s));
	s.req = (struct xpv_netif_tx_req){ gref, off, flags, id, size };
	return s;
}

static union xpv_netif_tx_slot extra(u8 type, u8 flags, u8 gso_type, u16 mss)
{
	union xpv_netif_tx_slot s;

	memset(&s, 0, sizeof(s));
	s.extra.type = type;
	s.extra.flags = flags;
	s.extra.u.gso.type = gso_type;
	s.extra.u.gso.size = mss;
	return s;
}

static enum xpv_netback_tx_verdict parse(u32 n, const struct xpv_netback_tx_caps *c)
{
	return xpv_netback_tx_parse(slots, n, 256, c, &pkt);
}

static void netif_back_test_layout_matches_xen(XT_CTX)
{
	XT_EQ(sizeof(struct xpv_netif_tx_req), sizeof(XEN(tx_request)));
	XT_EQ(sizeof(struct xpv_netif_extra), sizeof(XEN(extra_info)));
	XT_EQ(sizeof(struct xpv_netif_tx_rsp), sizeof(XEN(tx_response)));
	XT_EQ(sizeof(struct xpv_netif_rx_req), sizeof(XEN(rx_request)));
	XT_EQ(sizeof(struct xpv_netif_rx_rsp), sizeof(XEN(rx_response)));
	XT_EQ(offsetof(struct xpv_netif_tx_req, offset), offsetof(XEN(tx_request), offset));
	XT_EQ(offsetof(struct xpv_netif_tx_req, flags), offsetof(XEN(tx_request), flags));
	XT_EQ(offsetof(struct xpv_netif_tx_req, id), offsetof(XEN(tx_request), id));
	XT_EQ(offsetof(struct xpv_netif_tx_req, size), offsetof(XEN(tx_request), size));
	XT_EQ(offsetof(struct xpv_netif_extra, u.gso.size), offsetof(XEN(extra_info), u.gso.size));
	XT_EQ(offsetof(struct xpv_netif_extra, u.gso.type), offsetof(XEN(extra_info), u.gso.type));
	XT_EQ(offsetof(struct xpv_netif_tx_rsp, status), offsetof(XEN(tx_response), status));
	XT_EQ(offsetof(struct xpv_netif_rx_req, gref), offsetof(XEN(rx_request), gref));
	XT_EQ(offsetof(struct xpv_netif_rx_rsp, offset), offsetof(XEN(rx_response), offset));
	XT_EQ(offsetof(struct xpv_netif_rx_rsp, flags), offsetof(XEN(rx_response), flags));
	XT_EQ(offsetof(struct xpv_netif_rx_rsp, status), offsetof(XEN(rx_response), status));
	XT_EQ(XPV_NETTXF_EXTRA_INFO, XF(NETTXF_extra_info));
	XT_EQ(XPV_NETTXF_MORE_DATA, XF(NETTXF_more_data));
	XT_EQ(XPV_NETRXF_CSUM_BLANK, XF(NETRXF_csum_blank));
	XT_EQ(XPV_NETRXF_EXTRA_INFO, XF(NETRXF_extra_info));
	XT_EQ(XPV_NETIF_RSP_NULL, XF(NETIF_RSP_NULL));
}

static void netif_back_test_tx_single(XT_CTX)
{
	slots[0] = data(100, 64, XPV_NETTXF_CSUM_BLANK, 7, 1514);
	XT_EQ(parse(1, &caps_all), XPV_NETBACK_TX_OK);
	XT_EQ(pkt.nr_slots, 1);
	XT_EQ(pkt.nr_frags, 1);
	XT_EQ(pkt.len, 1514);
	XT_TRUE(pkt.csum_blank);
	XT_FALSE(pkt.data_validated);
	XT_EQ(pkt.frags[0].gref, 100);
	XT_EQ(pkt.frags[0].offset, 64);
	XT_EQ(pkt.frags[0].len, 1514);
	XT_EQ(pkt.gso_type, XPV_NETIF_GSO_TYPE_NONE);
}

static void netif_back_test_tx_multi(XT_CTX)
{
	slots[0] = data(100, 4000, XPV_NETTXF_MORE_DATA, 1, 5000);
	slots[1] = data(101, 0, XPV_NETTXF_MORE_DATA, 2, 4096);
	slots[2] = data(102, 0, 0, 3, 808);
	slots[3] = data(103, 0, 0, 4, 60);	/* the next packet */
	XT_EQ(parse(4, &caps_all), XPV_NETBACK_TX_OK);
	XT_EQ(pkt.nr_slots, 3);
	XT_EQ(pkt.nr_frags, 3);
	XT_EQ(pkt.len, 5000);
	XT_EQ(pkt.frags[0].len, 96);
	XT_EQ(pkt.frags[1].len, 4096);
	XT_EQ(pkt.frags[2].gref, 102);
	XT_EQ(pkt.frags[2].len, 808);
}

static void netif_back_test_tx_gso(XT_CTX)
{
	slots[0] = data(100, 0, XPV_NETTXF_EXTRA_INFO | XPV_NETTXF_MORE_DATA |
			XPV_NETTXF_CSUM_BLANK, 1, 9000);
	slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, XPV_NETIF_EXTRA_FLAG_MORE,
			 XPV_NETIF_GSO_TYPE_TCPV6, 1440);
	slots[2] = extra(XPV_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0);
	slots[3] = data(101, 0, XPV_NETTXF_MORE_DATA, 2, 4096);
	slots[4] = data(102, 0, 0, 3, 808);
	XT_EQ(parse(5, &caps_all), XPV_NETBACK_TX_OK);
	XT_EQ(pkt.nr_slots, 5);
	XT_EQ(pkt.nr_extras, 2);
	XT_EQ(pkt.nr_frags, 3);
	XT_EQ(pkt.frags[0].len, 4096);
	XT_EQ(pkt.frags[1].gref, 101);
	XT_EQ(pkt.gso_type, XPV_NETIF_GSO_TYPE_TCPV6);
	XT_EQ(pkt.gso_size, 1440);
}

static void netif_back_test_tx_incomplete(XT_CTX)
{
	slots[0] = data(100, 0, XPV_NETTXF_MORE_DATA, 1, 200);
	slots[1] = data(101, 0, XPV_NETTXF_MORE_DATA, 2, 100);
	XT_EQ(parse(0, &caps_all), XPV_NETBACK_TX_INCOMPLETE);
	XT_EQ(parse(2, &caps_all), XPV_NETBACK_TX_INCOMPLETE);
	XT_EQ(pkt.nr_slots, 0);
	slots[0] = data(100, 0, XPV_NETTXF_EXTRA_INFO, 1, 200);
	slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, XPV_NETIF_EXTRA_FLAG_MORE,
			 XPV_NETIF_GSO_TYPE_TCPV4, 1000);
	XT_EQ(parse(2, &caps_all), XPV_NETBACK_TX_INCOMPLETE);
	/* still open after as many slots as the ring holds: never ends */
	slots[0] = data(100, 0, XPV_NETTXF_MORE_DATA, 1, 200);
	slots[1] = data(101, 0, XPV_NETTXF_MORE_DATA, 2, 100);
	XT_EQ(xpv_netback_tx_parse(slots, 2, 2, &caps_all, &pkt),
	      XPV_NETBACK_TX_BAD_NSLOTS);
	XT_EQ(pkt.nr_slots, 2);
}

struct bad_chain {
	const char *name;
	int shape;		/* which chain to build, see build_bad() */
	bool no_sg, no_gso;
	enum xpv_netback_tx_verdict want;
	u16 want_slots;
};

/* 60000 bytes of TCPv4 GSO in 15 data slots, cut every @mss bytes */
static u32 gso_chain(u16 mss)
{
	u32 i;

	slots[0] = data(100, 0, XPV_NETTXF_EXTRA_INFO | XPV_NETTXF_MORE_DATA |
			XPV_NETTXF_CSUM_BLANK, 1, 60000);
	slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV4, mss);
	for (i = 2; i < 16; i++)
		slots[i] = data(100 + i, 0, i < 15 ? XPV_NETTXF_MORE_DATA : 0,
				(u16)i, 4096);
	return 16;
}

/* A few chain shapes, each with one thing wrong. */
static u32 build_bad(int shape)
{
	u32 i;

	switch (shape) {
	case 0:			/* 19 data slots */
		for (i = 0; i < 19; i++)
			slots[i] = data(100 + i, 0, i < 18 ? XPV_NETTXF_MORE_DATA : 0,
					(u16)i, i ? 10 : 1000);
		return 19;
	case 1:			/* two data slots */
		slots[0] = data(100, 0, XPV_NETTXF_MORE_DATA, 1, 1000);
		slots[1] = data(101, 0, 0, 2, 100);
		return 2;
	case 2:			/* the others bigger than size */
		slots[0] = data(100, 0, XPV_NETTXF_MORE_DATA, 1, 100);
		slots[1] = data(101, 0, 0, 2, 200);
		return 2;
	case 3:			/* a runt */
		slots[0] = data(100, 0, 0, 1, 13);
		return 1;
	case 4:			/* first slot ends past its page */
		slots[0] = data(100, 4000, 0, 1, 200);
		return 1;
	case 5:			/* a following slot starts past its page */
		slots[0] = data(100, 0, XPV_NETTXF_MORE_DATA, 1, 1000);
		slots[1] = data(101, 5000, 0, 2, 0);
		return 2;
	case 6:			/* a following slot crosses its page */
		slots[0] = data(100, 0, XPV_NETTXF_MORE_DATA, 1, 1000);
		slots[1] = data(101, 4000, 0, 2, 100);
		return 2;
	case 7:			/* the toolstack's grant */
		slots[0] = data(1, 0, 0, 1, 100);
		return 1;
	case 8:			/* a reserved grant in a following slot */
		slots[0] = data(100, 0, XPV_NETTXF_MORE_DATA, 1, 1000);
		slots[1] = data(7, 0, 0, 2, 100);
		return 2;
	default:		/* extras: shape - 9 picks the extra */
		break;
	}
	slots[0] = data(100, 0, XPV_NETTXF_EXTRA_INFO | XPV_NETTXF_MORE_DATA, 1, 1000);
	switch (shape) {
	case 9:
		slots[1] = extra(XPV_NETIF_EXTRA_TYPE_NONE, 0, 0, 0);
		break;
	case 10:
		slots[1] = extra(XPV_NETIF_EXTRA_TYPE_MAX, 0, 0, 0);
		break;
	case 11:
		slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV4, 0);
		break;
	case 12:
		slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, 0, 3, 1000);
		break;
	case 13:
		slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV6, 1000);
		break;
	case 14:		/* GSO twice */
		slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, XPV_NETIF_EXTRA_FLAG_MORE,
				 XPV_NETIF_GSO_TYPE_TCPV4, 1000);
		slots[2] = extra(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV4, 1000);
		slots[3] = data(101, 0, 0, 2, 100);
		return 4;
	case 16:		/* 60000 bytes cut every 47 */
	case 17:		/* 60000 bytes cut every byte */
		return gso_chain(shape == 16 ? 47 : 1);
	default:		/* five extras */
		for (i = 1; i <= 5; i++)
			slots[i] = extra((u8)(i % 4 + 1), i < 5 ? XPV_NETIF_EXTRA_FLAG_MORE : 0,
					 XPV_NETIF_GSO_TYPE_TCPV4, 1000);
		slots[6] = data(101, 0, 0, 2, 100);
		return 7;
	}
	slots[2] = data(101, 0, 0, 2, 100);
	return 3;
}

static const struct bad_chain bad_chains[] = {
	{ "19 data slots", 0, false, false, XPV_NETBACK_TX_BAD_NSLOTS, 19 },
	{ "two slots, sg not offered", 1, true, false, XPV_NETBACK_TX_BAD_NSLOTS, 2 },
	{ "others bigger than size", 2, false, false, XPV_NETBACK_TX_BAD_SIZE, 2 },
	{ "runt", 3, false, false, XPV_NETBACK_TX_BAD_SIZE, 1 },
	{ "first slot past its page", 4, false, false, XPV_NETBACK_TX_BAD_OFFSET, 1 },
	{ "offset past the page", 5, false, false, XPV_NETBACK_TX_BAD_OFFSET, 2 },
	{ "slot crosses its page", 6, false, false, XPV_NETBACK_TX_BAD_OFFSET, 2 },
	{ "reserved grant", 7, false, false, XPV_NETBACK_TX_BAD_GREF, 1 },
	{ "reserved grant later", 8, false, false, XPV_NETBACK_TX_BAD_GREF, 2 },
	{ "extra type none", 9, false, false, XPV_NETBACK_TX_BAD_EXTRA, 3 },
	{ "extra type unknown", 10, false, false, XPV_NETBACK_TX_BAD_EXTRA, 3 },
	{ "gso mss 0", 11, false, false, XPV_NETBACK_TX_BAD_GSO_SIZE, 3 },
	{ "gso type unknown", 12, false, false, XPV_NETBACK_TX_BAD_GSO, 3 },
	{ "gso not offered", 13, false, true, XPV_NETBACK_TX_BAD_GSO, 3 },
	{ "gso twice", 14, false, false, XPV_NETBACK_TX_BAD_EXTRA, 4 },
	{ "five extras", 15, false, false, XPV_NETBACK_TX_BAD_EXTRA, 7 },
	{ "gso mss one below the minimum", 16, false, false, XPV_NETBACK_TX_BAD_GSO_SIZE, 16 },
	{ "gso mss 1 on 60000 bytes", 17, false, false, XPV_NETBACK_TX_BAD_GSO_SIZE, 16 },
};

static void netif_back_test_tx_malformed(XT_CTX)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_chains); i++) {
		const struct bad_chain *t = &bad_chains[i];
		struct xpv_netback_tx_caps c = caps_all;
		u32 n;

		memset(slots, 0, sizeof(slots));
		n = build_bad(t->shape);
		slots[n] = data(200, 0, 0, 99, 60);	/* a good packet behind */
		c.sg = !t->no_sg;
		c.gso_tcpv6 = !t->no_gso;
		XT_EQ_ROW(parse(n + 1, &c), t->want, t->name);
		XT_EQ_ROW(pkt.nr_slots, t->want_slots, t->name);
	}
}

/* The smallest MSS passes on the largest chain; one less is dropped. */
static void netif_back_test_tx_gso_min_size(XT_CTX)
{
	gso_chain(XPV_NETBACK_GSO_MIN_SIZE);
	XT_EQ(parse(16, &caps_all), XPV_NETBACK_TX_OK);
	XT_EQ(pkt.len, 60000);
	XT_EQ(pkt.gso_size, XPV_NETBACK_GSO_MIN_SIZE);
	XT_TRUE((pkt.len + pkt.gso_size - 1) / pkt.gso_size <= XPV_NETBACK_GSO_MAX_SEGS);
	gso_chain(XPV_NETBACK_GSO_MIN_SIZE - 1);
	XT_EQ(parse(16, &caps_all), XPV_NETBACK_TX_BAD_GSO_SIZE);
	XT_EQ(pkt.nr_slots, 16);
}

static void netif_back_test_tx_response(XT_CTX)
{
	struct xpv_netif_tx_rsp rsp;

	slots[0] = data(100, 0, XPV_NETTXF_EXTRA_INFO | XPV_NETTXF_MORE_DATA, 11, 200);
	slots[1] = extra(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV4, 1000);
	slots[2] = data(101, 0, 0, 12, 100);
	XT_EQ(parse(3, &caps_all), XPV_NETBACK_TX_OK);
	xpv_netback_tx_response(slots, &pkt, 0, XPV_NETIF_RSP_OKAY, &rsp);
	XT_EQ(rsp.id, 11);
	XT_EQ(rsp.status, XPV_NETIF_RSP_OKAY);
	xpv_netback_tx_response(slots, &pkt, 1, XPV_NETIF_RSP_OKAY, &rsp);
	XT_EQ(rsp.status, XPV_NETIF_RSP_NULL);
	xpv_netback_tx_response(slots, &pkt, 2, XPV_NETIF_RSP_ERROR, &rsp);
	XT_EQ(rsp.id, 12);
	XT_EQ(rsp.status, XPV_NETIF_RSP_ERROR);
}

static void netif_back_test_verdict_names(XT_CTX)
{
	int i;

	for (i = 0; i < XPV_NETBACK_TX_NR_VERDICTS; i++)
		XT_TRUE(strcmp(xpv_netback_tx_verdict_name(i), "?"));
	XT_EQ(strcmp(xpv_netback_tx_verdict_name(XPV_NETBACK_TX_NR_VERDICTS), "?"), 0);
}

static void netif_back_test_rx_slots(XT_CTX)
{
	struct xpv_netback_rx_pkt p = { .len = 1 };

	XT_EQ(xpv_netback_rx_slots(&p), 1);
	p.len = 4096;
	XT_EQ(xpv_netback_rx_slots(&p), 1);
	p.len = 4097;
	XT_EQ(xpv_netback_rx_slots(&p), 2);
	p.len = 65535;
	XT_EQ(xpv_netback_rx_slots(&p), 16);
	p.gso_type = XPV_NETIF_GSO_TYPE_TCPV4;
	XT_EQ(xpv_netback_rx_slots(&p), 17);
	XT_TRUE(xpv_netback_rx_slots(&p) <= XPV_NETBACK_RX_MAX_SLOTS);
}

static void netif_back_test_rx_fill(XT_CTX)
{
	struct xpv_netback_rx_pkt p = {
		.len = 9000, .flags = XPV_NETRXF_CSUM_BLANK | XPV_NETRXF_DATA_VALIDATED,
		.gso_type = XPV_NETIF_GSO_TYPE_TCPV4, .gso_size = 1448,
	};
	struct xpv_netif_rx_req reqs[4] = { { 10, 0, 110 }, { 11, 0, 111 },
					     { 12, 0, 112 }, { 13, 0, 113 } };
	union xpv_netif_rx_slot rsps[4];
	struct xpv_netback_frag copies[4];
	u32 nc;

	XT_EQ(xpv_netback_rx_fill(&p, reqs, rsps, copies, &nc), 4);
	XT_EQ(nc, 3);
	XT_EQ(rsps[0].rsp.id, 10);
	XT_EQ(rsps[0].rsp.status, 4096);
	XT_EQ(rsps[0].rsp.offset, 0);
	XT_EQ(rsps[0].rsp.flags, XPV_NETRXF_CSUM_BLANK | XPV_NETRXF_DATA_VALIDATED |
	      XPV_NETRXF_EXTRA_INFO | XPV_NETRXF_MORE_DATA);
	XT_EQ(rsps[1].extra.type, XPV_NETIF_EXTRA_TYPE_GSO);
	XT_EQ(rsps[1].extra.flags, 0);
	XT_EQ(rsps[1].extra.u.gso.size, 1448);
	XT_EQ(rsps[1].extra.u.gso.type, XPV_NETIF_GSO_TYPE_TCPV4);
	XT_EQ(rsps[2].rsp.id, 12);
	XT_EQ(rsps[2].rsp.flags, XPV_NETRXF_MORE_DATA);
	XT_EQ(rsps[3].rsp.id, 13);
	XT_EQ(rsps[3].rsp.flags, 0);
	XT_EQ(rsps[3].rsp.status, 9000 - 8192);
	XT_EQ(copies[0].gref, 110);
	XT_EQ(copies[1].gref, 112);
	XT_EQ(copies[2].gref, 113);
	XT_EQ(copies[2].len, 808);
	p = (struct xpv_netback_rx_pkt){ .len = 60 };
	XT_EQ(xpv_netback_rx_fill(&p, reqs, rsps, copies, &nc), 1);
	XT_EQ(rsps[0].rsp.flags, 0);
	XT_EQ(rsps[0].rsp.status, 60);
}

static u8 frame[256];

/* Ethernet + IPv4 (ihl words) + proto header at the end; returns length. */
static u32 ipv4_frame(u8 proto, u8 ihl, u16 frag)
{
	u32 l4 = 14 + ihl * 4u;

	memset(frame, 0, sizeof(frame));
	frame[12] = 0x08;
	frame[14] = (u8)(0x40 | ihl);
	frame[14 + 6] = (u8)(frag >> 8);
	frame[14 + 7] = (u8)frag;
	frame[14 + 9] = proto;
	frame[l4 + 12] = 5 << 4;	/* TCP data offset: 20 bytes */
	return l4 + 20 + 10;
}

static u32 ipv6_frame(u8 nh, bool ext)
{
	u32 l4 = 14 + 40;

	memset(frame, 0, sizeof(frame));
	frame[12] = 0x86;
	frame[13] = 0xdd;
	frame[14] = 0x60;
	frame[14 + 6] = ext ? 0 : nh;	/* hop-by-hop first */
	if (ext) {
		frame[l4] = nh;
		frame[l4 + 1] = 0;	/* 8 bytes */
		l4 += 8;
	}
	frame[l4 + 12] = 8 << 4;	/* TCP with 12 bytes of options */
	return l4 + 32 + 100;
}

static void netif_back_test_l4_parse(XT_CTX)
{
	struct xpv_netback_l4 l4;
	u32 n;

	n = ipv4_frame(6, 5, 0x4000);		/* DF is fine */
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), 0);
	XT_EQ(l4.start, 34);
	XT_EQ(l4.csum_offset, 16);
	XT_EQ(l4.hdr_len, 54);
	XT_FALSE(l4.ipv6);
	n = ipv4_frame(17, 6, 0);
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), 0);
	XT_EQ(l4.start, 38);
	XT_EQ(l4.csum_offset, 6);
	XT_EQ(l4.proto, 17);
	n = ipv6_frame(6, true);
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), 0);
	XT_TRUE(l4.ipv6);
	XT_EQ(l4.start, 62);
	XT_EQ(l4.hdr_len, 62 + 32);
	n = ipv6_frame(17, false);
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), 0);
	XT_EQ(l4.start, 54);
	/* what cannot carry a blank checksum */
	n = ipv4_frame(6, 5, 0x2000);		/* MF */
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), -EPROTONOSUPPORT);
	n = ipv4_frame(1, 5, 0);		/* ICMP */
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), -EPROTONOSUPPORT);
	n = ipv6_frame(44, false);		/* fragment header */
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), -EPROTONOSUPPORT);
	n = ipv4_frame(6, 4, 0);		/* ihl < 5 */
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), -EINVAL);
	n = ipv4_frame(6, 5, 0);
	XT_EQ(xpv_netback_l4_parse(frame, 40, &l4), -EINVAL);	/* cut in TCP */
	XT_EQ(xpv_netback_l4_parse(frame, 13, &l4), -EINVAL);
	frame[12] = 0x08;
	frame[13] = 0x06;			/* ARP */
	XT_EQ(xpv_netback_l4_parse(frame, n, &l4), -EPROTONOSUPPORT);
}

/* One's complement sum of pseudo-header + segment must come out 0xffff. */
static void netif_back_test_csum_fill(XT_CTX)
{
	u32 n = ipv4_frame(17, 5, 0), i, sum = 0, udp_len;

	for (i = 42; i < n; i++)
		frame[i] = (u8)(i * 7);
	udp_len = n - 34;
	frame[14 + 12] = 10;			/* 10.0.0.1 -> 10.0.0.2 */
	frame[14 + 15] = 1;
	frame[14 + 16] = 10;
	frame[14 + 19] = 2;
	frame[38] = (u8)(udp_len >> 8);
	frame[39] = (u8)udp_len;
	/* the pseudo-header sum, as a sender offloading it leaves it */
	sum = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + udp_len;
	frame[40] = (u8)(sum >> 8);
	frame[41] = (u8)sum;
	xpv_netback_csum_fill(frame, n, 34, 6);
	sum = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + udp_len;
	for (i = 34; i + 1 < n; i += 2)
		sum += (u32)frame[i] << 8 | frame[i + 1];
	if (i < n)
		sum += (u32)frame[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	XT_EQ(sum, 0xffff);
	/* out of range: nothing written */
	frame[40] = frame[41] = 0x55;
	xpv_netback_csum_fill(frame, 41, 34, 6);
	XT_EQ(frame[40], 0x55);
}

XT_CASES(xpv_lib_netif_back) = {
	XT_CASE(netif_back_test_layout_matches_xen),
	XT_CASE(netif_back_test_tx_single),
	XT_CASE(netif_back_test_tx_multi),
	XT_CASE(netif_back_test_tx_gso),
	XT_CASE(netif_back_test_tx_incomplete),
	XT_CASE(netif_back_test_tx_malformed),
	XT_CASE(netif_back_test_tx_gso_min_size),
	XT_CASE(netif_back_test_tx_response),
	XT_CASE(netif_back_test_verdict_names),
	XT_CASE(netif_back_test_rx_slots),
	XT_CASE(netif_back_test_rx_fill),
	XT_CASE(netif_back_test_l4_parse),
	XT_CASE(netif_back_test_csum_fill),
	XT_END
};

XT_SUITE(xpv_lib_netif_back,
	 "KUnit tests for the xpv netif backend packet checks");
