// SPDX-License-Identifier: GPL-2.0-only
/*
 * The worker's io_uring: asynchronous reads, writes, flushes and discards
 * for the file drivers (raw, qcow2). One ring per process, made
 * before the worker drops privileges and enters its seccomp filter
 * (struct xpv_bdev_ops.worker_init), because the filter then forbids
 * io_uring_setup and io_uring_register and allows io_uring_enter only.
 *
 * WHY the restrictions: io_uring's operations run in the kernel without
 * passing seccomp, so the ring is made disabled (IORING_SETUP_R_DISABLED),
 * told which operations it may ever run (READ, WRITE, FSYNC, FALLOCATE,
 * with the DRAIN and LINK flags; no register operation at all), and only
 * then enabled. A subverted worker could not open, connect or send
 * through it.
 *
 * A request's data is a list of extents (struct blk_extent): pieces of its
 * bounce buffer and where each goes in the disk's file. raw has one, at
 * the request's own offset; qcow2 one per run of contiguous host clusters
 * (qcow2.c maps them). Each extent is an SQE; the request is done when
 * all are.
 *
 * Completions wake the event loop through an eventfd (xpv_fd_watch); the
 * handler reaps every CQE and moves its request on: a short read or write
 * goes on for the rest of its extent, a finished request goes back to
 * io.c (blk_ioreq_done), which answers in ring order. A flush writes its
 * data (if any) as a chain of linked SQEs ending in an fsync that drains:
 * the fsync starts once every SQE submitted before it has completed, so
 * it covers every write the guest saw acknowledged, and a short or failed
 * write cancels the rest of the chain, which goes again. Each disk counts
 * its requests on the ring (k->nr_aio): qcow2 waits for none to be left
 * before it changes metadata. Without io_uring (setup fails: an old
 * kernel, a kernel that forbids it) every request is served synchronously,
 * said once in the log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "blkback.h"

#define RING_ENTRIES	256
#define HELD_MAX	64

/*
 * What a CQE finishes, in the low bits of its user_data: TAG_DATA an
 * extent (its pointer above), the others their request.
 */
#define TAG_DATA	BLK_AIO_DATA
#define TAG_SYNC	BLK_AIO_SYNC
#define TAG_PUNCH	BLK_AIO_PUNCH
#define TAG_MASK	3u

static struct {
	struct io_uring ring;
	bool ready;
	int efd;
	struct xpv_fdw *watch;
	bool draining;			/* tests' holds do not apply */
	unsigned int nr_held;		/* tests: CQEs held back */
	struct { uint64_t data; int res; } held[HELD_MAX];
} aio = { .efd = -1 };

bool (*blk_aio_test_hook)(struct blk_ioreq *r, enum blk_aio_what what, int *res);

static const struct io_uring_restriction allowed[] = {
	{ .opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_READ },
	{ .opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_WRITE },
	{ .opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_FSYNC },
	{ .opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = IORING_OP_FALLOCATE },
	{ .opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED,
	  .sqe_flags = IOSQE_IO_DRAIN | IOSQE_IO_LINK },
};

bool blk_aio_ready(void)
{
	return aio.ready;
}

/** blk_aio_flush() - hand the queued SQEs to the kernel */
void blk_aio_flush(void)
{
	int n;

	if (!aio.ready || !io_uring_sq_ready(&aio.ring))
		return;
	n = io_uring_submit(&aio.ring);
	if (n < 0)	/* the SQEs stay queued; the next submit tries again */
		xpv_log("io_uring submit: %s", strerror(-n));
}

/* Room for @n SQEs, submitting what is queued first if need be. */
static bool room_for(unsigned int n)
{
	if (io_uring_sq_space_left(&aio.ring) < n)
		blk_aio_flush();
	return io_uring_sq_space_left(&aio.ring) >= n;
}

/* The CQE of @sqe finishes @p (an extent, or @r itself) as @tag says. */
static void set_data(struct io_uring_sqe *sqe, struct blk_ioreq *r, void *p,
		     unsigned int tag)
{
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)p | tag);
	r->pending++;
}

/* The request a CQE's user_data names. */
static struct blk_ioreq *req_of(uint64_t data)
{
	void *p = (void *)(uintptr_t)(data & ~(uint64_t)TAG_MASK);

	if ((data & TAG_MASK) == TAG_DATA)
		return ((struct blk_extent *)p)->r;
	return p;
}

static bool ext_left(const struct blk_extent *e)
{
	return e->done < e->len;
}

/* The SQEs @r needs now: what is left of its extents, an fsync, a punch. */
static unsigned int sqes_needed(const struct blk_ioreq *r)
{
	unsigned int i, n = 0;

	if (r->req.op == XPV_BLKIF_OP_DISCARD)
		return !r->synced;
	for (i = 0; i < r->nr_ext; i++)
		n += ext_left(&r->ext[i]);
	return n + (r->req.op == XPV_BLKIF_OP_FLUSH_DISKCACHE && !r->synced);
}

/* The rest of extent @e; @link: a failed or short one cancels what follows. */
static void queue_extent(struct blk_disk *k, struct blk_extent *e, bool link)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&aio.ring);
	uint8_t *buf = e->r->buf + e->at + e->done;
	uint64_t off = e->off + e->done;

	if (e->r->req.op == XPV_BLKIF_OP_READ)
		io_uring_prep_read(sqe, k->fd, buf, e->len - e->done, off);
	else
		io_uring_prep_write(sqe, k->fd, buf, e->len - e->done, off);
	if (link)
		sqe->flags |= IOSQE_IO_LINK;
	set_data(sqe, e->r, e, TAG_DATA);
}

/* After everything submitted before it (and its own data, linked). */
static void queue_fsync(struct blk_disk *k, struct blk_ioreq *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&aio.ring);

	io_uring_prep_fsync(sqe, k->fd, IORING_FSYNC_DATASYNC);
	sqe->flags |= IOSQE_IO_DRAIN;
	set_data(sqe, r, r, TAG_SYNC);
}

/* A discard's hole, at the disk's own offsets (raw). */
static void queue_punch(struct blk_disk *k, struct blk_ioreq *r)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&aio.ring);

	io_uring_prep_fallocate(sqe, k->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				r->req.sector << XPV_BLKIF_SECTOR_SHIFT,
				r->req.nr_sectors << XPV_BLKIF_SECTOR_SHIFT);
	set_data(sqe, r, r, TAG_PUNCH);
}

/*
 * Queue what @r still needs, all of it or nothing: a flush's extents are
 * one chain ending in its fsync, and a chain cut between two submits
 * would let the fsync run before a short write's rest.
 */
static int queue_rest(struct blk_disk *k, struct blk_ioreq *r)
{
	bool flush = r->req.op == XPV_BLKIF_OP_FLUSH_DISKCACHE;
	unsigned int i;

	if (!room_for(sqes_needed(r)))
		return -EAGAIN;
	if (r->req.op == XPV_BLKIF_OP_DISCARD) {
		if (!r->synced)
			queue_punch(k, r);
		return 0;
	}
	for (i = 0; i < r->nr_ext; i++)
		if (ext_left(&r->ext[i]))
			queue_extent(k, &r->ext[i], flush);
	if (flush && !r->synced)
		queue_fsync(k, r);
	return 0;
}

/**
 * blk_aio_submit() - queue @r's I/O on the worker's io_uring
 *
 * The driver filled in r->ext (none for a flush with no data, or one
 * whose data it wrote itself): each extent read or written, going on after
 * short I/O, a flush's extents linked to its draining fsync, a discard
 * punched at the disk's own offsets. The request counts in k->nr_aio
 * until it is handed back (blk_ioreq_done).
 *
 * Return: 0, or -EAGAIN when the SQ has no room even after a submit
 * (nothing queued then), -EIO without a ring.
 */
int blk_aio_submit(struct blk_disk *k, struct blk_ioreq *r)
{
	int err;

	if (!aio.ready)		/* our own bug: only attached disks submit */
		return -EIO;
	err = queue_rest(k, r);
	if (r->pending)
		k->nr_aio++;
	return err;
}

/**
 * blk_aio_submit_fd() - the submit op of raw: the request's bytes at the
 * same offsets in the disk's fd, one extent
 */
int blk_aio_submit_fd(struct blk_disk *k, struct blk_ioreq *r)
{
	r->ext[0] = (struct blk_extent){ .r = r, .len = (uint32_t)r->len,
					 .off = r->req.sector << XPV_BLKIF_SECTOR_SHIFT };
	r->nr_ext = r->len ? 1 : 0;
	return blk_aio_submit(k, r);
}

static void failed(struct blk_ioreq *r, int err)
{
	if (!r->err)
		r->err = err;
}

/*
 * What a data CQE says of its extent. -ECANCELED: a short write before it
 * in its flush's chain cut it; it goes again with the rest.
 */
static void account_data(struct blk_extent *e, int res)
{
	struct blk_ioreq *r = e->r;

	if (res > 0)
		e->done += (uint32_t)res;
	else if (res == -ECANCELED && r->req.op == XPV_BLKIF_OP_FLUSH_DISKCACHE)
		return;
	else	/* 0: the file shrank under us */
		failed(r, res < 0 ? res : -EIO);
}

/* What one CQE says about its request. */
static void account(uint64_t data, int res)
{
	struct blk_ioreq *r = req_of(data);

	switch (data & TAG_MASK) {
	case TAG_DATA:
		account_data((struct blk_extent *)(uintptr_t)(data & ~(uint64_t)TAG_MASK), res);
		break;
	case TAG_SYNC:
		if (res == -ECANCELED && !r->err)
			break;		/* its write was short: both again */
		if (res < 0)
			failed(r, res);
		r->synced = true;
		break;
	default:
		if (res < 0)
			failed(r, res);
		r->synced = true;
	}
}

static bool more_to_do(const struct blk_ioreq *r)
{
	return sqes_needed(r) > 0;
}

static void complete(uint64_t data, int res)
{
	struct blk_ioreq *r = req_of(data);
	struct blk_disk *k = &r->q->vbd->disk;

	account(data, res);
	if (--r->pending)
		return;
	if (!r->err && more_to_do(r)) {
		r->err = queue_rest(k, r);
		if (r->pending)		/* after a failure: once it is back */
			return;
	}
	k->nr_aio--;
	blk_ioreq_done(r);
}

static bool hold(uint64_t data, int *res)
{
	struct blk_ioreq *r = req_of(data);

	if (!blk_aio_test_hook || aio.draining || aio.nr_held == HELD_MAX ||
	    !blk_aio_test_hook(r, (enum blk_aio_what)(data & TAG_MASK), res))
		return false;
	aio.held[aio.nr_held].data = data;
	aio.held[aio.nr_held++].res = *res;
	return true;
}

/* Every CQE there is, then what they made ready to submit. */
static void reap(void)
{
	struct io_uring_cqe *cqe;
	uint64_t data;
	int res;

	while (!io_uring_peek_cqe(&aio.ring, &cqe)) {
		data = io_uring_cqe_get_data64(cqe);
		res = cqe->res;
		io_uring_cqe_seen(&aio.ring, cqe);
		if (!hold(data, &res))
			complete(data, res);	/* @res as the hook left it */
	}
	blk_aio_flush();
}

/** blk_aio_test_release() - the CQEs the test hook held, now */
void blk_aio_test_release(void)
{
	unsigned int i, n = aio.nr_held;

	aio.nr_held = 0;
	for (i = 0; i < n; i++)
		complete(aio.held[i].data, aio.held[i].res);
	blk_aio_flush();
}

/** blk_aio_test_ring() - the ring itself, for tests of its restrictions */
struct io_uring *blk_aio_test_ring(void)
{
	return &aio.ring;
}

static bool on_completion(struct xpv_fdw *w)
{
	eventfd_t n;

	(void)w;
	eventfd_read(aio.efd, &n);	/* non-blocking; the CQ says the rest */
	reap();
	return false;
}

/**
 * blk_aio_wait() - wait for at least one completion and handle it
 *
 * For draining: the loop does not run meanwhile. Held CQEs go first.
 */
void blk_aio_wait(void)
{
	aio.draining = true;
	if (aio.nr_held) {
		blk_aio_test_release();
	} else {
		io_uring_submit_and_wait(&aio.ring, 1);
		reap();
	}
	aio.draining = false;
}

/** blk_aio_disk_wait() - the wait op of the file drivers: blk_aio_wait() */
void blk_aio_disk_wait(struct blk_disk *k)
{
	(void)k;
	blk_aio_wait();
}

/**
 * blk_aio_attach() - the attach op of the file drivers: -a N requests in
 * flight per queue when the worker has its io_uring, else synchronous
 */
int blk_aio_attach(struct blk_disk *k, struct xpv_backend *be)
{
	(void)be;	/* the ring's completions are watched by aio.c */
	k->max_inflight = aio.ready ? blk_config.max_inflight : 0;
	return 0;
}

/* Disabled until restricted; the eventfd registered while we still may. */
static int make_ring(void)
{
	struct io_uring_params p = { .flags = IORING_SETUP_R_DISABLED };
	int err;

	err = io_uring_queue_init_params(RING_ENTRIES, &aio.ring, &p);
	if (err)
		return err;
	aio.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (aio.efd < 0)
		err = -errno;
	if (!err)
		err = io_uring_register_eventfd(&aio.ring, aio.efd);
	if (!err)
		err = io_uring_register_restrictions(&aio.ring,
			(struct io_uring_restriction *)allowed,
			sizeof(allowed) / sizeof(allowed[0]));
	if (!err)
		err = io_uring_enable_rings(&aio.ring);
	if (err) {
		io_uring_queue_exit(&aio.ring);
		if (aio.efd >= 0)
			close(aio.efd);
		aio.efd = -1;
	}
	return err;
}

/**
 * blk_aio_init() - the process's io_uring, watched by @be's loop
 *
 * struct xpv_bdev_ops.worker_init: before privileges go and the sandbox
 * comes. Without io_uring the daemon serves synchronously.
 *
 * Return: 0 (a ring or not), or -ENOMEM.
 */
int blk_aio_init(struct xpv_backend *be)
{
	int err;

	if (aio.ready || !blk_config.max_inflight)
		return 0;
	err = make_ring();
	if (err) {
		xpv_log("no io_uring (%s): every request is served synchronously",
			strerror(-err));
		return 0;
	}
	aio.watch = xpv_fd_watch(be, aio.efd, on_completion, NULL);
	if (!aio.watch) {
		blk_aio_exit(be);
		return -ENOMEM;
	}
	aio.ready = true;
	xpv_log("io_uring: up to %u requests in flight per queue (raw and qcow2 disks)",
		blk_config.max_inflight);
	return 0;
}

/** blk_aio_exit() - close the ring; every device is gone (drained) */
void blk_aio_exit(struct xpv_backend *be)
{
	(void)be;
	xpv_fd_unwatch(aio.watch);
	aio.watch = NULL;
	if (aio.efd < 0)
		return;
	io_uring_queue_exit(&aio.ring);
	close(aio.efd);
	aio.efd = -1;
	aio.ready = false;
	aio.nr_held = 0;
}
