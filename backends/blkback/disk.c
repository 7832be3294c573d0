// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storage layer of xpv-blkback: the request path (io.c) reads, writes,
 * flushes and discards a struct blk_disk, whose driver (raw.c, qcow2.c,
 * nbd.c) knows the image format or the server. The format is always the
 * toolstack's word (the "params" node, see blk_format_split()), never read
 * from the image: a guest that writes a qcow2 header into its raw disk
 * must not make the daemon open a backing file of its choosing.
 *
 * The calls below complete every request before they return (the loop's
 * thread does the I/O): raw and qcow2 are served that way unless the
 * daemon runs with -a N and the worker has its io_uring, nbd with -N 0. A
 * driver with a submit op is served asynchronously once its disk is
 * attached to the loop with k->max_inflight > 0 (io.c; raw and qcow2:
 * aio.c, nbd: nbd.c).
 * The file helpers below are shared by the file drivers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "blkback.h"

static const struct blk_driver *const drivers[] = {
	&blk_driver_raw, &blk_driver_qcow2, &blk_driver_nbd,
};

/* libxl's qdisk spelling "<format>:<path>" names raw images "aio". */
static const char *driver_name(const char *fmt)
{
	return strcmp(fmt, "aio") ? fmt : "raw";
}

static const struct blk_driver *find_driver(const char *fmt)
{
	unsigned int i;

	for (i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (!strcmp(drivers[i]->name, driver_name(fmt)))
			return drivers[i];
	return NULL;
}

/* An NBD URI over TCP or a Unix socket: the nbd driver's "path", whole. */
static bool nbd_uri(const char *params)
{
	return !strncmp(params, "nbd://", 6) || !strncmp(params, "nbd+unix://", 11);
}

/**
 * blk_format_split() - the format and the path in a "params" node
 * @params: "/path" (backendtype=phy: raw), "<format>:/path" (the spelling
 *          libxl writes for backendtype=qdisk) or an NBD URI
 *          ("nbd://host/export", "nbd+unix:///export?socket=/path");
 *          edited in place
 *
 * Return: 0, or -EINVAL when no driver serves the format or a file's path
 * is not absolute (we open it as root: only an absolute path names one
 * thing).
 */
int blk_format_split(char *params, const char **fmt, const char **path)
{
	char *colon = strchr(params, ':');

	*fmt = "raw";
	*path = params;
	if (nbd_uri(params)) {
		*fmt = "nbd";
		return 0;
	}
	if (params[0] != '/' && colon) {
		*colon = '\0';
		*fmt = params;
		*path = colon + 1;
	}
	if (!find_driver(*fmt) || !strcmp(*fmt, "nbd") || (*path)[0] != '/')
		return -EINVAL;
	return 0;
}

/** blk_disk_why() - record why the disk failed; returns @err */
int blk_disk_why(struct blk_disk *k, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->why, sizeof(k->why), fmt, ap);
	va_end(ap);
	return err;
}

/** blk_open_fd() - open @path for the disk's mode into k->fd, and stat it */
int blk_open_fd(struct blk_disk *k, const char *path, struct stat *st)
{
	k->fd = open(path, (k->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (k->fd < 0)
		return blk_disk_why(k, -errno, "cannot open: %s", strerror(errno));
	if (fstat(k->fd, st))
		return blk_disk_why(k, -errno, "cannot stat: %s", strerror(errno));
	k->dev = (uint64_t)st->st_dev;
	k->ino = (uint64_t)st->st_ino;
	return 0;
}

static bool valid_sector_size(uint32_t s)
{
	return s == 512 || s == 4096;
}

static int disk_open(struct blk_disk *k, const char *fmt, const char *path)
{
	int err;

	k->drv = find_driver(fmt);
	if (!k->drv)
		return blk_disk_why(k, -EINVAL, "no driver for format \"%s\"", fmt);
	if (!valid_sector_size(k->file_sector_size))
		return -EINVAL;
	err = k->drv->open(k, path);
	if (!err && !valid_sector_size(k->sector_size))
		err = blk_disk_why(k, -EINVAL, "sector size %u", k->sector_size);
	if (err)
		blk_disk_close(k);
	return err;
}

/**
 * blk_disk_open() - open the image or device at @path as format @fmt
 * @file_sector_size: sector-size to present for an image file
 *
 * Return: 0, or -errno with k->why saying what went wrong (-EINVAL for a
 * sector size we do not serve).
 */
int blk_disk_open(struct blk_disk *k, const char *fmt, const char *path,
		  bool read_only, unsigned int file_sector_size)
{
	*k = (struct blk_disk){ .fd = -1, .read_only = read_only,
				.file_sector_size = file_sector_size };
	return disk_open(k, fmt, path);
}

/**
 * blk_disk_open_backing() - open the read-only image under @above
 *
 * Its sector size is @above's; k->above lets the driver walk the chain.
 */
int blk_disk_open_backing(struct blk_disk *k, const struct blk_disk *above,
			  const char *fmt, const char *path)
{
	int err;

	*k = (struct blk_disk){ .fd = -1, .read_only = true, .above = above,
				.file_sector_size = above->file_sector_size };
	err = disk_open(k, fmt, path);
	k->above = NULL;	/* the chain is checked: @above may move now */
	return err;
}

/**
 * blk_disk_attach() - serve @k from @be's loop: a driver that can have
 * requests in flight sets k->max_inflight (else 0: synchronous)
 */
int blk_disk_attach(struct blk_disk *k, struct xpv_backend *be)
{
	return k->drv->attach ? k->drv->attach(k, be) : 0;
}

/** blk_disk_wait() - block until some submitted I/O of @k ends (draining) */
void blk_disk_wait(struct blk_disk *k)
{
	k->drv->wait(k);
}

void blk_disk_close(struct blk_disk *k)
{
	if (k->drv && k->drv->close)
		k->drv->close(k);
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	k->drv = NULL;
}

int blk_disk_read(struct blk_disk *k, void *buf, size_t len, uint64_t off)
{
	return k->drv->read(k, buf, len, off);
}

int blk_disk_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off)
{
	return k->drv->write(k, buf, len, off);
}

/**
 * blk_disk_readv() - read into the pieces of @iov; only for a driver with
 * a readv op (raw: the caller checks), the others read into one buffer
 */
int blk_disk_readv(struct blk_disk *k, struct iovec *iov, int n, uint64_t off)
{
	return k->drv->readv(k, iov, n, off);
}

/** blk_disk_writev() - blk_disk_readv()'s twin for writes */
int blk_disk_writev(struct blk_disk *k, struct iovec *iov, int n, uint64_t off)
{
	return k->drv->writev(k, iov, n, off);
}

int blk_disk_flush(struct blk_disk *k)
{
	return k->drv->flush(k);
}

int blk_disk_discard(struct blk_disk *k, uint64_t off, uint64_t len)
{
	return len ? k->drv->discard(k, off, len) : 0;
}

/** blk_pread_full() - read exactly @len bytes at @off, or -errno */
int blk_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;	/* short: the file shrank */
		done += (size_t)n;
	}
	return 0;
}

/** blk_pwrite_full() - write exactly @len bytes at @off, or -errno */
int blk_pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, (const char *)buf + done, len - done,
			   (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/*
 * Read or write exactly the bytes of @iov (@n entries) at @off, going on
 * after short transfers; @iov is consumed. 0 or -errno.
 */
static int rw_iov_full(int fd, struct iovec *iov, int n, uint64_t off, bool write)
{
	ssize_t done;

	while (n > 0) {
		done = write ? pwritev(fd, iov, n, (off_t)off) : preadv(fd, iov, n, (off_t)off);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return done < 0 ? -errno : -EIO;	/* short: the file shrank */
		off += (uint64_t)done;
		for (; n > 0 && (size_t)done >= iov->iov_len; iov++, n--)
			done -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

/** blk_preadv_full() - read exactly the bytes of @iov at @off (consumes @iov) */
int blk_preadv_full(int fd, struct iovec *iov, int n, uint64_t off)
{
	return rw_iov_full(fd, iov, n, off, false);
}

/** blk_pwritev_full() - write exactly the bytes of @iov at @off (consumes @iov) */
int blk_pwritev_full(int fd, struct iovec *iov, int n, uint64_t off)
{
	return rw_iov_full(fd, iov, n, off, true);
}

int blk_fd_flush(struct blk_disk *k)
{
	return fdatasync(k->fd) ? -errno : 0;
}

/** blk_punch() - deallocate @len bytes at @off, keeping the size */
int blk_punch(int fd, uint64_t off, uint64_t len)
{
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 (off_t)off, (off_t)len) ? -errno : 0;
}

/* Punching past the end changes nothing and says whether it works here. */
bool blk_can_punch(int fd, uint64_t size)
{
	return !blk_punch(fd, size, 4096);
}
