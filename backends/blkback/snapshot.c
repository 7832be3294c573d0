// SPDX-License-Identifier: GPL-2.0-only
/*
 * Snapshots of a running guest's disk (`xpv-img snapshot`, in
 * backends/scripts): the disk's image is frozen as it is and the guest
 * goes on, unaware, on a new qcow2 image whose backing file is the frozen
 * one. dom0 asks through nodes in the disk's backend dir:
 *
 *   xpv-snapshot         (dom0) the absolute path of a new, empty qcow2
 *                        image whose backing file is the disk's image now
 *   xpv-snapshot-result  (ours) "ok <path>" or "error <path>: <why>"
 *   xpv-image            (ours) "qcow2:<path>": the image the disk is on
 *                        since its last snapshot; probe opens it rather
 *                        than "params", so a worker started again does not
 *                        write into a frozen image
 *
 * WHY these nodes are safe to obey: libxl gives the guest read access to
 * its backend dir and nothing more, so only dom0 writes there; the path
 * is still opened only as qcow2 (never probed) and refused unless it
 * stands on the disk's own image.
 *
 * The switch runs on the loop's thread once the disk's requests in
 * flight are drained (blk_vbd_drain: answered, none left). Its order:
 * flush the old image (everything the guest saw
 * acknowledged is in it, durably), open the new one and check it
 * (qcow2_check_overlay()), record it in xpv-image, then serve from it and
 * close the old image's read-write descriptor (the new image reads the
 * old one through a read-only one of its own). A refused snapshot, or one
 * that cannot be recorded, changes nothing; a worker killed after the
 * record opens the new image when it starts again (the old one was
 * flushed, the new one is empty: the same disk), finds the request again
 * and answers it without a second switch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blkback.h"

#define REQUEST_NODE	"xpv-snapshot"
#define RESULT_NODE	"xpv-snapshot-result"
#define IMAGE_NODE	"xpv-image"

/**
 * blk_disk_snapshot() - flush @k, then open @path to stand on it, in @top
 * @path: a new, empty qcow2 image whose backing file is @k's image
 *
 * blk_disk_switch() then moves @k onto @top; nothing changes before.
 *
 * Return: 0, or -errno with k->why saying why (@top is closed then).
 */
int blk_disk_snapshot(struct blk_disk *k, const char *path, struct blk_disk *top)
{
	int err;

	if (k->read_only)
		return blk_disk_why(k, -EROFS, "a read-only disk has nothing to freeze");
	if (k->fd < 0)	/* nbd: no file here for an overlay to stand on */
		return blk_disk_why(k, -EOPNOTSUPP, "only a disk on an image file or device can be frozen");
	err = blk_disk_flush(k);
	if (err)
		return blk_disk_why(k, err, "cannot flush: %s", strerror(-err));
	err = blk_disk_open(top, "qcow2", path, false, k->file_sector_size);
	if (!err)
		err = qcow2_check_overlay(top, k);
	if (err) {
		blk_disk_why(k, err, "%s", top->why[0] ? top->why : strerror(-err));
		blk_disk_close(top);
	}
	return err;
}

/** blk_disk_switch() - serve @k from @top, which blk_disk_snapshot() opened */
void blk_disk_switch(struct blk_disk *k, struct blk_disk *top)
{
	blk_disk_close(k);
	*k = *top;
}

/* The disk already stands on @path: a request answered before a restart. */
static bool on_image(const struct blk_disk *k, const char *path)
{
	struct stat st;

	return !stat(path, &st) && k->dev == (uint64_t)st.st_dev &&
	       k->ino == (uint64_t)st.st_ino;
}

static int take(struct xpv_bdev *d, struct blk_disk *k, const char *path)
{
	struct blk_disk top;
	int err;

	if (path[0] != '/')
		return blk_disk_why(k, -EINVAL, "not an absolute path");
	if (on_image(k, path))
		return 0;
	err = blk_disk_snapshot(k, path, &top);
	if (err)
		return err;
	/* recorded first: a worker killed after the switch must not miss it */
	if (xpv_bdev_printf(d, IMAGE_NODE, "qcow2:%s", path)) {
		blk_disk_close(&top);
		return blk_disk_why(k, -EIO, "cannot record it in %s", IMAGE_NODE);
	}
	blk_disk_switch(k, &top);
	return 0;
}

/**
 * blk_vbd_image() - the disk's image, "[<format>:]/path": xpv-image when a
 * snapshot moved the disk, else the toolstack's "params"; malloc'd or NULL
 */
char *blk_vbd_image(struct xpv_bdev *d)
{
	char *image = xpv_bdev_read(d, false, IMAGE_NODE);

	return image ? image : xpv_bdev_read(d, false, "params");
}

/** blk_vbd_control() - act on xpv-snapshot, once: answer, remove it */
void blk_vbd_control(struct xpv_bdev *d)
{
	struct blk_vbd *v = d->priv;
	char *path = xpv_bdev_read(d, false, REQUEST_NODE);
	char node[XPV_PATH_MAX];
	int err;

	if (!path || !v)
		goto out;
	v->disk.why[0] = '\0';
	blk_vbd_drain(v);
	err = take(d, &v->disk, path);
	if (err) {
		xpv_log("%s: snapshot onto %s refused: %s", d->path, path, v->disk.why);
		xpv_bdev_printf(d, RESULT_NODE, "error %s: %s", path, v->disk.why);
	} else {
		xpv_log("%s: snapshot: now on %s", d->path, path);
		xpv_bdev_printf(d, RESULT_NODE, "ok %s", path);
	}
	if (!xpv_path(node, sizeof(node), "%s/%s", d->path, REQUEST_NODE))
		d->be->t->ops->xs_rm(d->be->t, node);
out:
	free(path);
}
