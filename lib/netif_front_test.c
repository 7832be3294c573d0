// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of netif_front, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST)
 * and as a cmocka program (tests/unit). Well-formed TX answers and RX
 * chains of each shape are taken; then a named table of malicious
 * responses, each as a backend could write it, must each come back with
 * its own verdict, and never with a chain longer than the slots given.
 */
#include <xpv/netif_front.h>
#include <xpv/xtest.h>

static const struct xpv_netfront_rx_caps caps_all = {
	.sg = true, .gso_tcpv4 = true, .gso_tcpv6 = true,
};
static const struct xpv_netfront_rx_caps caps_none;

#define NSLOTS		64
#define ID_MASK		255
static union xpv_netif_rx_slot rsps[NSLOTS];
static struct xpv_netfront_rx_pkt pkt;

static union xpv_netif_rx_slot rsp(u16 id, u16 off, u16 flags, s16 status)
{
	union xpv_netif_rx_slot s;

	memset(&s, 0, sizeof(s));
	s.rsp = (struct xpv_netif_rx_rsp){ id, off, flags, status };
	return s;
}

static union xpv_netif_rx_slot gso(u8 type, u8 flags, u8 gso_type, u16 mss)
{
	union xpv_netif_rx_slot s;

	memset(&s, 0, sizeof(s));
	s.extra.type = type;
	s.extra.flags = flags;
	s.extra.u.gso.type = gso_type;
	s.extra.u.gso.size = mss;
	return s;
}

static enum xpv_netfront_verdict parse(u32 n, u16 first_id,
				       const struct xpv_netfront_rx_caps *c)
{
	return xpv_netfront_rx_parse(rsps, n, first_id, ID_MASK, c, &pkt);
}

static void netif_front_test_tx_check(XT_CTX)
{
	u8 busy[4] = { 0, 1, 0, 1 };
	struct xpv_netfront_tx_shadow sh = { busy, 4, 1 };
	struct xpv_netif_tx_rsp r = { 1, XPV_NETIF_RSP_OKAY };

	XT_EQ(xpv_netfront_tx_check(&r, &sh), XPV_NETFRONT_OK);
	r = (struct xpv_netif_tx_rsp){ 3, XPV_NETIF_RSP_ERROR };
	XT_EQ(xpv_netfront_tx_check(&r, &sh), XPV_NETFRONT_OK);
	r = (struct xpv_netif_tx_rsp){ 3, XPV_NETIF_RSP_DROPPED };
	XT_EQ(xpv_netfront_tx_check(&r, &sh), XPV_NETFRONT_OK);
	r = (struct xpv_netif_tx_rsp){ 0, XPV_NETIF_RSP_NULL };
	XT_EQ(xpv_netfront_tx_check(&r, &sh), XPV_NETFRONT_NULL);
	XT_EQ(sh.nulls_owed, 0);
}

struct bad_tx {
	const char *name;
	u16 id;
	s16 status;
	enum xpv_netfront_verdict want;
};

static void netif_front_test_tx_malicious(XT_CTX)
{
	static const struct bad_tx rows[] = {
		{ "id not in flight", 0, XPV_NETIF_RSP_OKAY, XPV_NETFRONT_BAD_ID },
		{ "id past the ring", 4, XPV_NETIF_RSP_OKAY, XPV_NETFRONT_BAD_ID },
		{ "id 0xffff", 0xffff, XPV_NETIF_RSP_ERROR, XPV_NETFRONT_BAD_ID },
		{ "status 2", 1, 2, XPV_NETFRONT_BAD_STATUS },
		{ "status -3", 1, -3, XPV_NETFRONT_BAD_STATUS },
		{ "status 1514", 1, 1514, XPV_NETFRONT_BAD_STATUS },
		{ "null owed to no extra", 1, XPV_NETIF_RSP_NULL, XPV_NETFRONT_BAD_NULL },
	};
	u8 busy[4] = { 0, 1, 0, 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct xpv_netfront_tx_shadow sh = { busy, 4, 0 };
		struct xpv_netif_tx_rsp r = { rows[i].id, rows[i].status };

		XT_EQ_ROW(xpv_netfront_tx_check(&r, &sh), rows[i].want, rows[i].name);
		XT_TRUE(xpv_netfront_fatal(rows[i].want));
	}
}

static void netif_front_test_rx_single(XT_CTX)
{
	rsps[0] = rsp(7, 0, XPV_NETRXF_CSUM_BLANK | XPV_NETRXF_DATA_VALIDATED, 1514);
	rsps[1] = rsp(8, 0, 0, 60);		/* the next packet */
	XT_EQ(parse(2, 7, &caps_none), XPV_NETFRONT_OK);
	XT_EQ(pkt.nr_slots, 1);
	XT_EQ(pkt.nr_frags, 1);
	XT_EQ(pkt.len, 1514);
	XT_TRUE(pkt.csum_blank);
	XT_TRUE(pkt.data_validated);
	XT_EQ(pkt.frags[0].pos, 0);
	XT_EQ(pkt.frags[0].len, 1514);
	XT_EQ(pkt.gso_type, XPV_NETIF_GSO_TYPE_NONE);
}

static void netif_front_test_rx_multi_wraps(XT_CTX)
{
	/* ids wrap with the ring: 254, 255, 0 */
	rsps[0] = rsp(254, 64, XPV_NETRXF_MORE_DATA, 4032);
	rsps[1] = rsp(255, 0, XPV_NETRXF_MORE_DATA, 4096);
	rsps[2] = rsp(0, 0, 0, 872);
	XT_EQ(parse(3, 254, &caps_all), XPV_NETFRONT_OK);
	XT_EQ(pkt.nr_slots, 3);
	XT_EQ(pkt.nr_frags, 3);
	XT_EQ(pkt.len, 9000);
	XT_EQ(pkt.frags[0].offset, 64);
	XT_EQ(pkt.frags[2].pos, 2);
	XT_EQ(pkt.frags[2].len, 872);
}

static void netif_front_test_rx_gso(XT_CTX)
{
	rsps[0] = rsp(10, 0, XPV_NETRXF_EXTRA_INFO | XPV_NETRXF_MORE_DATA |
		      XPV_NETRXF_CSUM_BLANK, 4096);
	rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV6, 1440);
	rsps[2] = rsp(12, 0, 0, 808);
	XT_EQ(parse(3, 10, &caps_all), XPV_NETFRONT_OK);
	XT_EQ(pkt.nr_slots, 3);
	XT_EQ(pkt.nr_frags, 2);
	XT_EQ(pkt.len, 4904);
	XT_EQ(pkt.frags[1].pos, 2);
	XT_EQ(pkt.gso_type, XPV_NETIF_GSO_TYPE_TCPV6);
	XT_EQ(pkt.gso_size, 1440);
}

static void netif_front_test_rx_largest(XT_CTX)
{
	unsigned int i;

	/* 18 data slots and a GSO extra: the most a packet may take */
	rsps[0] = rsp(0, 0, XPV_NETRXF_EXTRA_INFO | XPV_NETRXF_MORE_DATA, 100);
	rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV4, 1448);
	for (i = 2; i < XPV_NETFRONT_RX_MAX_SLOTS; i++)
		rsps[i] = rsp((u16)i, 0, i + 1 < XPV_NETFRONT_RX_MAX_SLOTS ?
			      XPV_NETRXF_MORE_DATA : 0, 3000);
	XT_EQ(parse(XPV_NETFRONT_RX_MAX_SLOTS, 0, &caps_all), XPV_NETFRONT_OK);
	XT_EQ(pkt.nr_slots, XPV_NETFRONT_RX_MAX_SLOTS);
	XT_EQ(pkt.nr_frags, XPV_NETFRONT_MAX_FRAGS);
	XT_EQ(pkt.len, 100 + 17 * 3000);
}

static void netif_front_test_rx_incomplete(XT_CTX)
{
	XT_EQ(parse(0, 0, &caps_all), XPV_NETFRONT_INCOMPLETE);
	rsps[0] = rsp(0, 0, XPV_NETRXF_MORE_DATA, 4096);
	rsps[1] = rsp(1, 0, XPV_NETRXF_MORE_DATA, 4096);
	XT_EQ(parse(2, 0, &caps_all), XPV_NETFRONT_INCOMPLETE);
	XT_EQ(pkt.nr_slots, 0);
	rsps[0] = rsp(0, 0, XPV_NETRXF_EXTRA_INFO, 4096);
	XT_EQ(parse(1, 0, &caps_all), XPV_NETFRONT_INCOMPLETE);
}

static void netif_front_test_rx_drop(XT_CTX)
{
	/* an error in the middle: the whole chain is consumed, then dropped */
	rsps[0] = rsp(3, 0, XPV_NETRXF_MORE_DATA, 4096);
	rsps[1] = rsp(4, 0, XPV_NETRXF_MORE_DATA, XPV_NETIF_RSP_ERROR);
	rsps[2] = rsp(5, 0, 0, 100);
	XT_EQ(parse(3, 3, &caps_all), XPV_NETFRONT_DROP);
	XT_EQ(pkt.nr_slots, 3);
	rsps[0] = rsp(3, 0, 0, XPV_NETIF_RSP_DROPPED);
	XT_EQ(parse(1, 3, &caps_all), XPV_NETFRONT_DROP);
	XT_EQ(pkt.nr_slots, 1);
	rsps[0] = rsp(3, 0, 0, 13);		/* a runt */
	XT_EQ(parse(1, 3, &caps_all), XPV_NETFRONT_DROP);
	XT_EQ(pkt.nr_slots, 1);
	rsps[0] = rsp(3, 0, 0, 0);
	XT_EQ(parse(1, 3, &caps_all), XPV_NETFRONT_DROP);
}

struct bad_rx {
	const char *name;
	int shape;		/* which chain to build, see build_bad() */
	bool no_sg, no_gso;
	enum xpv_netfront_verdict want;
};

/* Chains of data slots, each @flags but the last, of @len bytes. */
static u32 chain(u32 n, u16 flags, s16 len)
{
	u32 i;

	for (i = 0; i < n; i++)
		rsps[i] = rsp((u16)i, 0, i + 1 < n ? flags : 0, len);
	return n;
}

/* A few chain shapes as a backend could write them, each wrong once. */
static u32 build_bad(int shape)
{
	switch (shape) {
	case 0:			/* the id of another slot */
		rsps[0] = rsp(1, 0, 0, 100);
		return 1;
	case 1:			/* a wrong id in the middle of a chain */
		chain(3, XPV_NETRXF_MORE_DATA, 1000);
		rsps[1].rsp.id = 7;
		return 3;
	case 2:			/* a status below the errors */
		rsps[0] = rsp(0, 0, 0, -3);
		return 1;
	case 3:			/* a status of more than a page */
		rsps[0] = rsp(0, 0, 0, 4097);
		return 1;
	case 4:			/* bytes across the end of the page */
		rsps[0] = rsp(0, 4000, 0, 100);
		return 1;
	case 5:			/* an offset past the page */
		rsps[0] = rsp(0, 0xffff, 0, 0);
		return 1;
	case 6:			/* 19 data slots */
		return chain(19, XPV_NETRXF_MORE_DATA, 100);
	case 7:			/* 64 error slots: never a verdict without a bound */
		return chain(64, XPV_NETRXF_MORE_DATA, XPV_NETIF_RSP_ERROR);
	case 8:			/* two data slots, sg not advertised */
		return chain(2, XPV_NETRXF_MORE_DATA, 100);
	default:
		break;
	}
	rsps[0] = rsp(0, 0, XPV_NETRXF_EXTRA_INFO, 1000);
	switch (shape) {
	case 9:			/* an extra of no type */
		rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_NONE, 0, 0, 0);
		break;
	case 10:		/* an extra of an unknown type */
		rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_MAX, 0, 0, 0);
		break;
	case 11:		/* multicast, which only a frontend sends */
		rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_MCAST_ADD, 0, 0, 0);
		break;
	case 12:		/* GSO twice */
		rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_GSO, XPV_NETIF_EXTRA_FLAG_MORE,
			      XPV_NETIF_GSO_TYPE_TCPV4, 1000);
		rsps[2] = gso(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV4, 1000);
		return 3;
	case 13:		/* MSS 0 */
		rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV4, 0);
		break;
	case 14:		/* an unknown GSO type */
		rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_GSO, 0, 3, 1000);
		break;
	default:		/* GSO we did not advertise */
		rsps[1] = gso(XPV_NETIF_EXTRA_TYPE_GSO, 0, XPV_NETIF_GSO_TYPE_TCPV6, 1000);
		break;
	}
	return 2;
}

static void netif_front_test_rx_malicious(XT_CTX)
{
	static const struct bad_rx rows[] = {
		{ "id of another slot", 0, false, false, XPV_NETFRONT_BAD_ID },
		{ "wrong id mid-chain", 1, false, false, XPV_NETFRONT_BAD_ID },
		{ "status -3", 2, false, false, XPV_NETFRONT_BAD_STATUS },
		{ "status 4097", 3, false, false, XPV_NETFRONT_BAD_OFFSET },
		{ "bytes across the page end", 4, false, false, XPV_NETFRONT_BAD_OFFSET },
		{ "offset past the page", 5, false, false, XPV_NETFRONT_BAD_OFFSET },
		{ "19 data slots", 6, false, false, XPV_NETFRONT_BAD_NSLOTS },
		{ "64 error slots", 7, false, false, XPV_NETFRONT_BAD_NSLOTS },
		{ "sg not advertised", 8, true, false, XPV_NETFRONT_BAD_NSLOTS },
		{ "extra of no type", 9, false, false, XPV_NETFRONT_BAD_EXTRA },
		{ "extra of unknown type", 10, false, false, XPV_NETFRONT_BAD_EXTRA },
		{ "multicast extra", 11, false, false, XPV_NETFRONT_BAD_EXTRA },
		{ "GSO twice", 12, false, false, XPV_NETFRONT_BAD_EXTRA },
		{ "MSS 0", 13, false, false, XPV_NETFRONT_BAD_GSO },
		{ "unknown GSO type", 14, false, false, XPV_NETFRONT_BAD_GSO },
		{ "GSO not advertised", 15, false, true, XPV_NETFRONT_BAD_GSO },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct xpv_netfront_rx_caps c = {
			.sg = !rows[i].no_sg,
			.gso_tcpv4 = !rows[i].no_gso,
			.gso_tcpv6 = false,
		};
		u32 n = build_bad(rows[i].shape);

		XT_EQ_ROW(parse(n, 0, &c), rows[i].want, rows[i].name);
		XT_EQ_ROW(pkt.nr_slots, 0, rows[i].name);
		XT_TRUE(xpv_netfront_fatal(rows[i].want));
	}
}

static void netif_front_test_verdict_names(XT_CTX)
{
	unsigned int v;

	for (v = 0; v < XPV_NETFRONT_NR_VERDICTS; v++)
		XT_NOT_NULL(xpv_netfront_verdict_name(v));
	XT_EQ(xpv_netfront_verdict_name(XPV_NETFRONT_NR_VERDICTS)[0], '?');
}

XT_CASES(xpv_lib_netif_front) = {
	XT_CASE(netif_front_test_tx_check),
	XT_CASE(netif_front_test_tx_malicious),
	XT_CASE(netif_front_test_rx_single),
	XT_CASE(netif_front_test_rx_multi_wraps),
	XT_CASE(netif_front_test_rx_gso),
	XT_CASE(netif_front_test_rx_largest),
	XT_CASE(netif_front_test_rx_incomplete),
	XT_CASE(netif_front_test_rx_drop),
	XT_CASE(netif_front_test_rx_malicious),
	XT_CASE(netif_front_test_verdict_names),
	XT_END
};

XT_SUITE(xpv_lib_netif_front,
	 "KUnit tests for the xpv netif frontend response checks");
