// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xenbus_back: the backend xenbus state machine; see xpv/xenbus_back.h.
 *
 * The rules follow Linux's xen-blkback frontend_changed() and xenbus core,
 * with what they leave out written down: a frontend that starts over
 * (Initialising again after Connected or Closed) gets InitWait back, a
 * frontend already Connected when we arrive (our daemon restarted) is
 * connected to, and Closing<->Closed goes both ways. The first rule that
 * matches wins; anything not listed changes nothing.
 */
#include <xpv/xenbus_back.h>

#define S(x)		(1u << XPV_XB_##x)
#define ANY		0xffffu

enum when {
	ALWAYS,
	LIVE,		/* online and set up: may (re)connect */
	OFFLINE,	/* the toolstack asked for removal */
};

struct rule {
	u16 back;		/* bitmask of our states */
	u16 front;		/* bitmask of frontend states */
	enum when when;
	struct xpv_xb_step step;
};

static const struct rule rules[] = {
	/* The frontend is gone or closed: let go of it. */
	{ ANY, S(UNKNOWN) | S(CLOSED), OFFLINE,
	  { XPV_XB_REMOVE, XPV_XB_CLOSED } },
	{ ANY, S(UNKNOWN) | S(CLOSED), ALWAYS,
	  { XPV_XB_DISCONNECT, XPV_XB_CLOSED } },
	{ ANY, S(CLOSING), ALWAYS,
	  { XPV_XB_DISCONNECT, XPV_XB_CLOSING } },
	/* Rings published (or the frontend was connected before we came). */
	{ S(INITWAIT) | S(CLOSED), S(INITIALISED) | S(CONNECTED), LIVE,
	  { XPV_XB_CONNECT, XPV_XB_CONNECTED } },
	{ S(CONNECTED), S(INITIALISED) | S(CONNECTED), LIVE,
	  { XPV_XB_RECHECK, XPV_XB_CONNECTED } },
	/* The frontend starts over: offer ourselves again. */
	{ S(CONNECTED) | S(CLOSED), S(INITIALISING) | S(INITWAIT), LIVE,
	  { XPV_XB_DISCONNECT, XPV_XB_INITWAIT } },
};

static bool matches(const struct rule *r, const struct xpv_xb_input *in)
{
	if (!(r->back & (1u << in->back)) || !(r->front & (1u << in->front)))
		return false;
	switch (r->when) {
	case LIVE:
		return in->online && !in->failed;
	case OFFLINE:
		return !in->online;
	default:
		return true;
	}
}

/**
 * xpv_xb_next() - what a backend does in the situation @in
 *
 * Return: the action and the state to write after it; NOTHING with our
 * current state when there is nothing to do.
 */
struct xpv_xb_step xpv_xb_next(const struct xpv_xb_input *in)
{
	struct xpv_xb_step none = { XPV_XB_NOTHING, in->back };
	struct xpv_xb_input v = *in;
	size_t i;

	/* WHY: both nodes are written by others; out of range is Unknown. */
	if ((unsigned int)v.back >= XPV_XB_NR_STATES)
		v.back = XPV_XB_UNKNOWN;
	if ((unsigned int)v.front >= XPV_XB_NR_STATES)
		v.front = XPV_XB_UNKNOWN;
	none.next = v.back;
	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (matches(&rules[i], &v))
			return rules[i].step;
	return none;
}

/**
 * xpv_xb_parse_state() - a state node's text as a state
 * @s: the node's value, or NULL when it is missing
 *
 * Return: the state; XPV_XB_UNKNOWN for anything but a decimal 0..8.
 */
enum xpv_xb_state xpv_xb_parse_state(const char *s)
{
	if (!s || s[0] < '0' || s[0] > '8' || s[1])
		return XPV_XB_UNKNOWN;
	return (enum xpv_xb_state)(s[0] - '0');
}

/** xpv_xb_state_name() - the state's name as Xen's headers spell it */
const char *xpv_xb_state_name(enum xpv_xb_state s)
{
	static const char *const names[XPV_XB_NR_STATES] = {
		"Unknown", "Initialising", "InitWait", "Initialised",
		"Connected", "Closing", "Closed", "Reconfiguring",
		"Reconfigured",
	};

	return (unsigned int)s < XPV_XB_NR_STATES ? names[s] : "Invalid";
}
