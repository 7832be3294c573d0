// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storage driver "nbd": a disk an NBD server serves (qemu-nbd, nbdkit,
 * nbd-server), on this machine or another, reached through libnbd. The
 * xl line names it by its NBD URI (blk_format_split()):
 *   target=nbd://HOST[:PORT]/EXPORT          TCP
 *   target=nbd+unix:///EXPORT?socket=PATH    a Unix socket
 * TLS (nbds://) is refused: libnbd would read keys from files the URI
 * names, in a worker that is sandboxed; keep the link on a trusted network.
 *
 * Every operation is a command (struct nbd_cmd) on the disk's list, in the
 * order they came, until the server answers it: a request's on the
 * asynchronous path (submit: issued with libnbd's asynchronous calls, many
 * in flight, answered to io.c through blk_ioreq_done), or a synchronous
 * call's, which waits for its answer (wait_step). One engine serves both
 * (service(), after every event): it settles what the completion callbacks
 * recorded, watches the connection, and issues what may go, oldest first.
 * Served from the worker's loop (attach), the socket is a watch polled for
 * what libnbd asks (nbd_aio_get_direction) and a timerfd wakes us for the
 * stall time and the reconnect tries; nothing blocks the loop but DNS
 * lookups of a TCP server (getaddrinfo, inside libnbd's connect).
 *
 * Ordering: the server may answer in any order. A FLUSH is held until
 * every write and trim that came before it is answered, then issued: it
 * covers them and every write the guest saw acknowledged (as the raw
 * driver's fsync drains io_uring). A flush carrying data is its write,
 * then that flush. Commands after a held flush go on.
 *
 * A connection can drop (the server restarted, the network went away) or
 * stall. A request never gets an answer it did not earn: when the
 * connection dies under commands (libnbd completes them with ENOTCONN;
 * a server shutting down says ESHUTDOWN), or commands are in flight and
 * none is answered for the stall time (any answer is progress: a server
 * working through a deep queue is not stalled), we drop the connection,
 * connect again (the handshake too is asynchronous, bounded by the stall
 * time; tries backing off from 50 ms to 2 s, for up to the retry time:
 * blk_config.nbd_retry_ms) and issue every unanswered command again, in
 * their order. Reads, writes, flushes and trims may be issued twice without
 * harm; requests in flight together have no order among them in blkif.
 * Only a server gone for the whole retry time fails the commands waiting
 * (the guest sees an I/O error, as from a disk that stopped answering); the
 * next command tries again.
 *
 * What a server acknowledged stays acknowledged: a write it had taken but
 * not flushed when the connection went away is assumed to be in its hands
 * still (as Linux's nbd client and QEMU's assume on reconnect). That holds
 * when the server's process dies and its writes were in the kernel's page
 * cache (qemu-nbd's writeback mode on a file, nbdkit's file plugin); a
 * server whose machine crashed may have lost them, and no NBD reply can
 * tell us. We log how many such writes there were at each reconnect. An
 * answer from a live server, an error included, is its word and passed on.
 *
 * libnbd parses the protocol and matches replies to commands; we never
 * read a cookie. What we take from the server is checked: its size and
 * block sizes at connect, the same size and writability at reconnect.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libnbd.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blkback.h"

#define RETRY_FIRST_MS	50	/* the first pause between connects */
#define RETRY_MAX_MS	2000	/* the longest */
#define ROUNDS		8	/* service(): state changes in one go, at most */

enum nbd_link { LINK_DOWN, LINK_CONNECTING, LINK_UP };
enum cmd_state {
	CMD_WAITING,		/* not on the connection (new, held, or lost) */
	CMD_ISSUED,		/* on it: the callback is owed */
	CMD_ANSWERED,		/* the callback ran: settle() hands it on */
};

struct nbd_disk;

/* One command until the server answers it. Loop thread only. */
struct nbd_cmd {
	struct nbd_disk *n;
	struct nbd_cmd *prev, *next;	/* n's unanswered commands, in order */
	enum blk_nbd_op op;
	enum cmd_state state;
	void *buf;
	size_t len;
	uint64_t off;
	bool then_flush;		/* a flush carrying data: FLUSH once written */
	bool finished;			/* answered for good, err says how */
	int err;			/* the answer: 0 or -errno */
	struct blk_ioreq *r;		/* the request it serves; NULL: a caller waits */
};

struct nbd_disk {
	struct blk_disk *k;
	struct nbd_handle *h;		/* NULL while down */
	enum nbd_link link;
	char *uri;
	int64_t size;			/* the export's, at first connect; -1 before */
	bool can_flush, can_trim;
	unsigned int reconnects;
	uint64_t unflushed;		/* writes answered since the last flush */
	struct nbd_cmd *head, *tail;	/* unanswered, oldest first */
	unsigned int nr_issued;		/* of them, on h */
	bool answered;			/* callbacks ran since the last settle() */
	uint64_t since;			/* ms: the last answer, the first issue, or
					 * the connect: the stall time runs from it */
	uint64_t lost_at;		/* ms: retrying since; 0: not retrying */
	uint64_t retry_at;		/* ms: the next connect try */
	unsigned int pause;		/* ms: before the try after it */
	struct xpv_backend *be;		/* the loop serving us; NULL: sync only */
	struct xpv_fdw *sock_w;		/* h's socket, watched */
	struct xpv_fdw *timer_w;	/* due at next_due() or before */
	uint64_t armed;			/* ms: timer_w's due time; 0: none */
};

void (*blk_nbd_test_issue)(enum blk_nbd_op op, unsigned int on_connection);
bool (*blk_nbd_test_hold)(const struct blk_ioreq *r);

static struct nbd_disk *nbd_disk_of(struct blk_disk *k)
{
	return k->priv;
}

/* libnbd's errno for its last error, never 0. */
static int lib_err(void)
{
	int e = nbd_get_errno();

	return e > 0 ? -e : -EIO;
}

static const char *lib_msg(void)
{
	const char *m = nbd_get_error();

	return m ? m : "unknown libnbd error";
}

static bool alive(const struct nbd_disk *n)
{
	return !nbd_aio_is_dead(n->h) && !nbd_aio_is_closed(n->h);
}

/* Not the server's answer: the connection went under the command. */
static bool lost_err(int err)
{
	return err == -ENOTCONN || err == -ESHUTDOWN;
}

static void enqueue(struct nbd_disk *n, struct nbd_cmd *c)
{
	c->n = n;
	c->prev = n->tail;
	c->next = NULL;
	if (n->tail)
		n->tail->next = c;
	else
		n->head = c;
	n->tail = c;
}

static void unlink_cmd(struct nbd_disk *n, struct nbd_cmd *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		n->head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		n->tail = c->prev;
}

static unsigned int unanswered(const struct nbd_disk *n)
{
	const struct nbd_cmd *c;
	unsigned int nr = 0;

	for (c = n->head; c; c = c->next)
		nr++;
	return nr;
}

/* @c is answered for good: off the list, to its request or its caller. */
static void finish(struct nbd_disk *n, struct nbd_cmd *c)
{
	struct blk_ioreq *r = c->r;

	unlink_cmd(n, c);
	if (!c->err && c->op == BLK_NBD_WRITE)
		n->unflushed++;
	if (!c->err && c->op == BLK_NBD_FLUSH)
		n->unflushed = 0;
	c->finished = true;
	if (!r)
		return;
	r->err = c->err;
	r->pending = 0;
	free(c);
	blk_ioreq_done(r);
}

/* libnbd's completion callback, run with its lock held: it only records. */
static int answered(void *data, int *error)
{
	struct nbd_cmd *c = data;

	c->err = -*error;
	c->state = CMD_ANSWERED;
	c->n->nr_issued--;
	c->n->answered = true;
	return 1;	/* retired: no nbd_aio_command_completed() */
}

static int64_t issue(struct nbd_handle *h, struct nbd_cmd *c)
{
	nbd_completion_callback cb = { .callback = answered, .user_data = c };

	switch (c->op) {
	case BLK_NBD_READ:
		return nbd_aio_pread(h, c->buf, c->len, c->off, cb, 0);
	case BLK_NBD_WRITE:
		return nbd_aio_pwrite(h, c->buf, c->len, c->off, cb, 0);
	case BLK_NBD_FLUSH:
		return nbd_aio_flush(h, cb, 0);
	default:
		return nbd_aio_trim(h, c->len, c->off, cb, 0);
	}
}

/*
 * Why the connection went, for the log: libnbd's last error when it died
 * (DEAD); a server that hung up cleanly (CLOSED) leaves none.
 */
static void why_lost(struct nbd_disk *n)
{
	if (nbd_aio_is_closed(n->h))
		blk_disk_why(n->k, -ENOTCONN, "the server closed the connection");
	else
		blk_disk_why(n->k, -ENOTCONN, "%s", lib_msg());
}

/*
 * @c onto the connection. libnbd may run the callback before it returns
 * (the connection died meanwhile), so @c is ISSUED first. A call that
 * fails queued nothing and runs no callback: libnbd refused the command
 * (its answer), or the connection is gone (lost).
 */
static void send_cmd(struct nbd_disk *n, struct nbd_cmd *c)
{
	int64_t cookie;

	if (blk_nbd_test_issue)
		blk_nbd_test_issue(c->op, n->nr_issued);
	if (!n->nr_issued++)
		n->since = xpv_now_ms();
	c->state = CMD_ISSUED;
	cookie = issue(n->h, c);
	if (!alive(n))		/* it was before: kick() */
		why_lost(n);
	if (cookie >= 0)
		return;
	n->nr_issued--;
	c->err = alive(n) ? lib_err() : -ENOTCONN;
	c->state = CMD_ANSWERED;
	n->answered = true;
}

/* A flush waits until every write and trim before it is answered. */
static bool may_issue(const struct nbd_cmd *c)
{
	const struct nbd_cmd *e;

	if (c->op != BLK_NBD_FLUSH)
		return true;
	for (e = c->prev; e; e = e->prev)
		if (e->op == BLK_NBD_WRITE || e->op == BLK_NBD_TRIM)
			return false;
	return true;
}

/* Issue what may go, oldest first. */
static void kick(struct nbd_disk *n)
{
	struct nbd_cmd *c;

	for (c = n->head; c && alive(n); c = c->next)
		if (c->state == CMD_WAITING && may_issue(c))
			send_cmd(n, c);
}

/* Tests: an answer kept back, as if it came later (blk_nbd_test_release). */
static bool held(const struct nbd_cmd *c)
{
	return c->r && !lost_err(c->err) && blk_nbd_test_hold && blk_nbd_test_hold(c->r);
}

/*
 * Hand on the answers the callbacks recorded; a lost command waits to be
 * issued again. A flush's write, done, becomes its flush. True when one
 * says the connection is lost.
 */
static bool settle(struct nbd_disk *n)
{
	struct nbd_cmd *c, *next;
	bool lost = false;

	if (!n->answered)
		return false;
	n->answered = false;
	for (c = n->head; c; c = next) {
		next = c->next;
		if (c->state != CMD_ANSWERED || held(c))
			continue;
		c->state = CMD_WAITING;
		if (lost_err(c->err)) {
			lost = true;
			continue;
		}
		n->since = xpv_now_ms();	/* progress */
		if (c->err || c->op != BLK_NBD_WRITE || !c->then_flush || !n->can_flush) {
			finish(n, c);
			continue;
		}
		n->unflushed++;
		c->op = BLK_NBD_FLUSH;
	}
	return lost;
}

/* Poll for what libnbd waits for on its socket. */
static short events_of(struct nbd_handle *h)
{
	int dir = nbd_aio_get_direction(h);

	return (short)((dir & LIBNBD_AIO_DIRECTION_READ ? POLLIN : 0) |
		       (dir & LIBNBD_AIO_DIRECTION_WRITE ? POLLOUT : 0));
}

/* What poll saw on the socket, told to libnbd; a death is noted in k->why. */
static void notify(struct nbd_disk *n, short revents)
{
	short want = events_of(n->h);

	if ((want & POLLIN) && (revents & (POLLIN | POLLHUP | POLLERR)))
		nbd_aio_notify_read(n->h);
	want = alive(n) ? events_of(n->h) : 0;
	if ((want & POLLOUT) && (revents & (POLLOUT | POLLHUP | POLLERR)))
		nbd_aio_notify_write(n->h);
	if (!alive(n))
		why_lost(n);
}

static bool on_socket(struct xpv_fdw *w);

/*
 * The loop polls h's socket for what libnbd waits for. The socket can
 * change while connecting (libnbd tries a TCP server's addresses in
 * turn): watched again then. ENOMEM: the stall time finds the silence.
 */
static void watch_socket(struct nbd_disk *n)
{
	int fd = nbd_aio_get_fd(n->h);

	if (n->sock_w && n->sock_w->fd != fd) {
		xpv_fd_unwatch(n->sock_w);
		n->sock_w = NULL;
	}
	if (!n->sock_w && fd >= 0)
		n->sock_w = xpv_fd_watch(n->be, fd, on_socket, n);
	if (n->sock_w)
		xpv_fd_events(n->sock_w, events_of(n->h));
}

/*
 * nbd_close() runs no completion callback: what was on the connection
 * waits to be issued again.
 */
static void hang_up(struct nbd_disk *n)
{
	struct nbd_cmd *c;

	for (c = n->head; c; c = c->next)
		if (c->state == CMD_ISSUED)
			c->state = CMD_WAITING;
	n->nr_issued = 0;
	xpv_fd_unwatch(n->sock_w);
	n->sock_w = NULL;
	nbd_close(n->h);
	n->h = NULL;
	n->link = LINK_DOWN;
}

static void start_retrying(struct nbd_disk *n)
{
	n->lost_at = xpv_now_ms();
	n->retry_at = n->lost_at;
	n->pause = RETRY_FIRST_MS;
}

/*
 * The connection is gone or stalled: drop it; connect again if needed.
 * @why, or NULL: what k->why says already.
 */
static void lose(struct nbd_disk *n, const char *why)
{
	if (why)
		blk_disk_why(n->k, -ENOTCONN, "%s", why);
	xpv_log("%s: connection lost: %s (%u commands unanswered)", n->uri, n->k->why,
		unanswered(n));
	hang_up(n);
	if (n->head && !n->lost_at)
		start_retrying(n);
}

/* The server stayed away: every waiting command fails; the next tries again. */
static void give_up(struct nbd_disk *n)
{
	char why[sizeof(n->k->why)];

	n->lost_at = 0;
	if (!n->head)
		return;
	memcpy(why, n->k->why, sizeof(why));
	blk_disk_why(n->k, -EIO, "cannot reconnect: %s", why);
	xpv_log("%s: %s; %u commands fail", n->uri, n->k->why, unanswered(n));
	while (n->head) {
		n->head->err = -EIO;
		finish(n, n->head);
	}
}

/* A try failed: the next one after a pause, unless the retry time is over. */
static void retry_later(struct nbd_disk *n)
{
	uint64_t now = xpv_now_ms();

	if (now - n->lost_at >= blk_config.nbd_retry_ms)
		return give_up(n);
	n->retry_at = now + n->pause;
	n->pause = n->pause * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : n->pause * 2;
}

/* Only plain TCP and Unix sockets, no TLS, no local files named by URI. */
static struct nbd_handle *dial(struct nbd_disk *n)
{
	struct nbd_handle *h = nbd_create();

	if (h && !nbd_set_uri_allow_transports(h, LIBNBD_ALLOW_TRANSPORT_TCP |
						  LIBNBD_ALLOW_TRANSPORT_UNIX) &&
	    !nbd_set_uri_allow_tls(h, LIBNBD_TLS_DISABLE) &&
	    !nbd_set_uri_allow_local_file(h, false) &&
	    !nbd_aio_connect_uri(h, n->uri))
		return h;
	blk_disk_why(n->k, lib_err(), "%s", lib_msg());
	nbd_close(h);
	return NULL;
}

/* Start a connection; its handshake goes on from the socket's events. */
static void attempt(struct nbd_disk *n)
{
	n->h = dial(n);
	if (!n->h)
		return retry_later(n);
	n->link = LINK_CONNECTING;
	n->since = xpv_now_ms();
}

/* The same export as before: its size, and writable if the disk writes. */
static int same_export(struct nbd_disk *n)
{
	int64_t size = nbd_get_size(n->h);

	if (size != n->size)
		return blk_disk_why(n->k, -ENXIO, "the export is %lld bytes now, was %lld",
				    (long long)size, (long long)n->size);
	if (!n->k->read_only && nbd_is_read_only(n->h) != 0)
		return blk_disk_why(n->k, -EROFS, "the export is read-only now");
	return 0;
}

/* Shaken hands. Another export on the other end is an answer: no retry. */
static void connected(struct nbd_disk *n)
{
	if (n->size >= 0 && same_export(n)) {
		hang_up(n);
		return give_up(n);
	}
	n->link = LINK_UP;
	if (n->lost_at)
		xpv_log("%s: connected again (reconnect %u; %u commands to issue; %llu writes were not flushed yet)",
			n->uri, ++n->reconnects, unanswered(n),
			(unsigned long long)n->unflushed);
	n->lost_at = 0;
}

/* Each returns true when the state changed: another round may follow. */
static bool step_up(struct nbd_disk *n, bool lost, uint64_t now)
{
	if (lost || !alive(n)) {
		lose(n, alive(n) ? "the server is shutting down" : NULL);
		return true;
	}
	if (n->nr_issued && now - n->since >= blk_config.nbd_stall_ms) {
		lose(n, "no answer within the stall time");
		return true;
	}
	kick(n);
	return n->answered;
}

static bool step_connecting(struct nbd_disk *n, uint64_t now)
{
	bool shaking = nbd_aio_is_connecting(n->h) > 0;

	if (nbd_aio_is_ready(n->h) > 0) {
		connected(n);
		return true;
	}
	if (shaking && now - n->since < blk_config.nbd_stall_ms)
		return false;
	if (shaking)	/* else it died: notify() said why */
		blk_disk_why(n->k, -ETIMEDOUT, "no handshake within the stall time");
	hang_up(n);
	retry_later(n);
	return true;
}

static bool step_down(struct nbd_disk *n, uint64_t now)
{
	if (!n->head)
		return false;
	if (!n->lost_at)	/* the first command since the server was lost */
		start_retrying(n);
	if (now < n->retry_at)
		return false;
	attempt(n);
	return true;
}

static bool advance(struct nbd_disk *n)
{
	bool lost = settle(n);
	uint64_t now = xpv_now_ms();

	switch (n->link) {
	case LINK_UP:
		return step_up(n, lost, now);
	case LINK_CONNECTING:
		return step_connecting(n, now);
	default:
		return step_down(n, now);
	}
}

/* When service() must run again (xpv_now_ms's clock); 0: not before an event. */
static uint64_t next_due(const struct nbd_disk *n)
{
	if (n->answered)
		return 1;	/* past: at once */
	switch (n->link) {
	case LINK_UP:
		return n->nr_issued ? n->since + blk_config.nbd_stall_ms : 0;
	case LINK_CONNECTING:
		return n->since + blk_config.nbd_stall_ms;
	default:
		return !n->head ? 0 : n->lost_at ? n->retry_at : 1;
	}
}

/*
 * Served from the loop: wait there for the socket and the next due time.
 * A timer due earlier stays (it fires, finds nothing due, and is set
 * again): not a system call per answer for the stall time.
 */
static void rearm(struct nbd_disk *n)
{
	uint64_t due;

	if (!n->be)
		return;
	if (n->h)
		watch_socket(n);
	due = next_due(n);
	if (!due || (n->armed && n->armed <= due))
		return;
	n->armed = due;
	xpv_timer_set(n->timer_w, due);
}

/* After every event: move the disk on as far as it goes, then wait. */
static void service(struct nbd_disk *n)
{
	unsigned int i = 0;

	while (advance(n) && ++i < ROUNDS)
		;
	rearm(n);
}

static bool on_socket(struct xpv_fdw *w)
{
	struct nbd_disk *n = w->arg;
	short revents = w->revents;

	w->revents = 0;
	if (w == n->sock_w)
		notify(n, revents);
	service(n);
	return false;
}

static bool on_timer(struct xpv_fdw *w)
{
	struct nbd_disk *n = w->arg;
	uint64_t ticks;

	if (read(w->fd, &ticks, sizeof(ticks)) < 0)
		ticks = 0;	/* EAGAIN: re-armed since it fired */
	n->armed = 0;
	service(n);
	return false;
}

/*
 * Block until the next event of the disk (an answer, a due time) and
 * handle it: synchronous calls, opening and draining. The loop does not
 * run meanwhile.
 */
static void wait_step(struct nbd_disk *n)
{
	uint64_t due = next_due(n), now = xpv_now_ms();
	int ms = (int)blk_config.nbd_stall_ms;
	struct pollfd p = { .fd = -1 };

	if (due)
		ms = due <= now ? 0 : (int)(due - now);
	if (n->h)
		p = (struct pollfd){ .fd = nbd_aio_get_fd(n->h), .events = events_of(n->h) };
	if (poll(&p, 1, ms) > 0 && n->h)
		notify(n, p.revents);
	service(n);
}

/* A synchronous call: its command until answered, or the retry time is over. */
static int run(struct blk_disk *k, enum blk_nbd_op op, void *buf, size_t len,
	       uint64_t off)
{
	struct nbd_disk *n = nbd_disk_of(k);
	struct nbd_cmd c = { .op = op, .buf = buf, .len = len, .off = off };

	enqueue(n, &c);
	service(n);
	while (!c.finished)
		wait_step(n);
	return c.err;
}

/* Sectors the export takes: ours, unless it needs bigger blocks. */
static int geometry(struct blk_disk *k, struct nbd_disk *n)
{
	int64_t min = nbd_get_block_size(n->h, LIBNBD_SIZE_MINIMUM);
	int64_t pref = nbd_get_block_size(n->h, LIBNBD_SIZE_PREFERRED);

	k->sector_size = k->file_sector_size;
	if (min > (int64_t)k->sector_size)
		return blk_disk_why(k, -EINVAL,
				    "the export takes blocks of %lld bytes at least, sectors are %u (xpv-blkback -s)",
				    (long long)min, k->sector_size);
	k->phys_sector_size = pref >= 4096 ? 4096 : k->sector_size;
	/* a partial last sector is not part of the disk */
	k->nr_sectors = (uint64_t)n->size / k->sector_size *
			(k->sector_size >> XPV_BLKIF_SECTOR_SHIFT);
	if (n->can_trim && !k->read_only)
		k->discard_granularity = k->phys_sector_size;
	return 0;
}

/* The first connection, waited for: the handshake within the stall time. */
static int first_connect(struct nbd_disk *n)
{
	attempt(n);
	while (n->link == LINK_CONNECTING)
		wait_step(n);
	return n->link == LINK_UP ? 0 : -EIO;
}

static int nbd_disk_open(struct blk_disk *k, const char *uri)
{
	struct nbd_disk *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	k->priv = n;
	n->k = k;
	n->size = -1;
	n->uri = strdup(uri);
	if (!n->uri)
		return -ENOMEM;
	if (first_connect(n))
		return -EIO;
	n->size = nbd_get_size(n->h);
	if (n->size < 0)
		return blk_disk_why(k, -EIO, "%s", lib_msg());
	if (!k->read_only && nbd_is_read_only(n->h) != 0)
		return blk_disk_why(k, -EROFS, "the export is read-only");
	n->can_flush = nbd_can_flush(n->h) > 0;
	n->can_trim = nbd_can_trim(n->h) > 0;
	return geometry(k, n);
}

/* Drained first (blk_vbd_drain): no request's command is left. */
static void nbd_disk_close(struct blk_disk *k)
{
	struct nbd_disk *n = nbd_disk_of(k);

	if (!n)
		return;
	while (n->head) {	/* our own bug: fail them rather than leak */
		n->head->err = -EIO;
		finish(n, n->head);
	}
	if (n->h)
		hang_up(n);
	xpv_timer_unwatch(n->timer_w);
	free(n->uri);
	free(n);
	k->priv = NULL;
}

/**
 * nbd_disk_attach() - serve the disk from @be's loop: its socket watched,
 * a timer of its own, blk_config.nbd_max_inflight requests in flight
 */
static int nbd_disk_attach(struct blk_disk *k, struct xpv_backend *be)
{
	struct nbd_disk *n = nbd_disk_of(k);

	n->timer_w = xpv_timer_watch(be, on_timer, n);
	if (!n->timer_w)
		return -errno;
	n->be = be;
	k->max_inflight = blk_config.nbd_max_inflight;
	rearm(n);
	return 0;
}

static int nbd_disk_read(struct blk_disk *k, void *buf, size_t len, uint64_t off)
{
	return run(k, BLK_NBD_READ, buf, len, off);
}

static int nbd_disk_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off)
{
	/* libnbd takes a const buffer for writes; struct nbd_cmd has one field */
	return run(k, BLK_NBD_WRITE, (void *)buf, len, off);
}

/* A server without a cache to flush writes through: nothing to do. */
static int nbd_disk_flush(struct blk_disk *k)
{
	struct nbd_disk *n = nbd_disk_of(k);
	int err = n->can_flush ? run(k, BLK_NBD_FLUSH, NULL, 0, 0) : 0;

	if (!err)
		n->unflushed = 0;
	return err;
}

static int nbd_disk_discard(struct blk_disk *k, uint64_t off, uint64_t len)
{
	return nbd_disk_of(k)->can_trim ? run(k, BLK_NBD_TRIM, NULL, len, off) : -EOPNOTSUPP;
}

/* A request's command: a flush carrying data writes first. */
static int cmd_of(struct nbd_disk *n, struct blk_ioreq *r, struct nbd_cmd *c)
{
	*c = (struct nbd_cmd){ .buf = r->buf, .len = r->len, .r = r,
			       .off = r->req.sector << XPV_BLKIF_SECTOR_SHIFT };
	switch (r->req.op) {
	case XPV_BLKIF_OP_READ:
		c->op = BLK_NBD_READ;
		return 0;
	case XPV_BLKIF_OP_WRITE:
		c->op = BLK_NBD_WRITE;
		return 0;
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		c->op = r->len ? BLK_NBD_WRITE : BLK_NBD_FLUSH;
		c->then_flush = r->len;
		return r->len || n->can_flush ? 0 : 1;
	default:
		c->op = BLK_NBD_TRIM;
		c->len = r->req.nr_sectors << XPV_BLKIF_SECTOR_SHIFT;
		return n->can_trim ? 0 : -EOPNOTSUPP;
	}
}

/*
 * The submit op: @r's command on the list, issued now if the connection
 * is up; its answer comes through blk_ioreq_done. Callbacks it meets are
 * settled from the loop (the timer, at once), not under io.c's feet.
 */
static int nbd_disk_submit(struct blk_disk *k, struct blk_ioreq *r)
{
	struct nbd_disk *n = nbd_disk_of(k);
	struct nbd_cmd *c = malloc(sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	rc = cmd_of(n, r, c);
	if (rc) {		/* nothing to send: done (1) or refused */
		free(c);
		return rc < 0 ? rc : 0;
	}
	r->pending = 1;
	enqueue(n, c);
	if (n->link == LINK_UP)
		kick(n);
	rearm(n);
	return 0;
}

/** blk_nbd_test_release() - settle the answers blk_nbd_test_hold kept */
void blk_nbd_test_release(struct blk_disk *k)
{
	nbd_disk_of(k)->answered = true;
	service(nbd_disk_of(k));
}

static void nbd_disk_wait(struct blk_disk *k)
{
	wait_step(nbd_disk_of(k));
}

const struct blk_driver blk_driver_nbd = {
	.name = "nbd",
	.open = nbd_disk_open,
	.close = nbd_disk_close,
	.attach = nbd_disk_attach,
	.read = nbd_disk_read,
	.write = nbd_disk_write,
	.flush = nbd_disk_flush,
	.discard = nbd_disk_discard,
	.submit = nbd_disk_submit,
	.wait = nbd_disk_wait,
};
