// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backing store of a virtual disk: a raw image file or a block device,
 * opened by path. Buffered I/O with fdatasync() for flush: a write the
 * guest saw acknowledged is in dom0's page cache, so it survives this
 * daemon being killed; only a flush makes it survive dom0, which is what
 * the flush protocol promises. Discard punches holes (fallocate), which
 * works on image files and on block devices that support discard.
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

/* Punching past the end changes nothing and says whether it works here. */
static bool file_can_punch(int fd, off_t size)
{
	return !fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, size, 4096);
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
	if (!k->read_only && file_can_punch(k->fd, st->st_size))
		k->discard_granularity = k->phys_sector_size;
	return 0;
}

static bool valid_sector_size(uint32_t s)
{
	return s == 512 || s == 4096;
}

/**
 * blk_disk_open() - open the image or device at @path and size it up
 * @file_sector_size: sector-size to present for an image file
 *
 * Return: 0, or -errno (-EINVAL for a device whose sector size we do not
 * serve, -ENOTBLK for something that is neither file nor block device).
 */
int blk_disk_open(struct blk_disk *k, const char *path, bool read_only,
		  unsigned int file_sector_size)
{
	struct stat st;
	int err;

	*k = (struct blk_disk){ .fd = -1, .read_only = read_only };
	if (!valid_sector_size(file_sector_size))
		return -EINVAL;
	k->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (fstat(k->fd, &st)) {
		err = -errno;
		goto close_fd;
	}
	if (S_ISBLK(st.st_mode))
		err = blockdev_geometry(k, &st);
	else if (S_ISREG(st.st_mode))
		err = file_geometry(k, &st, file_sector_size);
	else
		err = -ENOTBLK;
	if (!err && !valid_sector_size(k->sector_size))
		err = -EINVAL;
	if (err)
		goto close_fd;
	return 0;

close_fd:
	blk_disk_close(k);
	return err;
}

void blk_disk_close(struct blk_disk *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

/** blk_disk_read() - read exactly @len bytes at @off, or -errno */
int blk_disk_read(struct blk_disk *k, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(k->fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;	/* short: the disk shrank */
		done += (size_t)n;
	}
	return 0;
}

/** blk_disk_write() - write exactly @len bytes at @off, or -errno */
int blk_disk_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(k->fd, (const char *)buf + done, len - done,
			   (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int blk_disk_flush(struct blk_disk *k)
{
	return fdatasync(k->fd) ? -errno : 0;
}

int blk_disk_discard(struct blk_disk *k, uint64_t off, uint64_t len)
{
	if (!len)
		return 0;
	return fallocate(k->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 (off_t)off, (off_t)len) ? -errno : 0;
}
