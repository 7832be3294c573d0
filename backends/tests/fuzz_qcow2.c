// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the qcow2 driver's header, L1, L2 and refcount
 * parsing, fed arbitrary image files.
 *
 * Each input is the whole image, in a memfd opened through /proc/self/fd
 * (so a backing name may point anywhere, the input itself among others:
 * the loop check must hold). Whatever the driver opens, it reads the
 * first clusters and the last sector, writes across a cluster boundary,
 * discards, and reads back what it wrote: open may refuse and requests may
 * fail, with a message, but nothing may crash, leak or read out of bounds,
 * and a write that succeeded must read back.
 *
 *   make -C backends fuzz FUZZ_TARGETS=qcow2 FUZZ_SECONDS=600
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "blkback.h"

#define IO	6144	/* crosses a 512- or 4096-byte cluster */

static uint8_t buf[IO], back[IO];

/* What a request does on whatever the driver accepted. */
static void exercise(struct blk_disk *k)
{
	uint64_t size = k->nr_sectors << XPV_BLKIF_SECTOR_SHIFT, off;

	for (off = 0; off + IO <= size && off < 8 * IO; off += IO)
		blk_disk_read(k, back, IO, off);
	if (size >= 512)
		blk_disk_read(k, back, 512, size - 512);
	if (size < 2 * IO)
		return;
	memset(buf, 0xa5, sizeof(buf));
	if (!blk_disk_write(k, buf, IO, IO / 2) &&
	    !blk_disk_read(k, back, IO, IO / 2) && memcmp(buf, back, IO))
		abort();	/* acknowledged, then not there */
	blk_disk_discard(k, 0, 2 * IO);
	blk_disk_flush(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct blk_disk k;
	char path[64];
	int fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!blk_disk_open(&k, "qcow2", path, false, 512)) {
		exercise(&k);
		blk_disk_close(&k);
	} else if (!k.why[0] || k.fd != -1) {
		abort();	/* refused without a word, or left open */
	}
	close(fd);
	return 0;
}
