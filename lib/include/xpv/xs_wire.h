/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * xs_wire: the xenstore protocol as a guest speaks it on its ring page.
 *
 * A guest talks to xenstored through one shared page (start_info's
 * store_mfn): a 1 KiB request ring it produces into and a 1 KiB response
 * ring xenstored produces into, plus an event channel. Messages are a
 * 16-byte header and at most 4096 bytes of payload, mostly NUL-separated
 * strings; a message may straddle the ring's end and arrive in pieces.
 * Watch events come unasked on the response ring, between replies.
 *
 * This module is the part with no hypervisor in it: building requests,
 * copying bytes in and out of the rings with the indices checked (the
 * peer owns half of them), reassembling messages, and reading replies,
 * error strings, directory listings and watch events. Layouts are
 * restated here and checked against Xen's public/io/xs_wire.h in the
 * unit tests.
 */
#ifndef XPV_XS_WIRE_H
#define XPV_XS_WIRE_H

#include <xpv/types.h>

enum xpv_xs_type {
	XPV_XS_DIRECTORY = 1,
	XPV_XS_READ = 2,
	XPV_XS_WATCH = 4,
	XPV_XS_UNWATCH = 5,
	XPV_XS_TRANSACTION_START = 6,
	XPV_XS_TRANSACTION_END = 7,
	XPV_XS_GET_DOMAIN_PATH = 10,
	XPV_XS_WRITE = 11,
	XPV_XS_MKDIR = 12,
	XPV_XS_RM = 13,
	XPV_XS_WATCH_EVENT = 15,
	XPV_XS_ERROR = 16,
	XPV_XS_RESET_WATCHES = 21,
};

#define XPV_XS_RING_SIZE	1024u
#define XPV_XS_PAYLOAD_MAX	4096u
#define XPV_XS_ABS_PATH_MAX	3072u
#define XPV_XS_REL_PATH_MAX	2048u

struct xpv_xs_hdr {
	u32 type;
	u32 req_id;		/* echoed in the reply */
	u32 tx_id;		/* 0 outside a transaction */
	u32 len;		/* payload bytes after the header */
};

struct xpv_xs_ring {
	char req[XPV_XS_RING_SIZE];	/* ours to produce into */
	char rsp[XPV_XS_RING_SIZE];	/* xenstored's */
	u32 req_cons, req_prod;
	u32 rsp_cons, rsp_prod;
	u32 server_features;
	u32 connection;
	u32 error;
};

/* One request, header and payload, ready for the ring. */
struct xpv_xs_msg {
	struct xpv_xs_hdr hdr;
	char body[XPV_XS_PAYLOAD_MAX];
};

/*
 * Build a request whose payload is @n strings, each followed by a NUL; a
 * WRITE's is the path and then the value's raw bytes, no NUL after them.
 * Returns the total length (header included) or -E2BIG.
 */
int xpv_xs_build(struct xpv_xs_msg *m, enum xpv_xs_type type, u32 req_id,
		 u32 tx_id, const char *const *strs, unsigned int n);
int xpv_xs_build_write(struct xpv_xs_msg *m, u32 req_id, u32 tx_id,
		       const char *path, const void *val, u32 val_len);

/*
 * Copy up to @len bytes into the request ring; returns the bytes copied
 * (0 when full) or -EIO when the indices are impossible.
 */
int xpv_xs_ring_put(struct xpv_xs_ring *r, const void *data, u32 len);
/* Copy up to @len bytes out of the response ring; the same returns. */
int xpv_xs_ring_get(struct xpv_xs_ring *r, void *data, u32 len);

/* A message being reassembled from the response ring. */
struct xpv_xs_rx {
	struct xpv_xs_hdr hdr;
	u32 have;			/* bytes of header + body so far */
	char body[XPV_XS_PAYLOAD_MAX + 1];	/* always NUL-terminated */
};

/*
 * Take what the response ring holds into @rx: 1 when a whole message is
 * there (reset @rx->have to 0 before the next), 0 when more is needed,
 * -EIO for impossible indices, -EPROTO for a payload over the maximum.
 */
int xpv_xs_rx_feed(struct xpv_xs_rx *rx, struct xpv_xs_ring *r);

/* The -errno an XS_ERROR reply names ("ENOENT" ...), -EIO if unknown. */
int xpv_xs_error(const char *body, u32 len);

/*
 * What a reply to a request of @sent_type means: 0 when it answers it,
 * the -errno an XS_ERROR reply names, -EPROTO for a reply of another type
 * or a listing that does not end with a NUL. The caller has matched the
 * reply's req_id already; @body holds hdr->len bytes.
 */
int xpv_xs_reply_check(u32 sent_type, const struct xpv_xs_hdr *hdr, const char *body);

/*
 * Split a payload of NUL-terminated strings (a directory listing, a watch
 * event) into @out: the number of strings, or -EPROTO if the payload does
 * not end with a NUL or holds more than @max strings.
 */
int xpv_xs_split(const char *body, u32 len, const char **out, unsigned int max);

/* A watch event's path and token; -EPROTO when it is not two strings. */
int xpv_xs_watch_event(const char *body, u32 len, const char **path,
		       const char **token);

/* A path xenstored would take: length and characters (a-zA-Z0-9-/_@). */
bool xpv_xs_path_ok(const char *path);

#endif /* XPV_XS_WIRE_H */
