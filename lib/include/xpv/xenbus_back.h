/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * xenbus_back: the xenbus state machine of a backend device, in one table.
 *
 * A split device has two state nodes in xenstore, ours (backend/.../state)
 * and the frontend's. Watches on them are hints, not a queue: they fire
 * once on registration, several writes may come as one event, and the
 * toolstack writes our node too (libxl writes Closing and online = 0 to
 * ask for removal). So the backend never steps on "what changed": after
 * every watch it reads both nodes and the online flag afresh and asks
 * xpv_xb_next() what to do in that situation. Steps are idempotent, so a
 * spurious or repeated watch is harmless.
 *
 * The answer is an action for the driver and the state to write after it:
 *   CONNECT     map the rings the frontend published, then Connected
 *   RECHECK     already Connected: reconnect only if the frontend's ring
 *               refs or event channels changed (it restarted and we missed
 *               its intermediate states)
 *   DISCONNECT  unmap the rings, then write the next state
 *   REMOVE      disconnect, write Closed, forget the device (the toolstack
 *               removes the nodes)
 * A driver whose connect fails writes error/... and goes to Closing itself.
 */
#ifndef XPV_XENBUS_BACK_H
#define XPV_XENBUS_BACK_H

#include <xpv/types.h>

/* The values of Xen's enum xenbus_state, as written in the state nodes. */
enum xpv_xb_state {
	XPV_XB_UNKNOWN = 0,		/* node missing or unreadable */
	XPV_XB_INITIALISING = 1,
	XPV_XB_INITWAIT = 2,
	XPV_XB_INITIALISED = 3,
	XPV_XB_CONNECTED = 4,
	XPV_XB_CLOSING = 5,
	XPV_XB_CLOSED = 6,
	XPV_XB_RECONFIGURING = 7,
	XPV_XB_RECONFIGURED = 8,
	XPV_XB_NR_STATES
};

enum xpv_xb_action {
	XPV_XB_NOTHING,
	XPV_XB_CONNECT,
	XPV_XB_RECHECK,
	XPV_XB_DISCONNECT,
	XPV_XB_REMOVE,
};

/* Everything the step depends on, read afresh after every watch. */
struct xpv_xb_input {
	enum xpv_xb_state back;		/* our state node */
	enum xpv_xb_state front;	/* the frontend's state node */
	bool online;			/* backend/.../online is "1" */
	bool failed;			/* the device could not be set up */
};

struct xpv_xb_step {
	enum xpv_xb_action action;
	enum xpv_xb_state next;		/* write this after the action */
};

struct xpv_xb_step xpv_xb_next(const struct xpv_xb_input *in);
enum xpv_xb_state xpv_xb_parse_state(const char *s);
const char *xpv_xb_state_name(enum xpv_xb_state s);

#endif /* XPV_XENBUS_BACK_H */
