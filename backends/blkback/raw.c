// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storage driver "raw": an image file or a block device whose bytes
 * are the disk's, opened by path. Buffered I/O with fdatasync() for flush: a write the
 * guest saw acknowledged is in dom0's page cache, so it survives this
 * daemon being killed; only a flush makes it survive dom0, which is what
 * the flush protocol promises. Discard punches holes (fallocate), which
 * works on image files and on block devices that support discard. With
 * the worker's io_uring the same calls run asynchronously (aio.c:
 * READ, WRITE, FSYNC with DATASYNC, FALLOCATE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blkback.h"

static uint32_t sysfs_u32(dev_t dev, const char *attr)
{
	char path[128];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/%s",
		 major(dev), minor(dev), attr);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

static int blockdev_geometry(struct blk_disk *k, const struct stat *st)
{
	uint64_t bytes;
	int ss, pss;

	if (ioctl(k->fd, BLKGETSIZE64, &bytes) || ioctl(k->fd, BLKSSZGET, &ss) ||
	    ioctl(k->fd, BLKPBSZGET, &pss))
		return -errno;
	k->sector_size = (uint32_t)ss;
	k->phys_sector_size = (uint32_t)pss;
	k->nr_sectors = bytes >> XPV_BLKIF_SECTOR_SHIFT;
	if (sysfs_u32(st->st_rdev, "discard_max_bytes"))
		k->discard_granularity = sysfs_u32(st->st_rdev, "discard_granularity");
	return 0;
}

static int file_geometry(struct blk_disk *k, const struct stat *st,
			 unsigned int sector_size)
{
	uint64_t lsect = (uint64_t)st->st_size / sector_size;

	k->sector_size = sector_size;
	/* the file system's block, as a 512e disk would say; NFS says 1 MiB */
	k->phys_sector_size = st->st_blksize >= 4096 ? 4096 : sector_size;
	/* a partial last sector is not part of the disk */
	k->nr_sectors = lsect * (sector_size >> XPV_BLKIF_SECTOR_SHIFT);
	if (!k->read_only && blk_can_punch(k->fd, (uint64_t)st->st_size))
		k->discard_granularity = k->phys_sector_size;
	return 0;
}

/* -ENOTBLK for something that is neither file nor block device. */
static int raw_open(struct blk_disk *k, const char *path)
{
	struct stat st;
	int err;

	err = blk_open_fd(k, path, &st);
	if (err)
		return err;
	if (S_ISBLK(st.st_mode))
		return blockdev_geometry(k, &st);
	if (S_ISREG(st.st_mode))
		return file_geometry(k, &st, k->file_sector_size);
	return blk_disk_why(k, -ENOTBLK, "neither a file nor a block device");
}

static int raw_read(struct blk_disk *k, void *buf, size_t len, uint64_t off)
{
	return blk_pread_full(k->fd, buf, len, off);
}

static int raw_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off)
{
	return blk_pwrite_full(k->fd, buf, len, off);
}

static int raw_readv(struct blk_disk *k, struct iovec *iov, int n, uint64_t off)
{
	return blk_preadv_full(k->fd, iov, n, off);
}

static int raw_writev(struct blk_disk *k, struct iovec *iov, int n, uint64_t off)
{
	return blk_pwritev_full(k->fd, iov, n, off);
}

static int raw_discard(struct blk_disk *k, uint64_t off, uint64_t len)
{
	return blk_punch(k->fd, off, len);
}

const struct blk_driver blk_driver_raw = {
	.name = "raw",
	.open = raw_open,
	.attach = blk_aio_attach,
	.read = raw_read,
	.write = raw_write,
	.readv = raw_readv,
	.writev = raw_writev,
	.flush = blk_fd_flush,
	.discard = raw_discard,
	.submit = blk_aio_submit_fd,
	.wait = blk_aio_disk_wait,
};
