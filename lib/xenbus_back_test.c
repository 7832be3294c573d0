// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Tests of xenbus_back, built as a KUnit suite (CONFIG_XPV_LIB_KUNIT_TEST)
 * and as a cmocka program (tests/unit): a table of transitions, row by
 * row, then whole conversations with a frontend played step by step the
 * way Linux's blkfront and libxl drive them.
 */
#include <xpv/xenbus_back.h>
#include <xpv/xtest.h>


#define B(x)	XPV_XB_##x
#define A(x)	XPV_XB_##x

struct transition {
	const char *name;
	enum xpv_xb_state back, front;
	bool online, failed;
	enum xpv_xb_action action;
	enum xpv_xb_state next;
};

static const struct transition transitions[] = {
	{ "probed, frontend still initialising", B(INITWAIT), B(INITIALISING),
	  true, false, A(NOTHING), B(INITWAIT) },
	{ "frontend published its rings", B(INITWAIT), B(INITIALISED),
	  true, false, A(CONNECT), B(CONNECTED) },
	{ "frontend connected before we came (restart)", B(INITWAIT), B(CONNECTED),
	  true, false, A(CONNECT), B(CONNECTED) },
	{ "repeated watch while connected", B(CONNECTED), B(CONNECTED),
	  true, false, A(RECHECK), B(CONNECTED) },
	{ "frontend re-published rings while we were connected", B(CONNECTED),
	  B(INITIALISED), true, false, A(RECHECK), B(CONNECTED) },
	{ "frontend starts over", B(CONNECTED), B(INITIALISING),
	  true, false, A(DISCONNECT), B(INITWAIT) },
	{ "frontend starts over after closing", B(CLOSED), B(INITIALISING),
	  true, false, A(DISCONNECT), B(INITWAIT) },
	{ "frontend reconnects after closing, we missed Initialising", B(CLOSED),
	  B(INITIALISED), true, false, A(CONNECT), B(CONNECTED) },
	{ "frontend closing", B(CONNECTED), B(CLOSING),
	  true, false, A(DISCONNECT), B(CLOSING) },
	{ "Closed -> Closing when the frontend closes again", B(CLOSED), B(CLOSING),
	  true, false, A(DISCONNECT), B(CLOSING) },
	{ "Closing -> Closed when the frontend closed", B(CLOSING), B(CLOSED),
	  true, false, A(DISCONNECT), B(CLOSED) },
	{ "frontend closed without closing first", B(CONNECTED), B(CLOSED),
	  true, false, A(DISCONNECT), B(CLOSED) },
	{ "frontend gone, device still online", B(CONNECTED), B(UNKNOWN),
	  true, false, A(DISCONNECT), B(CLOSED) },
	{ "toolstack asks removal, frontend still connected", B(CLOSING),
	  B(CONNECTED), false, false, A(NOTHING), B(CLOSING) },
	{ "toolstack asks removal, frontend closed", B(CLOSING), B(CLOSED),
	  false, false, A(REMOVE), B(CLOSED) },
	{ "guest destroyed: frontend nodes gone", B(CONNECTED), B(UNKNOWN),
	  false, false, A(REMOVE), B(CLOSED) },
	{ "offline: no reconnect", B(INITWAIT), B(INITIALISED),
	  false, false, A(NOTHING), B(INITWAIT) },
	{ "offline: no start over", B(CLOSED), B(INITIALISING),
	  false, false, A(NOTHING), B(CLOSED) },
	{ "connect failed: we are closing, frontend waits", B(CLOSING),
	  B(INITIALISED), true, false, A(NOTHING), B(CLOSING) },
	{ "failed device never connects", B(INITWAIT), B(INITIALISED),
	  true, true, A(NOTHING), B(INITWAIT) },
	{ "failed device never restarts", B(CLOSED), B(INITIALISING),
	  true, true, A(NOTHING), B(CLOSED) },
	{ "failed device still closes", B(CLOSING), B(CLOSED),
	  true, true, A(DISCONNECT), B(CLOSED) },
	{ "failed device still goes away", B(CLOSING), B(CLOSED),
	  false, true, A(REMOVE), B(CLOSED) },
	{ "frontend reconfiguring: not supported, ignored", B(CONNECTED),
	  B(RECONFIGURING), true, false, A(NOTHING), B(CONNECTED) },
	{ "our node garbage, frontend closed", (enum xpv_xb_state)42, B(CLOSED),
	  true, false, A(DISCONNECT), B(CLOSED) },
	{ "frontend node garbage is Unknown", B(CONNECTED), (enum xpv_xb_state)-1,
	  false, false, A(REMOVE), B(CLOSED) },
	{ "our node garbage, nothing to do", (enum xpv_xb_state)9, B(INITWAIT),
	  true, false, A(NOTHING), B(UNKNOWN) },
};

static void xenbus_back_test_transitions(XT_CTX)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(transitions); i++) {
		const struct transition *t = &transitions[i];
		struct xpv_xb_input in = { t->back, t->front, t->online, t->failed };
		struct xpv_xb_step s = xpv_xb_next(&in);

		XT_EQ_ROW(s.action, t->action, t->name);
		XT_EQ_ROW(s.next, t->next, t->name);
	}
}

/* Every combination gives a defined answer that never connects offline. */
static void xenbus_back_test_total(XT_CTX)
{
	struct xpv_xb_input in;
	struct xpv_xb_step s;
	int b, f, flags;

	for (b = 0; b < XPV_XB_NR_STATES; b++)
		for (f = 0; f < XPV_XB_NR_STATES; f++)
			for (flags = 0; flags < 4; flags++) {
				in.back = b;
				in.front = f;
				in.online = flags & 1;
				in.failed = flags & 2;
				s = xpv_xb_next(&in);
				XT_TRUE(s.next < XPV_XB_NR_STATES);
				if (!in.online || in.failed)
					XT_TRUE(s.action != XPV_XB_CONNECT &&
						s.action != XPV_XB_RECHECK);
				if (s.action == XPV_XB_REMOVE)
					XT_EQ(s.next, XPV_XB_CLOSED);
			}
}

/* Play a conversation; each step feeds our last written state back. */
struct beat {
	enum xpv_xb_state front;
	bool online;
	enum xpv_xb_action action;
	enum xpv_xb_state back_after;
};

static void play(XT_CTX, const struct beat *beats, size_t n)
{
	struct xpv_xb_input in = { XPV_XB_INITWAIT, XPV_XB_INITIALISING, true, false };
	size_t i;

	for (i = 0; i < n; i++) {
		struct xpv_xb_step s;

		in.front = beats[i].front;
		in.online = beats[i].online;
		s = xpv_xb_next(&in);
		XT_EQ(s.action, beats[i].action);
		XT_EQ(s.next, beats[i].back_after);
		in.back = s.next;
	}
}

static void xenbus_back_test_linux_blkfront_lifecycle(XT_CTX)
{
	static const struct beat beats[] = {
		{ B(INITIALISING), true, A(NOTHING), B(INITWAIT) },
		{ B(INITIALISED), true, A(CONNECT), B(CONNECTED) },
		{ B(CONNECTED), true, A(RECHECK), B(CONNECTED) },
		/* guest reboots: blkfront closes, then probes again */
		{ B(CLOSING), true, A(DISCONNECT), B(CLOSING) },
		{ B(CLOSED), true, A(DISCONNECT), B(CLOSED) },
		{ B(INITIALISING), true, A(DISCONNECT), B(INITWAIT) },
		{ B(INITIALISED), true, A(CONNECT), B(CONNECTED) },
		/* xl shutdown: libxl sets online = 0, blkfront closes */
		{ B(CONNECTED), false, A(NOTHING), B(CONNECTED) },
		{ B(CLOSING), false, A(DISCONNECT), B(CLOSING) },
		{ B(CLOSED), false, A(REMOVE), B(CLOSED) },
	};

	play(XT_ARG, beats, ARRAY_SIZE(beats));
}

static void xenbus_back_test_watch_coalesced(XT_CTX)
{
	/* We see Connected, then Initialised-after-restart: no state lost. */
	static const struct beat beats[] = {
		{ B(CONNECTED), true, A(CONNECT), B(CONNECTED) },
		{ B(INITIALISED), true, A(RECHECK), B(CONNECTED) },
		{ B(CLOSED), true, A(DISCONNECT), B(CLOSED) },
		{ B(CONNECTED), true, A(CONNECT), B(CONNECTED) },
	};

	play(XT_ARG, beats, ARRAY_SIZE(beats));
}

struct parse_row {
	const char *text;
	enum xpv_xb_state want;
};

static void xenbus_back_test_parse_state(XT_CTX)
{
	static const struct parse_row rows[] = {
		{ "0", B(UNKNOWN) }, { "1", B(INITIALISING) }, { "4", B(CONNECTED) },
		{ "6", B(CLOSED) }, { "8", B(RECONFIGURED) }, { "9", B(UNKNOWN) },
		{ "", B(UNKNOWN) }, { "44", B(UNKNOWN) }, { "-1", B(UNKNOWN) },
		{ "4\n", B(UNKNOWN) }, { " 4", B(UNKNOWN) }, { "x", B(UNKNOWN) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		XT_EQ_ROW(xpv_xb_parse_state(rows[i].text), rows[i].want, rows[i].text);
	XT_EQ(xpv_xb_parse_state(NULL), B(UNKNOWN));
}

static void xenbus_back_test_state_names(XT_CTX)
{
	XT_EQ(strcmp(xpv_xb_state_name(B(INITWAIT)), "InitWait"), 0);
	XT_EQ(strcmp(xpv_xb_state_name(B(CLOSED)), "Closed"), 0);
	XT_EQ(strcmp(xpv_xb_state_name((enum xpv_xb_state)77), "Invalid"), 0);
}

XT_CASES(xpv_lib_xenbus_back) = {
	XT_CASE(xenbus_back_test_transitions),
	XT_CASE(xenbus_back_test_total),
	XT_CASE(xenbus_back_test_linux_blkfront_lifecycle),
	XT_CASE(xenbus_back_test_watch_coalesced),
	XT_CASE(xenbus_back_test_parse_state),
	XT_CASE(xenbus_back_test_state_names),
	XT_END
};

XT_SUITE(xpv_lib_xenbus_back,
	 "KUnit tests for the xpv backend xenbus state machine");
