// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of xs_wire, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST) and
 * as a cmocka program (tests/unit): requests byte by byte, both rings
 * across their wrap and with indices a peer made up, messages reassembled
 * from pieces, and the replies a guest must read (errors, listings, watch
 * events). The layouts are checked against Xen's own header.
 */
#include <xpv/xs_wire.h>
#include <xpv/xtest.h>

#ifdef __KERNEL__
#include <linux/module.h>
#include <linux/stddef.h>
#include <xen/interface/io/xs_wire.h>
#else
#include <stdlib.h>
#include <xen/io/xs_wire.h>
#endif

static struct xpv_xs_ring ring;
static struct xpv_xs_msg msg;
static struct xpv_xs_rx rx;

/* What xenstored does: produce @len bytes into the response ring. */
static void peer_reply(const void *data, u32 len)
{
	const char *s = data;
	u32 i;

	for (i = 0; i < len; i++)
		ring.rsp[(ring.rsp_prod + i) % XPV_XS_RING_SIZE] = s[i];
	ring.rsp_prod += len;
}

static void reset(void)
{
	memset(&ring, 0, sizeof(ring));
	memset(&rx, 0, sizeof(rx));
}

static void xs_wire_test_layout(XT_CTX)
{
	XT_EQ(sizeof(struct xpv_xs_hdr), sizeof(struct xsd_sockmsg));
	XT_EQ(offsetof(struct xpv_xs_hdr, len), offsetof(struct xsd_sockmsg, len));
	XT_EQ(sizeof(struct xpv_xs_ring), sizeof(struct xenstore_domain_interface));
	XT_EQ(offsetof(struct xpv_xs_ring, rsp_prod),
	      offsetof(struct xenstore_domain_interface, rsp_prod));
	XT_EQ(offsetof(struct xpv_xs_ring, error),
	      offsetof(struct xenstore_domain_interface, error));
	XT_EQ(XPV_XS_RING_SIZE, XENSTORE_RING_SIZE);
	XT_EQ(XPV_XS_PAYLOAD_MAX, XENSTORE_PAYLOAD_MAX);
	XT_EQ(XPV_XS_READ, XS_READ);
	XT_EQ(XPV_XS_WATCH_EVENT, XS_WATCH_EVENT);
	XT_EQ(XPV_XS_ERROR, XS_ERROR);
	XT_EQ(XPV_XS_RESET_WATCHES, XS_RESET_WATCHES);
	XT_EQ(XPV_XS_TRANSACTION_END, XS_TRANSACTION_END);
}

static void xs_wire_test_build(XT_CTX)
{
	static const char *const read[] = { "device/vbd" };
	static const char *const watch[] = { "backend/vbd", "tok" };
	int n;

	n = xpv_xs_build(&msg, XPV_XS_READ, 7, 3, read, 1);
	XT_EQ(n, 16 + 11);
	XT_EQ(msg.hdr.type, XPV_XS_READ);
	XT_EQ(msg.hdr.req_id, 7);
	XT_EQ(msg.hdr.tx_id, 3);
	XT_EQ(msg.hdr.len, 11);
	XT_MEM_EQ(msg.body, "device/vbd", 11);	/* with its NUL */

	n = xpv_xs_build(&msg, XPV_XS_WATCH, 1, 0, watch, 2);
	XT_EQ(msg.hdr.len, 12 + 4);
	XT_MEM_EQ(msg.body, "backend/vbd\0tok", 16);

	n = xpv_xs_build_write(&msg, 2, 0, "state", "4", 1);
	XT_EQ(n, 16 + 7);
	XT_EQ(msg.hdr.type, XPV_XS_WRITE);
	XT_MEM_EQ(msg.body, "state\0" "4", 7);	/* no NUL after the value */
}

static void xs_wire_test_build_too_big(XT_CTX)
{
	static char big[XPV_XS_PAYLOAD_MAX + 1];
	static const char *const s[] = { big };

	memset(big, 'a', XPV_XS_PAYLOAD_MAX - 1);	/* + NUL = exactly the max */
	XT_EQ(xpv_xs_build(&msg, XPV_XS_READ, 0, 0, s, 1), 16 + XPV_XS_PAYLOAD_MAX);
	big[XPV_XS_PAYLOAD_MAX - 1] = 'a';		/* one more */
	XT_EQ(xpv_xs_build(&msg, XPV_XS_READ, 0, 0, s, 1), -E2BIG);
	big[10] = '\0';
	XT_EQ(xpv_xs_build_write(&msg, 0, 0, big, big, XPV_XS_PAYLOAD_MAX - 11), 16 + XPV_XS_PAYLOAD_MAX);
	XT_EQ(xpv_xs_build_write(&msg, 0, 0, big, big, XPV_XS_PAYLOAD_MAX - 10), -E2BIG);
}

static void xs_wire_test_put_wraps(XT_CTX)
{
	char data[40];
	unsigned int i;

	reset();
	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)i;
	ring.req_cons = ring.req_prod = 0xfffffff0u - 4;	/* near u32 and ring wrap */
	XT_EQ(xpv_xs_ring_put(&ring, data, sizeof(data)), 40);
	XT_EQ(ring.req_prod, 0xfffffff0u - 4 + 40);
	for (i = 0; i < sizeof(data); i++)
		XT_EQ(ring.req[(0xfffffff0u - 4 + i) % XPV_XS_RING_SIZE], (char)i);
}

static void xs_wire_test_put_full(XT_CTX)
{
	static char data[XPV_XS_RING_SIZE + 10];

	reset();
	ring.req_cons = 100;
	ring.req_prod = 100 + XPV_XS_RING_SIZE - 6;
	XT_EQ(xpv_xs_ring_put(&ring, data, 10), 6);	/* only what fits */
	XT_EQ(xpv_xs_ring_put(&ring, data, 10), 0);
	XT_EQ(ring.req_prod - ring.req_cons, XPV_XS_RING_SIZE);
}

static void xs_wire_test_bad_indices(XT_CTX)
{
	char buf[8] = "abc";
	u32 prod;

	reset();
	ring.req_cons = 5000;		/* xenstored "consumed" what we never wrote */
	ring.req_prod = 10;
	XT_EQ(xpv_xs_ring_put(&ring, buf, 3), -EIO);
	XT_EQ(ring.req_prod, 10);

	reset();
	ring.rsp_prod = XPV_XS_RING_SIZE + 1;	/* more than a ring of replies */
	XT_EQ(xpv_xs_ring_get(&ring, buf, sizeof(buf)), -EIO);
	XT_EQ(ring.rsp_cons, 0);
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), -EIO);

	reset();
	prod = XPV_XS_RING_SIZE;		/* exactly a full ring is fine */
	ring.rsp_prod = prod;
	XT_EQ(xpv_xs_ring_get(&ring, buf, sizeof(buf)), sizeof(buf));
}

static void reply(u32 type, u32 req_id, const void *body, u32 len)
{
	struct xpv_xs_hdr h = { .type = type, .req_id = req_id, .len = len };

	peer_reply(&h, sizeof(h));
	peer_reply(body, len);
}

static void xs_wire_test_rx_pieces(XT_CTX)
{
	struct xpv_xs_hdr h = { .type = XPV_XS_READ, .req_id = 9, .len = 5 };

	reset();
	ring.rsp_cons = ring.rsp_prod = XPV_XS_RING_SIZE - 7;	/* header wraps */
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 0);			/* nothing yet */
	peer_reply(&h, 10);
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 0);			/* part of the header */
	peer_reply((char *)&h + 10, 6);
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 0);			/* header, no body */
	peer_reply("ab", 2);
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 0);
	peer_reply("cd", 3);
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 1);
	XT_EQ(rx.hdr.req_id, 9);
	XT_EQ(rx.hdr.len, 5);
	XT_MEM_EQ(rx.body, "abcd", 5);
	XT_EQ(ring.rsp_cons, ring.rsp_prod);
}

static void xs_wire_test_rx_two_messages(XT_CTX)
{
	reset();
	reply(XPV_XS_WATCH_EVENT, 0, "device/vif\0tok\0", 15);
	reply(XPV_XS_WRITE, 4, "OK", 3);
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 1);
	XT_EQ(rx.hdr.type, XPV_XS_WATCH_EVENT);
	rx.have = 0;
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 1);
	XT_EQ(rx.hdr.type, XPV_XS_WRITE);
	XT_EQ(rx.hdr.req_id, 4);
	rx.have = 0;
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 0);
}

static void xs_wire_test_rx_too_long(XT_CTX)
{
	struct xpv_xs_hdr h = { .type = XPV_XS_READ, .len = XPV_XS_PAYLOAD_MAX + 1 };

	reset();
	peer_reply(&h, sizeof(h));
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), -EPROTO);

	reset();
	h.len = XPV_XS_PAYLOAD_MAX;	/* the maximum itself is fine */
	peer_reply(&h, sizeof(h));
	XT_EQ(xpv_xs_rx_feed(&rx, &ring), 0);
}

static void xs_wire_test_errors(XT_CTX)
{
	XT_EQ(xpv_xs_error("ENOENT", 7), -ENOENT);
	XT_EQ(xpv_xs_error("ENOENT", 6), -ENOENT);
	XT_EQ(xpv_xs_error("EACCES", 7), -EACCES);
	XT_EQ(xpv_xs_error("EAGAIN", 7), -EAGAIN);
	XT_EQ(xpv_xs_error("ENOEN", 6), -EIO);
	XT_EQ(xpv_xs_error("ENOENTX", 8), -EIO);
	XT_EQ(xpv_xs_error("", 0), -EIO);
}

/* Replies a xenstored may send to a request; each row wrong for one reason. */
static void xs_wire_test_reply_check(XT_CTX)
{
	static const struct {
		const char *name;
		u32 sent, type, len;
		const char *body;
		int want;
	} rows[] = {
		{ "read answered", XPV_XS_READ, XPV_XS_READ, 2, "v", 0 },
		{ "empty value", XPV_XS_READ, XPV_XS_READ, 0, "", 0 },
		{ "write acked", XPV_XS_WRITE, XPV_XS_WRITE, 3, "OK", 0 },
		{ "error named", XPV_XS_READ, XPV_XS_ERROR, 7, "ENOENT", -ENOENT },
		{ "error unknown", XPV_XS_READ, XPV_XS_ERROR, 6, "EWHAT", -EIO },
		{ "error empty", XPV_XS_WRITE, XPV_XS_ERROR, 0, "", -EIO },
		{ "other type", XPV_XS_READ, XPV_XS_WRITE, 3, "OK", -EPROTO },
		{ "event as reply", XPV_XS_READ, XPV_XS_WATCH_EVENT, 4, "a\0t", -EPROTO },
		{ "unknown type", XPV_XS_MKDIR, 99, 3, "OK", -EPROTO },
		{ "listing", XPV_XS_DIRECTORY, XPV_XS_DIRECTORY, 4, "a\0b", 0 },
		{ "empty listing", XPV_XS_DIRECTORY, XPV_XS_DIRECTORY, 0, "", 0 },
		{ "listing unended", XPV_XS_DIRECTORY, XPV_XS_DIRECTORY, 3, "a\0b", -EPROTO },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct xpv_xs_hdr h = { .type = rows[i].type, .len = rows[i].len };

		XT_EQ_ROW(xpv_xs_reply_check(rows[i].sent, &h, rows[i].body),
			  rows[i].want, rows[i].name);
	}
}

static void xs_wire_test_split(XT_CTX)
{
	const char *s[3];

	XT_EQ(xpv_xs_split("0\0" "51712\0" "768\0", 12, s, 3), 3);
	XT_EQ(strcmp(s[0], "0"), 0);
	XT_EQ(strcmp(s[1], "51712"), 0);
	XT_EQ(strcmp(s[2], "768"), 0);
	XT_EQ(xpv_xs_split("a\0b\0c\0d\0", 8, s, 3), -EPROTO);	/* too many */
	XT_EQ(xpv_xs_split("a\0b", 3, s, 3), -EPROTO);		/* no final NUL */
	XT_EQ(xpv_xs_split("", 0, s, 3), 0);			/* empty directory */
	XT_EQ(xpv_xs_split("\0", 1, s, 3), 1);
	XT_EQ(strcmp(s[0], ""), 0);
}

static void xs_wire_test_watch_event(XT_CTX)
{
	const char *path, *token;

	XT_EQ(xpv_xs_watch_event("backend/vbd/1\0w7\0", 17, &path, &token), 0);
	XT_EQ(strcmp(path, "backend/vbd/1"), 0);
	XT_EQ(strcmp(token, "w7"), 0);
	XT_EQ(xpv_xs_watch_event("backend/vbd/1\0", 14, &path, &token), -EPROTO);
	XT_EQ(xpv_xs_watch_event("a\0b\0c\0", 6, &path, &token), -EPROTO);
	XT_EQ(xpv_xs_watch_event("a\0b", 3, &path, &token), -EPROTO);
}

static void xs_wire_test_paths(XT_CTX)
{
	static const struct {
		const char *path;
		bool ok;
	} rows[] = {
		{ "device/vbd/51712/state", true },
		{ "/local/domain/0/backend/vif/1/0", true },
		{ "@introduceDomain", true },
		{ "/", true },
		{ "", false },
		{ "device//vbd", false },
		{ "device/vbd/", false },
		{ "device/v bd", false },
		{ "device/vbd\n", false },
		{ "device/../x", false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		XT_EQ_ROW(xpv_xs_path_ok(rows[i].path), rows[i].ok, rows[i].path);
}

static void xs_wire_test_path_length(XT_CTX)
{
	static char p[XPV_XS_ABS_PATH_MAX + 2];

	memset(p, 'a', sizeof(p) - 1);
	p[0] = '/';
	p[XPV_XS_ABS_PATH_MAX] = '\0';
	XT_TRUE(xpv_xs_path_ok(p));
	p[XPV_XS_ABS_PATH_MAX] = 'a';
	XT_FALSE(xpv_xs_path_ok(p));
	p[0] = 'a';
	p[XPV_XS_REL_PATH_MAX] = '\0';
	XT_TRUE(xpv_xs_path_ok(p));
	p[XPV_XS_REL_PATH_MAX] = 'a';
	p[XPV_XS_REL_PATH_MAX + 1] = '\0';
	XT_FALSE(xpv_xs_path_ok(p));
}

XT_CASES(xpv_lib_xs_wire) = {
	XT_CASE(xs_wire_test_layout),
	XT_CASE(xs_wire_test_build),
	XT_CASE(xs_wire_test_build_too_big),
	XT_CASE(xs_wire_test_put_wraps),
	XT_CASE(xs_wire_test_put_full),
	XT_CASE(xs_wire_test_bad_indices),
	XT_CASE(xs_wire_test_rx_pieces),
	XT_CASE(xs_wire_test_rx_two_messages),
	XT_CASE(xs_wire_test_rx_too_long),
	XT_CASE(xs_wire_test_errors),
	XT_CASE(xs_wire_test_reply_check),
	XT_CASE(xs_wire_test_split),
	XT_CASE(xs_wire_test_watch_event),
	XT_CASE(xs_wire_test_paths),
	XT_CASE(xs_wire_test_path_length),
	XT_END
};

XT_SUITE(xpv_lib_xs_wire, "KUnit tests for the xpv xenstore wire protocol");
