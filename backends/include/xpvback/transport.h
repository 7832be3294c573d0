/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The transport of a backend daemon: xenstore, grant tables and event
 * channels behind one table of operations, the way xenstored's protocol
 * core does not know its connections. transport_xen.c implements it on
 * libxenstore, libxengnttab and libxenevtchn; the tests implement it in
 * memory (tests/fake_xen.c), so the whole daemon but those three calls
 * runs under the sanitizers without Xen.
 *
 * Conventions: 0 or a count on success, -errno on failure, never abort.
 * Strings returned by xs_read/xs_directory are malloc'd and owned by the
 * caller. Every call can fail because the peer domain died meanwhile.
 */
#ifndef XPVBACK_TRANSPORT_H
#define XPVBACK_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xpv_transport;

/* One grant copy: @len bytes between our buffer and a granted page. */
struct xpv_gnt_copy {
	void *local;		/* our side */
	uint32_t ref;		/* the guest's grant */
	uint16_t domid;		/* the granting domain */
	uint16_t offset;	/* into the granted page; offset + len <= 4096 */
	uint16_t len;
	bool to_guest;		/* local -> guest (a disk read), else guest -> local */
	int16_t status;		/* out: 0, or a negative GNTST_* */
};

struct xpv_transport_ops {
	/* xenstore; paths are absolute */
	char *(*xs_read)(struct xpv_transport *t, const char *path);
	int (*xs_write)(struct xpv_transport *t, const char *path, const char *val);
	int (*xs_rm)(struct xpv_transport *t, const char *path);
	char **(*xs_directory)(struct xpv_transport *t, const char *path,
			       unsigned int *num);
	int (*xs_watch)(struct xpv_transport *t, const char *path, const char *token);
	int (*xs_unwatch)(struct xpv_transport *t, const char *path, const char *token);
	/* one pending event into path/token: 1, 0 when none, -errno */
	int (*xs_next_watch)(struct xpv_transport *t, char *path, size_t path_len,
			     char *token, size_t token_len);
	int (*xs_fd)(struct xpv_transport *t);

	/* grant tables: @count pages mapped contiguously, or NULL (errno) */
	void *(*gnt_map)(struct xpv_transport *t, uint16_t domid, uint32_t count,
			 const uint32_t *refs, bool writable);
	int (*gnt_unmap)(struct xpv_transport *t, void *addr, uint32_t count);
	/* 0 when the batch was submitted; per-segment results in status */
	int (*gnt_copy)(struct xpv_transport *t, uint32_t count,
			struct xpv_gnt_copy *segs);

	/* event channels: bind returns our local port */
	int (*evt_bind)(struct xpv_transport *t, uint16_t domid, uint32_t remote_port);
	int (*evt_unbind)(struct xpv_transport *t, uint32_t port);
	int (*evt_notify)(struct xpv_transport *t, uint32_t port);
	/* a port that fired (masked until evt_unmask), -EAGAIN when none */
	int (*evt_pending)(struct xpv_transport *t);
	int (*evt_unmask)(struct xpv_transport *t, uint32_t port);
	int (*evt_fd)(struct xpv_transport *t);

	void (*close)(struct xpv_transport *t);
};

struct xpv_transport {
	const struct xpv_transport_ops *ops;
};

struct xpv_transport *xpv_transport_xen_open(void);
/* Event channels of this transport to and from @domid only, for good. */
int xpv_transport_xen_restrict(struct xpv_transport *t, uint16_t domid);

#endif /* XPVBACK_TRANSPORT_H */
