// SPDX-License-Identifier: GPL-2.0-only
/*
 * The worker's io_uring: asynchronous reads, writes, flushes and discards
 * for the drivers that have a submit op (raw). One ring per process, made
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
 * Completions wake the event loop through an eventfd (xpv_fd_watch); the
 * handler reaps every CQE and moves its request on: a short read or write
 * goes on for the remainder, a finished one goes back to io.c
 * (blk_ioreq_done), which answers in ring order. A flush writes its data
 * (if any) linked to an fsync that drains: the fsync starts once every
 * SQE submitted before it has completed, so it covers every write the
 * guest saw acknowledged. Without io_uring (setup fails: an old kernel, a
 * kernel that forbids it) every request is served synchronously, said
 * once in the log.
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

/* What a CQE finishes, in the low bits of its user_data (our pointer). */
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

/* An SQE, submitting what is queued when there is no room. */
static struct io_uring_sqe *get_sqe(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&aio.ring);

	if (!sqe) {
		blk_aio_flush();
		sqe = io_uring_get_sqe(&aio.ring);
	}
	return sqe;
}

static void set_data(struct io_uring_sqe *sqe, struct blk_ioreq *r, unsigned int tag)
{
	io_uring_sqe_set_data64(sqe, (uint64_t)(uintptr_t)r | tag);
	r->pending++;
}

/**
 * blk_aio_submit_fd() - queue what @r still needs on the disk's fd
 *
 * The submit op of the file drivers: the rest of a read or write, a
 * flush's data linked to its draining fsync, a discard's hole.
 *
 * Return: 0, or -EAGAIN when the SQ has no room even after a submit.
 */
int blk_aio_submit_fd(struct blk_disk *k, struct blk_ioreq *r)
{
	uint64_t off = (r->req.sector << XPV_BLKIF_SECTOR_SHIFT) + r->done;
	bool flush = r->req.op == XPV_BLKIF_OP_FLUSH_DISKCACHE;
	struct io_uring_sqe *sqe;

	if (io_uring_sq_space_left(&aio.ring) < 2)	/* a flush takes two */
		blk_aio_flush();
	if (r->req.op == XPV_BLKIF_OP_DISCARD) {
		if (!(sqe = get_sqe()))
			return -EAGAIN;
		io_uring_prep_fallocate(sqe, k->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					off, r->req.nr_sectors << XPV_BLKIF_SECTOR_SHIFT);
		set_data(sqe, r, TAG_PUNCH);
		return 0;
	}
	if (r->done < r->len) {
		if (!(sqe = get_sqe()))
			return -EAGAIN;
		if (r->req.op == XPV_BLKIF_OP_READ)
			io_uring_prep_read(sqe, k->fd, r->buf + r->done,
					   (unsigned int)(r->len - r->done), off);
		else
			io_uring_prep_write(sqe, k->fd, r->buf + r->done,
					    (unsigned int)(r->len - r->done), off);
		if (flush)	/* a failed or short write cancels the fsync */
			sqe->flags |= IOSQE_IO_LINK;
		set_data(sqe, r, TAG_DATA);
	}
	if (flush && !r->synced) {
		if (!(sqe = get_sqe()))
			return -EAGAIN;
		io_uring_prep_fsync(sqe, k->fd, IORING_FSYNC_DATASYNC);
		sqe->flags |= IOSQE_IO_DRAIN;	/* after all submitted before */
		set_data(sqe, r, TAG_SYNC);
	}
	return 0;
}

static void failed(struct blk_ioreq *r, int err)
{
	if (!r->err)
		r->err = err;
}

/* What one CQE says about its request. */
static void account(struct blk_ioreq *r, unsigned int tag, int res)
{
	switch (tag) {
	case TAG_DATA:
		if (res > 0)
			r->done += (size_t)res;
		else	/* 0: the file shrank under us */
			failed(r, res < 0 ? res : -EIO);
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
	switch (r->req.op) {
	case XPV_BLKIF_OP_DISCARD:
		return !r->synced;
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		return r->done < r->len || !r->synced;
	default:
		return r->done < r->len;
	}
}

static void complete(uint64_t data, int res)
{
	struct blk_ioreq *r = (struct blk_ioreq *)(uintptr_t)(data & ~(uint64_t)TAG_MASK);

	account(r, (unsigned int)(data & TAG_MASK), res);
	if (--r->pending)
		return;
	if (!r->err && more_to_do(r)) {
		r->err = blk_aio_submit_fd(&r->q->vbd->disk, r);
		if (r->pending)		/* after a failure: once it is back */
			return;
	}
	blk_ioreq_done(r);
}

static bool hold(uint64_t data, int *res)
{
	struct blk_ioreq *r = (struct blk_ioreq *)(uintptr_t)(data & ~(uint64_t)TAG_MASK);

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
	xpv_log("io_uring: up to %u requests in flight per queue (raw disks)",
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
