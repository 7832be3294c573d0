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
 * A connection can drop (the server restarted, the network went away) or
 * stall. A request never gets an answer it did not earn: when a command
 * fails because the connection died, or makes no progress for the stall
 * time, we drop the connection, connect again (backing off, for up to the
 * retry time: blk_config.nbd_retry_ms) and issue the same command on the
 * new connection. Reads, writes, flushes and trims may be issued twice
 * without harm, and one request is in flight at a time, so nothing can
 * overtake the command issued again. Only a server gone for the whole retry
 * time fails the request (the guest sees an I/O error, as from a disk
 * that stopped answering); the next request tries again.
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
 * Commands run one at a time to completion on the loop's thread (libnbd's
 * asynchronous calls and nbd_poll() with a timeout, so a stalled server
 * is noticed); while we wait or reconnect, this worker's other disks wait.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libnbd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blkback.h"

#define RETRY_FIRST_MS	50	/* the first pause between connects */
#define RETRY_MAX_MS	2000	/* the longest */

enum nbd_op { NBD_READ, NBD_WRITE, NBD_FLUSH, NBD_TRIM };

struct nbd_disk {
	struct nbd_handle *h;	/* NULL while disconnected */
	char *uri;
	int64_t size;		/* the export's, at first connect */
	bool can_flush, can_trim;
	unsigned int reconnects;
	uint64_t unflushed;	/* writes acknowledged since the last flush */
};

static struct nbd_disk *nbd_disk_of(struct blk_disk *k)
{
	return k->priv;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
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

static void hang_up(struct nbd_disk *n)
{
	if (n->h)
		nbd_close(n->h);
	n->h = NULL;
}

/*
 * Connect and shake hands, each step within the stall time: a server that
 * accepts connections but never answers must not hold us forever.
 */
static int handshake(struct nbd_handle *h, const char *uri)
{
	int r = nbd_aio_connect_uri(h, uri);

	while (!r && nbd_aio_is_connecting(h)) {
		r = nbd_poll(h, (int)blk_config.nbd_stall_ms);
		if (!r)
			return -ETIMEDOUT;
		r = r < 0 ? -1 : 0;
	}
	return !r && nbd_aio_is_ready(h) > 0 ? 0 : -1;
}

/* Only plain TCP and Unix sockets, no TLS, no local files named by URI. */
static struct nbd_handle *dial(struct blk_disk *k, const char *uri)
{
	struct nbd_handle *h = nbd_create();
	int r = -1;

	if (h && !nbd_set_uri_allow_transports(h, LIBNBD_ALLOW_TRANSPORT_TCP |
						  LIBNBD_ALLOW_TRANSPORT_UNIX) &&
	    !nbd_set_uri_allow_tls(h, LIBNBD_TLS_DISABLE) &&
	    !nbd_set_uri_allow_local_file(h, false))
		r = handshake(h, uri);
	if (!r)
		return h;
	if (r == -ETIMEDOUT)
		blk_disk_why(k, r, "no handshake within the stall time");
	else
		blk_disk_why(k, lib_err(), "%s", lib_msg());
	if (h)
		nbd_close(h);
	return NULL;
}

/* The same export as before: its size, and writable if the disk writes. */
static int same_export(struct blk_disk *k, struct nbd_handle *h)
{
	struct nbd_disk *n = nbd_disk_of(k);
	int64_t size = nbd_get_size(h);

	if (size != n->size)
		return blk_disk_why(k, -ENXIO, "the export is %lld bytes now, was %lld",
				    (long long)size, (long long)n->size);
	if (!k->read_only && nbd_is_read_only(h) != 0)
		return blk_disk_why(k, -EROFS, "the export is read-only now");
	return 0;
}

/* One try at a new connection to the export the disk was opened on. */
static int redial(struct blk_disk *k)
{
	struct nbd_disk *n = nbd_disk_of(k);
	struct nbd_handle *h = dial(k, n->uri);
	int err;

	if (!h)
		return -ENOTCONN;
	err = same_export(k, h);
	if (err) {
		nbd_close(h);
		return err;
	}
	n->h = h;
	n->reconnects++;
	xpv_log("%s: connected again (reconnect %u; %llu writes were not flushed yet)",
		n->uri, n->reconnects, (unsigned long long)n->unflushed);
	return 0;
}

/*
 * Connect again within the retry time, backing off between tries. A
 * different export on the other end is an answer, not a loss: no retry.
 */
static int reconnect(struct blk_disk *k)
{
	uint64_t until = now_ms() + blk_config.nbd_retry_ms;
	unsigned int pause = RETRY_FIRST_MS;
	int err;

	for (;;) {
		err = redial(k);
		if (err != -ENOTCONN || now_ms() >= until)
			return err;
		sleep_ms(pause);
		pause = pause * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : pause * 2;
	}
}

static int64_t issue(struct nbd_handle *h, enum nbd_op op, void *buf,
		     size_t len, uint64_t off)
{
	switch (op) {
	case NBD_READ:
		return nbd_aio_pread(h, buf, len, off, NBD_NULL_COMPLETION, 0);
	case NBD_WRITE:
		return nbd_aio_pwrite(h, buf, len, off, NBD_NULL_COMPLETION, 0);
	case NBD_FLUSH:
		return nbd_aio_flush(h, NBD_NULL_COMPLETION, 0);
	default:
		return nbd_aio_trim(h, len, off, NBD_NULL_COMPLETION, 0);
	}
}

/*
 * Run one command to its answer: 0 or the server's -errno; -ENOTCONN when
 * the connection died or stalled under it (it is dropped then).
 */
static int run_once(struct nbd_disk *n, enum nbd_op op, void *buf, size_t len,
		    uint64_t off)
{
	int64_t cookie = issue(n->h, op, buf, len, off);
	const char *stalled = NULL;
	int done = cookie < 0 ? -1 : 0, err;

	while (!done) {
		done = nbd_aio_command_completed(n->h, (uint64_t)cookie);
		if (done)
			break;
		done = nbd_poll(n->h, (int)blk_config.nbd_stall_ms);
		if (!done)
			stalled = "no answer within the stall time";
		done = done > 0 ? 0 : -1;
	}
	if (done > 0)
		return 0;
	err = lib_err();
	if (!stalled && !nbd_aio_is_dead(n->h) && !nbd_aio_is_closed(n->h))
		return err;	/* the server's answer, on a live connection */
	xpv_log("%s: connection lost: %s", n->uri, stalled ? stalled : lib_msg());
	hang_up(n);
	return -ENOTCONN;
}

/* A command until the server answers it, reconnecting as often as needed. */
static int run(struct blk_disk *k, enum nbd_op op, void *buf, size_t len,
	       uint64_t off)
{
	struct nbd_disk *n = nbd_disk_of(k);
	char why[sizeof(k->why)];
	int err;

	for (;;) {
		if (!n->h) {
			err = reconnect(k);
			if (err) {
				memcpy(why, k->why, sizeof(why));
				return blk_disk_why(k, -EIO, "cannot reconnect: %s", why);
			}
		}
		err = run_once(n, op, buf, len, off);
		if (err != -ENOTCONN)
			return err;
	}
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

static int nbd_disk_open(struct blk_disk *k, const char *uri)
{
	struct nbd_disk *n = calloc(1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	k->priv = n;
	n->uri = strdup(uri);
	if (!n->uri)
		return -ENOMEM;
	n->h = dial(k, uri);
	if (!n->h)
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

static void nbd_disk_close(struct blk_disk *k)
{
	struct nbd_disk *n = nbd_disk_of(k);

	if (!n)
		return;
	hang_up(n);
	free(n->uri);
	free(n);
	k->priv = NULL;
}

static int nbd_disk_read(struct blk_disk *k, void *buf, size_t len, uint64_t off)
{
	return run(k, NBD_READ, buf, len, off);
}

static int nbd_disk_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off)
{
	/* libnbd takes a const buffer for writes; issue() has one signature */
	int err = run(k, NBD_WRITE, (void *)buf, len, off);

	nbd_disk_of(k)->unflushed += !err;
	return err;
}

/* A server without a cache to flush writes through: nothing to do. */
static int nbd_disk_flush(struct blk_disk *k)
{
	struct nbd_disk *n = nbd_disk_of(k);
	int err = n->can_flush ? run(k, NBD_FLUSH, NULL, 0, 0) : 0;

	if (!err)
		n->unflushed = 0;
	return err;
}

static int nbd_disk_discard(struct blk_disk *k, uint64_t off, uint64_t len)
{
	return nbd_disk_of(k)->can_trim ? run(k, NBD_TRIM, NULL, len, off) : -EOPNOTSUPP;
}

const struct blk_driver blk_driver_nbd = {
	.name = "nbd",
	.open = nbd_disk_open,
	.close = nbd_disk_close,
	.read = nbd_disk_read,
	.write = nbd_disk_write,
	.flush = nbd_disk_flush,
	.discard = nbd_disk_discard,
};
