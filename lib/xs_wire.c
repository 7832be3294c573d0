// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * The xenstore wire protocol of a guest: requests, the two rings of the
 * store page, and replies. See xpv/xs_wire.h.
 *
 * The ring indices are free-running u32 counters; each side writes only
 * its own producer or consumer index. The other side's index is read once
 * per call and checked: a producer more than a ring ahead of its consumer
 * is a lie we do not act on.
 */
#include <xpv/xs_wire.h>

#define XS_MASK(idx)	((idx) & (XPV_XS_RING_SIZE - 1))

XPV_STATIC_ASSERT(sizeof(struct xpv_xs_hdr) == 16, "xsd_sockmsg is 16 bytes");
XPV_STATIC_ASSERT(sizeof(struct xpv_xs_ring) == 2 * XPV_XS_RING_SIZE + 28,
		  "xenstore_domain_interface layout");

static int build(struct xpv_xs_msg *m, enum xpv_xs_type type, u32 req_id,
		 u32 tx_id, const char *const *strs, unsigned int n,
		 const void *raw, u32 raw_len)
{
	u32 len = 0, l;
	unsigned int i;

	for (i = 0; i < n; i++) {
		l = strlen(strs[i]) + 1;
		if (l > XPV_XS_PAYLOAD_MAX - len)
			return -E2BIG;
		memcpy(m->body + len, strs[i], l);
		len += l;
	}
	if (raw_len > XPV_XS_PAYLOAD_MAX - len)
		return -E2BIG;
	if (raw_len)
		memcpy(m->body + len, raw, raw_len);
	len += raw_len;
	m->hdr.type = type;
	m->hdr.req_id = req_id;
	m->hdr.tx_id = tx_id;
	m->hdr.len = len;
	return sizeof(m->hdr) + len;
}

int xpv_xs_build(struct xpv_xs_msg *m, enum xpv_xs_type type, u32 req_id,
		 u32 tx_id, const char *const *strs, unsigned int n)
{
	return build(m, type, req_id, tx_id, strs, n, NULL, 0);
}

int xpv_xs_build_write(struct xpv_xs_msg *m, u32 req_id, u32 tx_id,
		       const char *path, const void *val, u32 val_len)
{
	return build(m, XPV_XS_WRITE, req_id, tx_id, &path, 1, val, val_len);
}

int xpv_xs_ring_put(struct xpv_xs_ring *r, const void *data, u32 len)
{
	const char *src = data;
	u32 cons, prod, n = 0;

	cons = XPV_READ_ONCE(r->req_cons);
	prod = r->req_prod;
	xpv_mb();	/* the space is free before we write into it */
	if (prod - cons > XPV_XS_RING_SIZE)
		return -EIO;
	while (n < len && prod - cons < XPV_XS_RING_SIZE) {
		u32 chunk = XPV_XS_RING_SIZE - XS_MASK(prod);

		if (chunk > XPV_XS_RING_SIZE - (prod - cons))
			chunk = XPV_XS_RING_SIZE - (prod - cons);
		if (chunk > len - n)
			chunk = len - n;
		memcpy(r->req + XS_MASK(prod), src + n, chunk);
		n += chunk;
		prod += chunk;
	}
	xpv_wmb();	/* the bytes before the index that shows them */
	XPV_WRITE_ONCE(r->req_prod, prod);
	return n;
}

int xpv_xs_ring_get(struct xpv_xs_ring *r, void *data, u32 len)
{
	char *dst = data;
	u32 cons, prod, n = 0;

	cons = r->rsp_cons;
	prod = XPV_READ_ONCE(r->rsp_prod);
	xpv_rmb();	/* the index before the bytes it shows */
	if (prod - cons > XPV_XS_RING_SIZE)
		return -EIO;
	while (n < len && cons != prod) {
		u32 chunk = XPV_XS_RING_SIZE - XS_MASK(cons);

		if (chunk > prod - cons)
			chunk = prod - cons;
		if (chunk > len - n)
			chunk = len - n;
		memcpy(dst + n, r->rsp + XS_MASK(cons), chunk);
		n += chunk;
		cons += chunk;
	}
	xpv_mb();	/* done reading before the space is given back */
	XPV_WRITE_ONCE(r->rsp_cons, cons);
	return n;
}

int xpv_xs_rx_feed(struct xpv_xs_rx *rx, struct xpv_xs_ring *r)
{
	const u32 hlen = sizeof(rx->hdr);
	int got;

	if (rx->have < hlen) {
		got = xpv_xs_ring_get(r, (char *)&rx->hdr + rx->have,
				      hlen - rx->have);
		if (got < 0)
			return got;
		rx->have += got;
		if (rx->have < hlen)
			return 0;
		if (rx->hdr.len > XPV_XS_PAYLOAD_MAX)
			return -EPROTO;
	}
	got = xpv_xs_ring_get(r, rx->body + (rx->have - hlen),
			      rx->hdr.len - (rx->have - hlen));
	if (got < 0)
		return got;
	rx->have += got;
	if (rx->have < hlen + rx->hdr.len)
		return 0;
	rx->body[rx->hdr.len] = '\0';
	return 1;
}

static const struct {
	const char *name;
	int err;
} xs_errors[] = {
	{ "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
	{ "EISDIR", EISDIR }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", ENOTEMPTY },
	{ "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
	{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
	{ "EPERM", EPERM },
};

int xpv_xs_error(const char *body, u32 len)
{
	unsigned int i;

	/* "ENOENT\0"; tolerate a missing NUL, never read past @len */
	if (len && body[len - 1] == '\0')
		len--;
	for (i = 0; i < ARRAY_SIZE(xs_errors); i++)
		if (strlen(xs_errors[i].name) == len &&
		    !memcmp(xs_errors[i].name, body, len))
			return -xs_errors[i].err;
	return -EIO;
}

int xpv_xs_reply_check(u32 sent_type, const struct xpv_xs_hdr *hdr, const char *body)
{
	if (hdr->type == XPV_XS_ERROR)
		return xpv_xs_error(body, hdr->len);
	if (hdr->type != sent_type)
		return -EPROTO;
	if (sent_type == XPV_XS_DIRECTORY && hdr->len && body[hdr->len - 1] != '\0')
		return -EPROTO;
	return 0;
}

int xpv_xs_split(const char *body, u32 len, const char **out, unsigned int max)
{
	unsigned int n = 0;
	u32 at = 0;

	if (len == 0)
		return 0;
	if (body[len - 1] != '\0')
		return -EPROTO;
	while (at < len) {
		if (n == max)
			return -EPROTO;
		out[n++] = body + at;
		at += strlen(body + at) + 1;
	}
	return n;
}

int xpv_xs_watch_event(const char *body, u32 len, const char **path,
		       const char **token)
{
	const char *s[2];

	if (xpv_xs_split(body, len, s, 2) != 2)
		return -EPROTO;
	*path = s[0];
	*token = s[1];
	return 0;
}

bool xpv_xs_path_ok(const char *path)
{
	size_t len = strlen(path);
	const char *p;

	if (len == 0 || len > (path[0] == '/' ? XPV_XS_ABS_PATH_MAX : XPV_XS_REL_PATH_MAX))
		return false;
	for (p = path; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '/' ||
		      c == '_' || c == '@'))
			return false;
		if (c == '/' && p[1] == '/')
			return false;
	}
	return len == 1 || path[len - 1] != '/';
}
