/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus for the xpv frontends: the xenstore client and the device bus.
 *
 * xenstore: paths without a leading '/' are relative to this domain's
 * home, /local/domain/<domid>. Every call sleeps until xenstored answers
 * and returns 0 or -errno (xenstored's own errors as their errno:
 * -ENOENT, -EACCES, -EAGAIN when a transaction must be retried...).
 * Strings handed back are the caller's to kfree(). @tx is 0 outside a
 * transaction.
 *
 * Watches are hints, not a queue: a watch fires once when registered,
 * several writes may come as one event, and the callback must re-read
 * what it cares about. Callbacks run one at a time in the "xpv-xswatch"
 * thread and may call xenstore and unregister watches (their own too).
 *
 * The bus: one device per device/<type>/<id> this domain has, named
 * "<type>-<id>"; drivers bind by type (a blkfront takes "vbd").
 */
#ifndef _XPV_XENBUS_H
#define _XPV_XENBUS_H

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <xen/interface/io/xenbus.h>

typedef u32 xpv_xs_tx;

/* False in a domain without xenstore (Xen's first domain, at boot). */
bool xpv_xs_available(void);

int xpv_xs_read(xpv_xs_tx tx, const char *path, char **val);
int xpv_xs_read_node(xpv_xs_tx tx, const char *dir, const char *node, char **val);
int xpv_xs_read_uint(xpv_xs_tx tx, const char *dir, const char *node,
		     unsigned long long *val);
int xpv_xs_write(xpv_xs_tx tx, const char *path, const char *val);
__printf(4, 5)
int xpv_xs_printf(xpv_xs_tx tx, const char *dir, const char *node,
		  const char *fmt, ...);
int xpv_xs_mkdir(xpv_xs_tx tx, const char *path);
int xpv_xs_rm(xpv_xs_tx tx, const char *path);
/* The names under @path, as an array of @n strings in one allocation. */
int xpv_xs_directory(xpv_xs_tx tx, const char *path, char ***names,
		     unsigned int *n);
int xpv_xs_transaction_start(xpv_xs_tx *tx);
/* -EAGAIN: another writer came between; start again. */
int xpv_xs_transaction_end(xpv_xs_tx tx, bool abort);

struct xpv_xs_watch {
	const char *path;
	void (*callback)(struct xpv_xs_watch *w, const char *path);
	/* private */
	struct list_head list;
	char token[24];
};

int xpv_xs_watch_register(struct xpv_xs_watch *w);
void xpv_xs_watch_unregister(struct xpv_xs_watch *w);

/* ---- the bus ---- */

struct xpv_xenbus_device {
	struct device dev;
	const char *type;		/* "vbd" */
	const char *nodename;		/* "device/vbd/51712" */
	char *otherend;			/* the backend's directory */
	unsigned int otherend_id;	/* its domain */
	struct xpv_xs_watch otherend_watch;
	enum xenbus_state otherend_state;
	/*
	 * Set by xpv_xenbus_dev_fatal(): the frontend gave up on this
	 * backend, so the device only closes, and stays Closed until the
	 * toolstack removes it (a backend that broke the protocol gets no
	 * second connection). Guarded by state_lock, which also orders the
	 * writes of our state node (xpv_xenbus_switch_state()).
	 */
	bool gave_up;
	struct mutex state_lock;
};

static inline struct xpv_xenbus_device *to_xpv_xenbus_device(struct device *d)
{
	return container_of(d, struct xpv_xenbus_device, dev);
}

struct xpv_xenbus_driver {
	const char *type;
	int (*probe)(struct xpv_xenbus_device *xd);
	void (*remove)(struct xpv_xenbus_device *xd);
	/*
	 * The frontend's half of the handshake, which the bus drives from
	 * the backend's state (re-read at every watch, so a call may
	 * repeat): setup() when the backend is in InitWait, or Connected
	 * having skipped it, publishes rings and channels and does nothing
	 * if done already; connect() when it is Connected; disconnect() when
	 * it closes or goes away, before the bus moves us to Closed, unless
	 * set_up() says nothing is set up and we are Closed already.
	 * move(), optional, instead of disconnect() in a new domain (restored
	 * or migrated) whose backend is known: what the old backend had goes,
	 * what the device is to the rest of the kernel stays; setup() and
	 * connect() with the new backend follow.
	 */
	void (*setup)(struct xpv_xenbus_device *xd);
	void (*connect)(struct xpv_xenbus_device *xd);
	void (*disconnect)(struct xpv_xenbus_device *xd);
	void (*move)(struct xpv_xenbus_device *xd);
	bool (*set_up)(struct xpv_xenbus_device *xd);
	struct device_driver driver;
};

int xpv_xenbus_register_driver(struct xpv_xenbus_driver *drv);
void xpv_xenbus_unregister_driver(struct xpv_xenbus_driver *drv);
int xpv_xenbus_switch_state(struct xpv_xenbus_device *xd, enum xenbus_state state);
void xpv_xenbus_device_init(struct xpv_xenbus_device *xd);
__printf(3, 4)
void xpv_xenbus_dev_fatal(struct xpv_xenbus_device *xd, int err, const char *fmt, ...);
enum xenbus_state xpv_xenbus_read_state(const char *dir);
const char *xpv_xenbus_state_name(enum xenbus_state state);

#endif /* _XPV_XENBUS_H */
