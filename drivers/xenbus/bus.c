// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenbus device bus of the xpv port (frontend side).
 *
 * The toolstack writes this domain's devices under device/<type>/<id>,
 * each with "backend" (the backend's directory) and "backend-id". A watch
 * on "device" finds them, at boot (a watch fires once when registered) and
 * when the toolstack adds one later; each becomes a struct device on the
 * "xpv-xenbus" bus, named <type>-<id>, and binds to the driver of its
 * type. A device whose directory disappeared is unregistered.
 *
 * Each bound device has a watch on the backend's state node; at every
 * change the bus re-reads it (watches are hints) and drives the driver's
 * half of the handshake, the same for every frontend (front_changed()):
 *
 *	backend InitWait       setup()
 *	backend Connected      setup() (a backend that skipped InitWait), connect()
 *	backend Closing/Closed/gone    disconnect(), then we are Closed
 *	backend Closed, we Closed      Initialising, if the device is online
 *	                               (the backend may come back)
 *
 * except on a device the frontend gave up on (xpv_xenbus_dev_fatal()),
 * which only closes. Around a suspend the backend watches go; in a new
 * domain (restored, migrated) each device starts that handshake again with
 * the backend the toolstack made for it there.
 */
#define pr_fmt(fmt) "xpv-xenbus: " fmt

#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/slab.h>
#include <xen/interface/xen.h>
#include <xpv/xenbus.h>
#include <xpv/xenbus_back.h>
#include <xpv/xs_wire.h>
#include "xenbus.h"

/* The names and values are those of lib/xenbus_back.h, Xen's. */
const char *xpv_xenbus_state_name(enum xenbus_state state)
{
	return xpv_xb_state_name((enum xpv_xb_state)state);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_state_name);

/* The state node under @dir; Unknown when missing or not a state. */
enum xenbus_state xpv_xenbus_read_state(const char *dir)
{
	unsigned long long v;

	if (xpv_xs_read_uint(0, dir, "state", &v) || v >= XPV_XB_NR_STATES)
		return XenbusStateUnknown;
	return v;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_read_state);

/* Called with xd->state_lock held. */
static int write_state(struct xpv_xenbus_device *xd, enum xenbus_state state)
{
	int rc = xpv_xs_printf(0, xd->nodename, "state", "%d", state);

	if (rc)
		dev_err(&xd->dev, "cannot write state %s: %d\n",
			xpv_xenbus_state_name(state), rc);
	return rc;
}

/**
 * xpv_xenbus_switch_state() - write our end's state
 * @xd: the device
 * @state: the new state
 *
 * On a device we gave up on (xpv_xenbus_dev_fatal()) only Closing and
 * Closed are written: a connect that was under way when the device failed
 * does not announce it Connected again. Sleeps.
 * Return: 0, -EIO for a state refused so, or xenstore's -errno.
 */
int xpv_xenbus_switch_state(struct xpv_xenbus_device *xd, enum xenbus_state state)
{
	int rc = -EIO;

	mutex_lock(&xd->state_lock);
	if (!xd->gave_up || state == XenbusStateClosing || state == XenbusStateClosed)
		rc = write_state(xd, state);
	mutex_unlock(&xd->state_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_xenbus_switch_state);

/* A device's own state before its first use (the bus's, or a test's). */
void xpv_xenbus_device_init(struct xpv_xenbus_device *xd)
{
	mutex_init(&xd->state_lock);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_device_init);

/**
 * xpv_xenbus_dev_fatal() - give up on a device: say why, then close it
 * @xd: the device
 * @err: the -errno behind it
 * @fmt: what went wrong, for the log and for the toolstack
 *
 * Writes "<err> <message>" to error/<nodename>/error in our home, where the
 * toolstack looks, and moves the device to Closing, where it stays: once
 * both ends are Closed the bus does not start over (a hostile backend would
 * otherwise fail us again, round after round, each round leaving pages it
 * keeps mapped). Detaching and attaching the device again starts afresh.
 * Sleeps (xenstore).
 */
void xpv_xenbus_dev_fatal(struct xpv_xenbus_device *xd, int err, const char *fmt, ...)
{
	char *path = kasprintf(GFP_KERNEL, "error/%s", xd->nodename);
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = kvasprintf(GFP_KERNEL, fmt, ap);
	va_end(ap);
	dev_err(&xd->dev, "%s (%d): closing\n", msg ?: fmt, err);
	if (path)
		xpv_xs_printf(0, path, "error", "%d %s", err, msg ?: fmt);
	kfree(msg);
	kfree(path);
	mutex_lock(&xd->state_lock);
	WRITE_ONCE(xd->gave_up, true);
	write_state(xd, XenbusStateClosing);
	mutex_unlock(&xd->state_lock);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_dev_fatal);

static struct xpv_xenbus_driver *to_xpv_driver(struct device_driver *d)
{
	return container_of(d, struct xpv_xenbus_driver, driver);
}

static int xpv_xenbus_match(struct device *dev, struct device_driver *drv)
{
	return !strcmp(to_xpv_xenbus_device(dev)->type, to_xpv_driver(drv)->type);
}

/*
 * Both ends closed, and the toolstack still wants the device ("online" is
 * 1: it is not detaching it): we go back to Initialising, which tells a
 * backend that comes back (a daemon restarted) to offer itself again.
 * Not after xpv_xenbus_dev_fatal(): we gave up on that backend.
 */
static void start_over(struct xpv_xenbus_device *xd)
{
	unsigned long long online;

	if (READ_ONCE(xd->gave_up))	/* switch_state() would refuse it */
		return;
	if (!xpv_xs_read_uint(0, xd->otherend, "online", &online) && online == 1)
		xpv_xenbus_switch_state(xd, XenbusStateInitialising);
}

static void front_changed(struct xpv_xenbus_driver *drv,
			  struct xpv_xenbus_device *xd, enum xenbus_state state)
{
	bool gave_up = READ_ONCE(xd->gave_up);	/* then we only close */

	switch (state) {
	case XenbusStateInitWait:
		if (!gave_up)
			drv->setup(xd);
		break;
	case XenbusStateConnected:
		if (!gave_up) {
			drv->setup(xd);
			drv->connect(xd);
		}
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
		if (drv->set_up(xd) || xpv_xenbus_read_state(xd->nodename) != XenbusStateClosed) {
			drv->disconnect(xd);
			xpv_xenbus_switch_state(xd, XenbusStateClosed);
		}
		if (state == XenbusStateClosed)
			start_over(xd);
		break;
	default:
		break;
	}
}

static void otherend_changed(struct xpv_xs_watch *w, const char *path)
{
	struct xpv_xenbus_device *xd =
		container_of(w, struct xpv_xenbus_device, otherend_watch);
	struct xpv_xenbus_driver *drv;

	xd->otherend_state = xpv_xenbus_read_state(xd->otherend);
	device_lock(&xd->dev);
	drv = xd->dev.driver ? to_xpv_driver(xd->dev.driver) : NULL;
	if (drv)
		front_changed(drv, xd, xd->otherend_state);
	device_unlock(&xd->dev);
}

/* A watch on the backend's state; it fires once at once. */
static int watch_otherend(struct xpv_xenbus_device *xd)
{
	int rc;

	xd->otherend_watch.path = kasprintf(GFP_KERNEL, "%s/state", xd->otherend);
	xd->otherend_watch.callback = otherend_changed;
	rc = xd->otherend_watch.path ? xpv_xs_watch_register(&xd->otherend_watch) : -ENOMEM;
	if (rc) {
		kfree(xd->otherend_watch.path);
		xd->otherend_watch.path = NULL;
	}
	return rc;
}

static void unwatch_otherend(struct xpv_xenbus_device *xd)
{
	if (!xd->otherend_watch.path)
		return;
	xpv_xs_watch_unregister(&xd->otherend_watch);
	kfree(xd->otherend_watch.path);
	xd->otherend_watch.path = NULL;
}

static int xpv_xenbus_probe(struct device *dev)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);
	struct xpv_xenbus_driver *drv = to_xpv_driver(dev->driver);
	int rc;

	rc = drv->probe(xd);
	if (rc)
		return rc;
	rc = watch_otherend(xd);
	if (rc && drv->remove)
		drv->remove(xd);
	return rc;
}

static void xpv_xenbus_remove(struct device *dev)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);
	struct xpv_xenbus_driver *drv = to_xpv_driver(dev->driver);

	unwatch_otherend(xd);
	if (drv->remove)
		drv->remove(xd);
}

static ssize_t nodename_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_xpv_xenbus_device(dev)->nodename);
}
static DEVICE_ATTR_RO(nodename);

static ssize_t devtype_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_xpv_xenbus_device(dev)->type);
}
static DEVICE_ATTR_RO(devtype);

static ssize_t otherend_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);

	return sysfs_emit(buf, "%s (domain %u)\n", xd->otherend, xd->otherend_id);
}
static DEVICE_ATTR_RO(otherend);

/* Both ends' states, read now. */
static ssize_t state_show(struct device *dev, struct device_attribute *a, char *buf)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);

	return sysfs_emit(buf, "%s %s\n",
			  xpv_xenbus_state_name(xpv_xenbus_read_state(xd->nodename)),
			  xpv_xenbus_state_name(xpv_xenbus_read_state(xd->otherend)));
}
static DEVICE_ATTR_RO(state);

static struct attribute *xpv_xenbus_dev_attrs[] = {
	&dev_attr_nodename.attr,
	&dev_attr_devtype.attr,
	&dev_attr_otherend.attr,
	&dev_attr_state.attr,
	NULL,
};
ATTRIBUTE_GROUPS(xpv_xenbus_dev);

static int xpv_xenbus_uevent(struct device *dev, struct kobj_uevent_env *env)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);

	return add_uevent_var(env, "XPV_TYPE=%s", xd->type) ?:
	       add_uevent_var(env, "XPV_PATH=%s", xd->nodename) ?:
	       add_uevent_var(env, "MODALIAS=xpv-xenbus:%s", xd->type);
}

static const struct attribute_group *xpv_xenbus_bus_groups[] = {
	&xpv_gnttab_group,
	NULL,
};

static struct bus_type xpv_xenbus_type = {
	.name = "xpv-xenbus",
	.bus_groups = xpv_xenbus_bus_groups,
	.match = xpv_xenbus_match,
	.probe = xpv_xenbus_probe,
	.remove = xpv_xenbus_remove,
	.uevent = xpv_xenbus_uevent,
	.dev_groups = xpv_xenbus_dev_groups,
};

int xpv_xenbus_register_driver(struct xpv_xenbus_driver *drv)
{
	drv->driver.bus = &xpv_xenbus_type;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_register_driver);

void xpv_xenbus_unregister_driver(struct xpv_xenbus_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(xpv_xenbus_unregister_driver);

/* ---- finding devices ---- */

static void xpv_xenbus_release(struct device *dev)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);

	kfree(xd->otherend);
	kfree(xd->nodename);
	kfree(xd->type);
	kfree(xd);
}

static int find_by_nodename(struct device *dev, const void *nodename)
{
	return !strcmp(to_xpv_xenbus_device(dev)->nodename, nodename);
}

static struct xpv_xenbus_device *find_device(const char *nodename)
{
	struct device *dev = bus_find_device(&xpv_xenbus_type, NULL, nodename,
					     find_by_nodename);

	return dev ? to_xpv_xenbus_device(dev) : NULL;
}

/*
 * The backend the toolstack named for a device: an absolute xenstore path
 * below the root, and an ordinary domain (not DOMID_SELF and the other
 * reserved ids).
 */
bool xpv_xenbus_backend_ok(const char *path, unsigned long long id)
{
	return id < DOMID_FIRST_RESERVED && path[0] == '/' && path[1] &&
	       xpv_xs_path_ok(path);
}

static int read_backend(const char *nodename, char **otherend, unsigned int *id)
{
	unsigned long long backend_id;
	int rc = xpv_xs_read_node(0, nodename, "backend", otherend);

	if (rc)
		return rc;
	rc = xpv_xs_read_uint(0, nodename, "backend-id", &backend_id);
	if (!rc && !xpv_xenbus_backend_ok(*otherend, backend_id))
		rc = -EINVAL;
	if (rc) {
		kfree(*otherend);
		*otherend = NULL;
		return rc;
	}
	*id = backend_id;
	return 0;
}

/* device/<type>/<id>: a new device unless we have it already. */
static void add_device(const char *type, const char *id)
{
	struct xpv_xenbus_device *xd;
	char *nodename;
	int rc;

	nodename = kasprintf(GFP_KERNEL, "device/%s/%s", type, id);
	if (!nodename)
		return;
	xd = find_device(nodename);
	if (xd) {
		put_device(&xd->dev);
		kfree(nodename);
		return;
	}
	xd = kzalloc(sizeof(*xd), GFP_KERNEL);
	if (!xd) {
		kfree(nodename);
		return;
	}
	xpv_xenbus_device_init(xd);
	xd->nodename = nodename;
	xd->type = kstrdup(type, GFP_KERNEL);
	rc = xd->type ? read_backend(nodename, &xd->otherend, &xd->otherend_id) : -ENOMEM;
	if (rc) {
		/* the toolstack may still be writing it: the next event retries */
		pr_debug("%s not ready: %d\n", nodename, rc);
		kfree(xd->type);
		kfree(nodename);
		kfree(xd);
		return;
	}
	xd->dev.bus = &xpv_xenbus_type;
	xd->dev.release = xpv_xenbus_release;
	dev_set_name(&xd->dev, "%s-%s", type, id);
	rc = device_register(&xd->dev);
	if (rc) {
		pr_err("cannot register %s: %d\n", nodename, rc);
		put_device(&xd->dev);
		return;
	}
	dev_info(&xd->dev, "%s, backend %s (domain %u)\n", nodename, xd->otherend,
		 xd->otherend_id);
}

static void scan_type(const char *type)
{
	char *dir, **ids;
	unsigned int i, n;

	dir = kasprintf(GFP_KERNEL, "device/%s", type);
	if (!dir)
		return;
	if (!xpv_xs_directory(0, dir, &ids, &n)) {
		for (i = 0; i < n; i++)
			add_device(type, ids[i]);
		kfree(ids);
	}
	kfree(dir);
}

/* Devices whose directory is gone leave the bus. */
static int drop_if_gone(struct device *dev, void *unused)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);
	char **names;
	unsigned int n;
	int rc = xpv_xs_directory(0, xd->nodename, &names, &n);

	if (!rc)
		kfree(names);
	if (rc == -ENOENT) {
		dev_info(dev, "%s is gone\n", xd->nodename);
		device_unregister(dev);
	}
	return 0;
}

/*
 * The length of "device/<type>/<id>" when path is a node below that
 * device's directory (a driver's ring-refs and state, the toolstack
 * finishing a device); 0 for device, device/<type>, device/<type>/<id>
 * themselves and anything else.
 */
size_t xpv_xenbus_device_prefix(const char *path)
{
	const char *type, *id, *rest;

	if (strncmp(path, "device/", strlen("device/")))
		return 0;
	type = path + strlen("device/");
	id = strchr(type, '/');
	rest = id ? strchr(id + 1, '/') : NULL;
	if (!rest || id == type || rest == id + 1)
		return 0;
	return rest - path;
}

/*
 * A node below a device's directory: add the device if we do not have it
 * yet, which costs no xenstore request when we have. False when the full
 * scan has to look (and out of memory).
 */
static bool device_node_changed(const char *path)
{
	size_t len = xpv_xenbus_device_prefix(path);
	char *nodename, *type, *id;

	if (!len)
		return false;
	nodename = kstrndup(path, len, GFP_KERNEL);
	if (!nodename)
		return false;
	type = nodename + strlen("device/");
	id = strchr(type, '/');
	*id++ = '\0';
	add_device(type, id);
	kfree(nodename);
	return true;
}

/*
 * Every change under device/ comes here, our frontends' own writes
 * included, in the thread that also carries the backends' state changes,
 * so only device, device/<type> and device/<type>/<id> (a device added or
 * removed, and the watch's first firing) cost a scan: new devices join,
 * those whose directory is gone leave.
 */
static void devices_changed(struct xpv_xs_watch *w, const char *path)
{
	char **types;
	unsigned int i, n;

	if (device_node_changed(path))
		return;
	if (!xpv_xs_directory(0, "device", &types, &n)) {
		for (i = 0; i < n; i++)
			if (xpv_xs_path_ok(types[i]) && !strchr(types[i], '/'))
				scan_type(types[i]);
		kfree(types);
	}
	bus_for_each_dev(&xpv_xenbus_type, NULL, NULL, drop_if_gone);
}

/* ---- around a suspend ---- */

static int suspend_device(struct device *dev, void *unused)
{
	device_lock(dev);
	unwatch_otherend(to_xpv_xenbus_device(dev));
	device_unlock(dev);
	return 0;
}

/**
 * xpv_xenbus_bus_suspend - before a suspend: the backends' watches go
 *
 * Nothing follows a backend from here to the resume: after a restore, the
 * old backend's directory (named after our old domain id) is not ours.
 */
void xpv_xenbus_bus_suspend(void)
{
	bus_for_each_dev(&xpv_xenbus_type, NULL, NULL, suspend_device);
}

/*
 * In a new domain a frontend's rings, grants and channels went with the
 * old one: it takes back what was in flight as if its backend had closed
 * (the ports are not closed: their numbers are the new domain's). The
 * toolstack made the device again, our end Initialising, for a backend
 * that may be another domain's or at another path: read again.
 */
static void move_device(struct xpv_xenbus_device *xd)
{
	struct xpv_xenbus_driver *drv = xd->dev.driver ? to_xpv_driver(xd->dev.driver) : NULL;
	unsigned int id;
	char *otherend;
	int rc;

	rc = read_backend(xd->nodename, &otherend, &id);
	if (drv && drv->set_up(xd)) {
		if (!rc && drv->move)
			drv->move(xd);
		else
			drv->disconnect(xd);
	}
	if (rc) {
		xpv_xenbus_dev_fatal(xd, rc, "no backend after the move");
		return;
	}
	kfree(xd->otherend);
	xd->otherend = otherend;
	xd->otherend_id = id;
}

static int resume_device(struct device *dev, void *new_domain)
{
	struct xpv_xenbus_device *xd = to_xpv_xenbus_device(dev);
	int rc = 0;

	device_lock(dev);
	if (*(bool *)new_domain)
		move_device(xd);
	if (dev->driver)
		rc = watch_otherend(xd);
	if (rc)
		dev_err(dev, "cannot watch %s after resume: %d\n", xd->otherend, rc);
	device_unlock(dev);
	return 0;
}

/**
 * xpv_xenbus_bus_resume - after the suspend, xenstore working again
 * @new_domain: resumed in a new domain (restored, migrated), not cancelled
 *
 * Each bound device watches its backend again, which drives the handshake
 * from where the backend is: still Connected after a cancelled suspend
 * (nothing to do), from the start with the new domain's backend.
 */
void xpv_xenbus_bus_resume(bool new_domain)
{
	bus_for_each_dev(&xpv_xenbus_type, NULL, &new_domain, resume_device);
}

static struct xpv_xs_watch devices_watch = {
	.path = "device",
	.callback = devices_changed,
};

static int __init xpv_xenbus_init(void)
{
	int rc;

	rc = bus_register(&xpv_xenbus_type);
	if (rc)
		return rc;
	rc = xpv_gnttab_init();
	if (rc)
		pr_err("no grant table (%d): frontends cannot share pages\n", rc);
	rc = xpv_xenstore_init();
	if (rc)
		return rc == -ENODEV ? 0 : rc;
	/* fires once now: the devices the domain was built with */
	rc = xpv_xs_watch_register(&devices_watch);
	if (rc)
		pr_err("cannot watch device/: %d\n", rc);
	return rc;
}
subsys_initcall(xpv_xenbus_init);
