// SPDX-License-Identifier: GPL-2.0-only
/*
 * The xenstore client of the xpv port.
 *
 * This domain talks to xenstored over the store page Xen named in
 * start_info (a machine frame in the bootstrap region) and its event
 * channel; the protocol itself is lib/xs_wire.c. Three parties:
 *
 *  - callers, one request on the ring at a time (xs_request_lock): the
 *    request goes in as the ring has room, then the caller sleeps until
 *    the reader hands it the reply with its req_id;
 *  - the reader thread, woken by the event channel: it reassembles every
 *    message on the response ring, gives replies to the caller waiting
 *    for them (a reply nobody waits for any more is dropped) and queues
 *    watch events;
 *  - the watch thread, which runs callbacks one at a time, so a callback
 *    may make requests of its own.
 *
 * Nothing xenstored sends is trusted: indices are checked, a message over
 * the protocol's maximum stops the reader (the connection is broken and
 * every caller gets -EIO), replies are matched by id and type.
 *
 * WHY the event queue is bounded (the XSA-349 class): any domain allowed
 * to write a node we watch can make xenstored send events faster than
 * callbacks run. The queue holds at most XPV_XS_EVENTS_MAX events, an event
 * equal to one still queued is not queued twice, and an event that does
 * not fit is dropped and counted; after a drop, once the queue has
 * drained, every watch fires once with its own path. Watches are hints
 * (callbacks re-read what they watch), so a drop loses no state.
 */
#define pr_fmt(fmt) "xpv-xenstore: " fmt

#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <asm/xpv/boot.h>
#include <asm/xpv/events.h>
#include <asm/xpv/p2m.h>
#include <xpv/xenbus.h>
#include <xpv/xs_wire.h>
#include "xenbus.h"

/* A reply slower than this means xenstored is gone; the caller gets -ETIMEDOUT. */
#define XS_REPLY_TIMEOUT	(120 * HZ)

static struct xpv_xs_ring *xs_ring;
static evtchn_port_t xs_port;
static int xs_irq;
static bool xs_broken;			/* xenstored broke the protocol */

static DEFINE_MUTEX(xs_request_lock);	/* one request on the ring */
static DECLARE_WAIT_QUEUE_HEAD(xs_wq);	/* ring space and replies */
static DECLARE_WAIT_QUEUE_HEAD(xs_reader_wq);
static struct xpv_xs_msg *xs_msg;	/* the request being sent */
static u32 xs_next_id;

/* The reply the caller in flight waits for; under xs_reply_lock. */
static DEFINE_SPINLOCK(xs_reply_lock);
static struct {
	u32 req_id;
	bool waiting, done;
	bool test_nomem;	/* KUnit: fail the copy of this reply */
	int err;		/* 0, or -ENOMEM when the body could not be kept */
	struct xpv_xs_hdr hdr;
	char *body;
} xs_reply;
struct task_struct *xpv_xs_test_nomem_task;	/* see xenbus.h */

/* Watches and the events queued for them. */
static DEFINE_MUTEX(xs_watches_lock);
static LIST_HEAD(xs_watches);		/* under xs_watches_lock */
static DEFINE_MUTEX(xs_callback_lock);	/* held while a callback runs */
static struct task_struct *xs_watch_task;	/* the thread that runs them */
static struct task_struct *xs_reader_task;
static DEFINE_SPINLOCK(xs_events_lock);
static LIST_HEAD(xs_events);		/* under xs_events_lock, as are: */
static unsigned int xs_nr_events;	/*   its length */
static unsigned long xs_events_dropped;	/*   events that did not fit */
static bool xs_resync;			/*   fire every watch once */
static DECLARE_WAIT_QUEUE_HEAD(xs_events_wq);
static unsigned long xs_next_token;	/* under xs_watches_lock */

struct xs_event {
	struct list_head list;
	char *path, *token;
	char buf[];
};

static irqreturn_t xs_interrupt(int irq, void *dev)
{
	wake_up(&xs_reader_wq);
	wake_up(&xs_wq);
	return IRQ_HANDLED;
}

static bool xs_rsp_pending(void)
{
	return READ_ONCE(xs_ring->rsp_prod) != READ_ONCE(xs_ring->rsp_cons);
}

static bool xs_req_space(void)
{
	return READ_ONCE(xs_ring->req_prod) - READ_ONCE(xs_ring->req_cons) <
	       XPV_XS_RING_SIZE || READ_ONCE(xs_broken);
}

/* Is an event for @token on @path queued already? (xs_events_lock held) */
static bool xs_event_queued(const char *path, const char *token)
{
	struct xs_event *ev;

	list_for_each_entry(ev, &xs_events, list)
		if (!strcmp(ev->token, token) && !strcmp(ev->path, path))
			return true;
	return false;
}

/* A drop: count it and make every watch fire once the queue drains. */
static void xs_event_dropped(void)
{
	xs_events_dropped++;
	xs_resync = true;
}

/*
 * xpv_xs_queue_event - queue an event for the watch thread
 * @resync: ours, one per registered watch: never dropped for the bound
 */
void xpv_xs_queue_event(const char *path, const char *token, bool resync)
{
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;
	struct xs_event *ev = kmalloc(sizeof(*ev) + plen + tlen, GFP_KERNEL);

	spin_lock(&xs_events_lock);
	if (!ev || (!resync && xs_nr_events >= XPV_XS_EVENTS_MAX)) {
		xs_event_dropped();
	} else if (!xs_event_queued(path, token)) {
		ev->path = ev->buf;
		ev->token = ev->buf + plen;
		memcpy(ev->path, path, plen);
		memcpy(ev->token, token, tlen);
		list_add_tail(&ev->list, &xs_events);
		xs_nr_events++;
		ev = NULL;
	}
	spin_unlock(&xs_events_lock);
	kfree(ev);
	wake_up(&xs_events_wq);
}

static void xs_queue_event(const struct xpv_xs_rx *rx)
{
	const char *path, *token;

	if (xpv_xs_watch_event(rx->body, rx->hdr.len, &path, &token)) {
		pr_warn_ratelimited("malformed watch event dropped\n");
		return;
	}
	xpv_xs_queue_event(path, token, false);
}

static void xs_deliver_reply(const struct xpv_xs_rx *rx)
{
	char *body = kmemdup(rx->body, rx->hdr.len + 1, GFP_KERNEL);

	spin_lock(&xs_reply_lock);
	if (xs_reply.waiting && !xs_reply.done && rx->hdr.req_id == xs_reply.req_id) {
		if (xs_reply.test_nomem) {
			kfree(body);
			body = NULL;
		}
		/* without its body a reply is an error, never an empty success */
		xs_reply.err = body ? 0 : -ENOMEM;
		xs_reply.hdr = rx->hdr;
		xs_reply.body = body;
		xs_reply.done = true;
		body = NULL;
	}
	spin_unlock(&xs_reply_lock);
	kfree(body);	/* late or unasked: dropped */
	wake_up(&xs_wq);
}

static int xs_reader(void *data)
{
	struct xpv_xs_rx *rx = data;
	int rc;

	while (!kthread_should_stop()) {
		wait_event_interruptible(xs_reader_wq,
					 xs_rsp_pending() || kthread_should_stop());
		while ((rc = xpv_xs_rx_feed(rx, xs_ring)) == 1) {
			if (rx->hdr.type == XPV_XS_WATCH_EVENT)
				xs_queue_event(rx);
			else
				xs_deliver_reply(rx);
			rx->have = 0;
		}
		xpv_evtchn_notify(xs_port);	/* room on the response ring */
		if (rc < 0) {
			pr_err("xenstored broke the protocol (%d): no more requests\n", rc);
			WRITE_ONCE(xs_broken, true);
			wake_up(&xs_wq);
			break;
		}
	}
	return 0;
}

static bool xs_reply_done(void)
{
	bool done;

	spin_lock(&xs_reply_lock);
	done = xs_reply.done;
	spin_unlock(&xs_reply_lock);
	return done || READ_ONCE(xs_broken);
}

/* Put the request of @len bytes (xs_msg) on the ring, as it has room. */
static int xs_send(u32 len)
{
	const char *p = (const char *)xs_msg;
	u32 off = 0;
	int n;

	while (off < len) {
		if (!wait_event_timeout(xs_wq, xs_req_space(), XS_REPLY_TIMEOUT))
			return -ETIMEDOUT;
		if (READ_ONCE(xs_broken))
			return -EIO;
		n = xpv_xs_ring_put(xs_ring, p + off, len - off);
		if (n < 0)
			return n;
		off += n;
		xpv_evtchn_notify(xs_port);
	}
	return 0;
}

/*
 * xs_talk - one request and its reply
 * @len: of the request built in xs_msg (xs_request_lock held)
 * @body: the reply's payload, NUL-terminated, for the caller to kfree; or
 *	  NULL when the caller does not want it
 */
static int xs_talk(int len, char **body, u32 *body_len)
{
	u32 type = xs_msg->hdr.type;
	int rc;

	lockdep_assert_held(&xs_request_lock);
	if (len < 0)
		return len;
	if (!xs_ring)
		return -ENODEV;
	if (READ_ONCE(xs_broken))
		return -EIO;
	spin_lock(&xs_reply_lock);
	xs_reply.req_id = xs_msg->hdr.req_id;
	xs_reply.waiting = true;
	xs_reply.done = false;
	xs_reply.test_nomem = IS_ENABLED(CONFIG_XPV_XENBUS_KUNIT_TEST) &&
			      xpv_xs_test_nomem_task == current;
	spin_unlock(&xs_reply_lock);

	rc = xs_send(len);
	if (rc) {
		/* part of a message may be on the ring: nothing after it parses */
		pr_err("cannot send a request (%d): no more requests\n", rc);
		WRITE_ONCE(xs_broken, true);
	} else if (!wait_event_timeout(xs_wq, xs_reply_done(), XS_REPLY_TIMEOUT)) {
		rc = -ETIMEDOUT;
	}

	spin_lock(&xs_reply_lock);
	xs_reply.waiting = false;
	if (!rc && !xs_reply.done)
		rc = -EIO;	/* broken */
	if (!rc)
		rc = xs_reply.err ?:
		     xpv_xs_reply_check(type, &xs_reply.hdr, xs_reply.body);
	if (!rc && body) {
		*body = xs_reply.body;
		if (body_len)
			*body_len = xs_reply.hdr.len;
	} else {
		kfree(xs_reply.body);
	}
	xs_reply.body = NULL;
	xs_reply.done = false;
	spin_unlock(&xs_reply_lock);
	if (rc == -ETIMEDOUT)
		pr_err("no reply from xenstored to a request of type %u\n", type);
	return rc;
}

/* A request of @n strings; the reply's payload to @body if wanted. */
static int xs_simple(enum xpv_xs_type type, xpv_xs_tx tx, const char *const *strs,
		     unsigned int n, char **body, u32 *body_len)
{
	int rc;

	mutex_lock(&xs_request_lock);
	rc = xs_talk(xpv_xs_build(xs_msg, type, ++xs_next_id, tx, strs, n),
		     body, body_len);
	mutex_unlock(&xs_request_lock);
	return rc;
}

bool xpv_xs_available(void)
{
	return xs_ring && !READ_ONCE(xs_broken);
}
EXPORT_SYMBOL_GPL(xpv_xs_available);

static int xs_path_check(const char *path)
{
	if (xpv_xs_path_ok(path))
		return 0;
	pr_warn_ratelimited("bad xenstore path '%s'\n", path);
	return -EINVAL;
}

int xpv_xs_read(xpv_xs_tx tx, const char *path, char **val)
{
	return xs_path_check(path) ?: xs_simple(XPV_XS_READ, tx, &path, 1, val, NULL);
}
EXPORT_SYMBOL_GPL(xpv_xs_read);

/* "<dir>/<node>", or -ENOMEM */
static char *xs_join(const char *dir, const char *node)
{
	return node && *node ? kasprintf(GFP_KERNEL, "%s/%s", dir, node) :
			       kstrdup(dir, GFP_KERNEL);
}

int xpv_xs_read_node(xpv_xs_tx tx, const char *dir, const char *node, char **val)
{
	char *path = xs_join(dir, node);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = xpv_xs_read(tx, path, val);
	kfree(path);
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_xs_read_node);

int xpv_xs_read_uint(xpv_xs_tx tx, const char *dir, const char *node,
		     unsigned long long *val)
{
	char *s;
	int rc = xpv_xs_read_node(tx, dir, node, &s);

	if (rc)
		return rc;
	rc = kstrtoull(s, 10, val);
	kfree(s);
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_xs_read_uint);

int xpv_xs_write(xpv_xs_tx tx, const char *path, const char *val)
{
	int rc = xs_path_check(path);

	if (rc)
		return rc;
	mutex_lock(&xs_request_lock);
	rc = xs_talk(xpv_xs_build_write(xs_msg, ++xs_next_id, tx, path, val,
					strlen(val)), NULL, NULL);
	mutex_unlock(&xs_request_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_xs_write);

int xpv_xs_printf(xpv_xs_tx tx, const char *dir, const char *node,
		  const char *fmt, ...)
{
	char *path = xs_join(dir, node), *val;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	val = kvasprintf(GFP_KERNEL, fmt, ap);
	va_end(ap);
	rc = path && val ? xpv_xs_write(tx, path, val) : -ENOMEM;
	kfree(val);
	kfree(path);
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_xs_printf);

int xpv_xs_mkdir(xpv_xs_tx tx, const char *path)
{
	return xs_path_check(path) ?: xs_simple(XPV_XS_MKDIR, tx, &path, 1, NULL, NULL);
}
EXPORT_SYMBOL_GPL(xpv_xs_mkdir);

int xpv_xs_rm(xpv_xs_tx tx, const char *path)
{
	return xs_path_check(path) ?: xs_simple(XPV_XS_RM, tx, &path, 1, NULL, NULL);
}
EXPORT_SYMBOL_GPL(xpv_xs_rm);

int xpv_xs_directory(xpv_xs_tx tx, const char *path, char ***names,
		     unsigned int *n)
{
	char *body, **out;
	const char **split;
	u32 len;
	int rc, i, count;

	rc = xs_path_check(path) ?: xs_simple(XPV_XS_DIRECTORY, tx, &path, 1, &body, &len);
	if (rc)
		return rc;
	/* at most one name per two bytes: "a\0" */
	split = kcalloc(len / 2 + 1, sizeof(*split), GFP_KERNEL);
	count = split ? xpv_xs_split(body, len, split, len / 2 + 1) : -ENOMEM;
	if (count < 0) {
		kfree(split);
		kfree(body);
		return count;
	}
	/* the pointers, then the names, in one allocation */
	out = kmalloc(count * sizeof(*out) + len + 1, GFP_KERNEL);
	if (out) {
		char *names_at = (char *)(out + count);

		memcpy(names_at, body, len + 1);
		for (i = 0; i < count; i++)
			out[i] = names_at + (split[i] - body);
	}
	kfree(split);
	kfree(body);
	if (!out)
		return -ENOMEM;
	*names = out;
	*n = count;
	return 0;
}
EXPORT_SYMBOL_GPL(xpv_xs_directory);

int xpv_xs_transaction_start(xpv_xs_tx *tx)
{
	const char *empty = "";
	unsigned long long id;
	char *body;
	int rc = xs_simple(XPV_XS_TRANSACTION_START, 0, &empty, 1, &body, NULL);

	if (rc)
		return rc;
	rc = kstrtoull(body, 10, &id);
	kfree(body);
	if (!rc && (id == 0 || id > U32_MAX))
		rc = -EPROTO;
	if (!rc)
		*tx = id;
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_xs_transaction_start);

int xpv_xs_transaction_end(xpv_xs_tx tx, bool abort)
{
	const char *how = abort ? "F" : "T";

	return xs_simple(XPV_XS_TRANSACTION_END, tx, &how, 1, NULL, NULL);
}
EXPORT_SYMBOL_GPL(xpv_xs_transaction_end);

/* ---- watches ---- */

int xpv_xs_watch_register(struct xpv_xs_watch *w)
{
	const char *strs[2] = { w->path, w->token };
	int rc = xs_path_check(w->path);

	if (rc)
		return rc;
	mutex_lock(&xs_watches_lock);
	snprintf(w->token, sizeof(w->token), "%lx", ++xs_next_token);
	list_add(&w->list, &xs_watches);
	mutex_unlock(&xs_watches_lock);
	rc = xs_simple(XPV_XS_WATCH, 0, strs, 2, NULL, NULL);
	if (rc) {
		mutex_lock(&xs_watches_lock);
		list_del(&w->list);
		mutex_unlock(&xs_watches_lock);
	}
	return rc;
}
EXPORT_SYMBOL_GPL(xpv_xs_watch_register);

void xpv_xs_watch_unregister(struct xpv_xs_watch *w)
{
	const char *strs[2] = { w->path, w->token };
	struct xs_event *ev, *next;
	int rc = xs_simple(XPV_XS_UNWATCH, 0, strs, 2, NULL, NULL);

	if (rc)
		pr_warn("unwatch %s: %d\n", w->path, rc);
	mutex_lock(&xs_watches_lock);
	list_del(&w->list);
	mutex_unlock(&xs_watches_lock);
	/* events still queued for it are dropped; one running finishes first */
	spin_lock(&xs_events_lock);
	list_for_each_entry_safe(ev, next, &xs_events, list) {
		if (!strcmp(ev->token, w->token)) {
			list_del(&ev->list);
			xs_nr_events--;
			kfree(ev);
		}
	}
	spin_unlock(&xs_events_lock);
	/*
	 * Wait for a callback that may be running it. From a callback (the
	 * bus removes a device, and its backend watch, from the watch on
	 * device/) none can be: this thread is the one that runs them.
	 */
	if (current != xs_watch_task) {
		mutex_lock(&xs_callback_lock);
		mutex_unlock(&xs_callback_lock);
	}
}
EXPORT_SYMBOL_GPL(xpv_xs_watch_unregister);

/* After a drop, with the queue drained: one event per watch, its own path. */
static void xs_queue_resync(void)
{
	struct xpv_xs_watch *w;

	mutex_lock(&xs_watches_lock);
	list_for_each_entry(w, &xs_watches, list)
		xpv_xs_queue_event(w->path, w->token, true);
	mutex_unlock(&xs_watches_lock);
}

/* The next queued event; *@resync when none is and a drop wants a resync. */
static struct xs_event *xs_take_event(bool *resync)
{
	struct xs_event *ev;

	spin_lock(&xs_events_lock);
	ev = list_first_entry_or_null(&xs_events, struct xs_event, list);
	if (ev) {
		list_del(&ev->list);
		xs_nr_events--;
	}
	*resync = !ev && xs_resync;
	if (*resync)
		xs_resync = false;
	spin_unlock(&xs_events_lock);
	return ev;
}

static struct xs_event *xs_next_event(void)
{
	struct xs_event *ev;
	bool resync;

	ev = xs_take_event(&resync);
	while (resync) {
		pr_warn_ratelimited("watch events dropped (%lu so far): firing every watch\n",
				    READ_ONCE(xs_events_dropped));
		xs_queue_resync();
		ev = xs_take_event(&resync);
	}
	return ev;
}

static bool xs_events_pending(void)
{
	return !list_empty(&xs_events) || READ_ONCE(xs_resync);
}

/* Run @ev's watch, if it is still registered. */
static void xs_run_event(struct xs_event *ev)
{
	struct xpv_xs_watch *w;

	mutex_lock(&xs_callback_lock);
	mutex_lock(&xs_watches_lock);
	list_for_each_entry(w, &xs_watches, list)
		if (!strcmp(w->token, ev->token))
			break;
	mutex_unlock(&xs_watches_lock);
	/* unregister waits for xs_callback_lock: w stays valid */
	if (!list_entry_is_head(w, &xs_watches, list))
		w->callback(w, ev->path);
	mutex_unlock(&xs_callback_lock);
}

static int xs_watcher(void *unused)
{
	struct xs_event *ev;

	while (!kthread_should_stop()) {
		wait_event_interruptible(xs_events_wq, xs_events_pending() ||
					 kthread_should_stop());
		while ((ev = xs_next_event())) {
			xs_run_event(ev);
			kfree(ev);
		}
	}
	return 0;
}

unsigned int xpv_xs_nr_queued_events(void)
{
	return READ_ONCE(xs_nr_events);
}

unsigned long xpv_xs_nr_dropped_events(void)
{
	return READ_ONCE(xs_events_dropped);
}

/* ---- start ---- */

/* Both threads, created stopped: they run once everything is in place. */
static int __init xs_create_threads(struct xpv_xs_rx *rx)
{
	xs_reader_task = kthread_create(xs_reader, rx, "xpv-xenstore");
	if (IS_ERR(xs_reader_task))
		return PTR_ERR(xs_reader_task);
	xs_watch_task = kthread_create(xs_watcher, NULL, "xpv-xswatch");
	if (IS_ERR(xs_watch_task)) {
		kthread_stop(xs_reader_task);
		return PTR_ERR(xs_watch_task);
	}
	return 0;
}

int __init xpv_xenstore_init(void)
{
	const struct start_info *si = xpv_start_info;
	struct xpv_xs_rx *rx;
	int irq, rc;

	if (!si->store_mfn || !si->store_evtchn) {
		pr_info("no xenstore in start_info\n");
		return -ENODEV;
	}
	xs_msg = kzalloc(sizeof(*xs_msg), GFP_KERNEL);
	rx = kzalloc(sizeof(*rx), GFP_KERNEL);	/* the reader's, for good */
	if (!xs_msg || !rx) {
		rc = -ENOMEM;
		goto free;
	}
	/* in the bootstrap region, which the direct map covers */
	xs_ring = __va(PFN_PHYS(xpv_mfn_to_pfn(si->store_mfn)));
	xs_port = si->store_evtchn;
	if (xs_ring->connection != 0)
		pr_warn("xenstore ring reports connection state %u\n", xs_ring->connection);

	/*
	 * The irq stays bound to the port if a later step fails: it is masked
	 * without a handler, and closing the store's port would lose it.
	 */
	irq = xpv_evtchn_bind_irq(xs_port);
	xs_irq = max(irq, 0);
	rc = irq < 0 ? irq : xs_create_threads(rx);
	if (rc)
		goto free;
	rc = request_irq(irq, xs_interrupt, 0, "xenstore", NULL);
	if (rc)
		goto stop_threads;
	wake_up_process(xs_reader_task);
	wake_up_process(xs_watch_task);
	pr_info("ring at mfn %#lx, event channel %u\n",
		(unsigned long)si->store_mfn, xs_port);
	return 0;

stop_threads:
	kthread_stop(xs_watch_task);
	kthread_stop(xs_reader_task);
free:
	/* callers see no xenstore (-ENODEV), as in a domain without one */
	xs_ring = NULL;
	xs_watch_task = NULL;
	xs_reader_task = NULL;
	kfree(rx);
	kfree(xs_msg);
	xs_msg = NULL;
	pr_err("cannot start (%d): no xenstore\n", rc);
	return rc;
}

/* ---- suspend ---- */

void xpv_xs_suspend(void)
{
	mutex_lock(&xs_request_lock);
}

/* The new domain's xenstored knows none of our watches. */
static void xs_rewatch(void)
{
	struct xpv_xs_watch *w;
	int rc;

	mutex_lock(&xs_watches_lock);
	list_for_each_entry(w, &xs_watches, list) {
		const char *strs[2] = { w->path, w->token };

		rc = xs_simple(XPV_XS_WATCH, 0, strs, 2, NULL, NULL);
		if (rc)
			pr_err("watch %s again after resume: %d\n", w->path, rc);
	}
	mutex_unlock(&xs_watches_lock);
}

void xpv_xs_resume(bool new_domain)
{
	if (new_domain) {
		xs_port = xpv_start_info->store_evtchn;
		if (xpv_evtchn_rebind_irq(xs_irq, xs_port))
			pr_err("cannot bind event channel %u after resume\n", xs_port);
	}
	mutex_unlock(&xs_request_lock);
	wake_up(&xs_reader_wq);
	if (new_domain)
		xs_rewatch();
}
