// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storage layer against image files: the format named by "params"
 * (never probed), and the qcow2 driver against images qemu-img makes.
 * Interoperability is the test: after a workload written through our
 * driver, `qemu-img check` finds no error and no leak, and `qemu-img
 * compare` finds the image identical to a raw file that took the same
 * writes. Then named tables of corrupt images, each refused at open or at
 * the request that meets the damage, with its own message.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "blkback.h"
#include "scratch.h"

#define MIB		(1ULL << 20)
#define CLUSTER		65536


static int setup(void **state)
{
	(void)state;
	scratch_make();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	scratch_remove();
	return 0;
}

static void open_qcow2(struct blk_disk *k, const char *name)
{
	int err = blk_disk_open(k, "qcow2", at(name), false, 512);

	if (err)
		fail_msg("open %s: %s", name, k->why);
}

/* A byte pattern that differs by offset and by @seed. */
static void pattern(uint8_t *buf, size_t len, uint64_t off, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)((off + i) * 131 + seed + ((off + i) >> 9));
}

/* Write @len bytes at @off through @k and into the raw file @expect. */
static void write_both(struct blk_disk *k, const char *expect, uint64_t off,
		       size_t len, unsigned int seed)
{
	uint8_t *buf = malloc(len), *back = malloc(len);
	int fd = open(at(expect), O_WRONLY);

	pattern(buf, len, off, seed);
	assert_int_equal(blk_disk_write(k, buf, len, off), 0);
	assert_int_equal(blk_pwrite_full(fd, buf, len, off), 0);
	assert_int_equal(blk_disk_read(k, back, len, off), 0);
	assert_memory_equal(buf, back, len);
	close(fd);
	free(buf);
	free(back);
}

/* What qemu says of the image once we are done with it. */
static void qemu_agrees(const char *image, const char *expect)
{
	assert_int_equal(sh("qemu-img check -q %s", image), 0);
	assert_int_equal(sh("qemu-img compare -q -f raw -F qcow2 %s %s", expect, image), 0);
}

/* The refcount table's offset, from @name's header. */
static uint64_t rt_offset(const char *name)
{
	uint64_t v = 0;
	int fd = open(at(name), O_RDONLY);

	assert_int_equal(blk_pread_full(fd, &v, sizeof(v), 48), 0);
	close(fd);
	return be64toh(v);
}

/* Every read of @k equals the raw file @expect. */
static void reads_match(struct blk_disk *k, const char *expect, uint64_t size)
{
	uint8_t *a = malloc(MIB), *b = malloc(MIB);
	int fd = open(at(expect), O_RDONLY);
	uint64_t off;

	for (off = 0; off < size; off += MIB) {
		assert_int_equal(blk_disk_read(k, a, MIB, off), 0);
		assert_int_equal(blk_pread_full(fd, b, MIB, off), 0);
		assert_memory_equal(a, b, MIB);
	}
	close(fd);
	free(a);
	free(b);
}

/* Pieces of clusters, whole ones, runs across clusters and L2 tables. */
static void workload(struct blk_disk *k, const char *expect, unsigned int seed)
{
	write_both(k, expect, 512, 512, seed);
	write_both(k, expect, CLUSTER - 1024, 4096, seed + 1);
	write_both(k, expect, 3 * CLUSTER, CLUSTER, seed + 2);
	write_both(k, expect, 7 * MIB + 4096, 300 * 1024, seed + 3);
	write_both(k, expect, 512, 1024, seed + 4);		/* in place */
	write_both(k, expect, 16 * MIB - 4096, 4096, seed + 5);	/* the end */
}

static void test_format_from_params(void **state)
{
	static const struct { const char *params, *fmt, *path; int err; } rows[] = {
		{ "/srv/a.img", "raw", "/srv/a.img", 0 },
		{ "aio:/srv/a.img", "aio", "/srv/a.img", 0 },
		{ "raw:/srv/a.img", "raw", "/srv/a.img", 0 },
		{ "qcow2:/srv/a.qcow2", "qcow2", "/srv/a.qcow2", 0 },
		{ "/srv/x:y", "raw", "/srv/x:y", 0 },
		{ "vhd:/srv/a.vhd", NULL, NULL, -EINVAL },
		{ "qcow2:a.qcow2", NULL, NULL, -EINVAL },
		{ "a.img", NULL, NULL, -EINVAL },
		{ "", NULL, NULL, -EINVAL },
	};
	const char *fmt, *path;
	char buf[64];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", rows[i].params);
		assert_int_equal(blk_format_split(buf, &fmt, &path), rows[i].err);
		if (rows[i].err)
			continue;
		assert_string_equal(fmt, rows[i].fmt);
		assert_string_equal(path, rows[i].path);
	}
}

/* WHY: the guest writes its raw disk; its bytes must not pick a format */
static void test_raw_never_probed(void **state)
{
	struct blk_disk k;
	uint8_t magic[4];

	(void)state;
	assert_int_equal(sh("qemu-img create -q -f qcow2 -b /etc/passwd -F raw -u g.img 1G"), 0);
	assert_int_equal(sh("truncate -s 1M g.img"), 0);
	assert_int_equal(blk_disk_open(&k, "raw", at("g.img"), false, 512), 0);
	assert_int_equal(k.nr_sectors, MIB / 512);
	assert_int_equal(blk_disk_read(&k, magic, 4, 0), 0);
	assert_memory_equal(magic, "QFI\xfb", 4);
	blk_disk_close(&k);
}

static void test_qemu_image_served(void **state)
{
	struct blk_disk k;

	(void)state;
	assert_int_equal(sh("qemu-img create -q -f qcow2 a.qcow2 16M && truncate -s 16M a.raw"), 0);
	open_qcow2(&k, "a.qcow2");
	assert_int_equal(k.nr_sectors, 16 * MIB / 512);
	assert_int_equal(k.discard_granularity, CLUSTER);
	workload(&k, "a.raw", 1);
	reads_match(&k, "a.raw", 16 * MIB);
	assert_int_equal(blk_disk_flush(&k), 0);
	blk_disk_close(&k);
	qemu_agrees("a.qcow2", "a.raw");
	open_qcow2(&k, "a.qcow2");	/* what we wrote, read back after reopening */
	reads_match(&k, "a.raw", 16 * MIB);
	blk_disk_close(&k);
}

/* A raw base shows through the overlay wherever the guest did not write. */
static void test_raw_backing(void **state)
{
	struct blk_disk k;

	(void)state;
	assert_int_equal(sh("head -c 12M /dev/urandom > base.raw && cp base.raw expect.raw && "
			    "truncate -s 16M expect.raw && qemu-img create -q -f qcow2 "
			    "-b base.raw -F raw ov.qcow2 16M && chmod a-w base.raw"), 0);
	open_qcow2(&k, "ov.qcow2");
	reads_match(&k, "expect.raw", 16 * MIB);	/* zeros past the base */
	workload(&k, "expect.raw", 7);
	reads_match(&k, "expect.raw", 16 * MIB);
	blk_disk_close(&k);
	qemu_agrees("ov.qcow2", "expect.raw");
	assert_int_equal(sh("cmp -s -n 12582912 base.raw expect.raw"), 1);	/* not in the base */
}

/* base.raw <- mid.qcow2 <- top.qcow2, mid written before top existed. */
static void test_backing_chain(void **state)
{
	struct blk_disk k;

	(void)state;
	assert_int_equal(sh("head -c 16M /dev/urandom > base.raw && cp base.raw expect.raw && "
			    "qemu-img create -q -f qcow2 -b base.raw -F raw mid.qcow2"), 0);
	open_qcow2(&k, "mid.qcow2");
	workload(&k, "expect.raw", 3);
	blk_disk_close(&k);
	assert_int_equal(sh("qemu-img create -q -f qcow2 -b mid.qcow2 -F qcow2 top.qcow2"), 0);
	open_qcow2(&k, "top.qcow2");
	reads_match(&k, "expect.raw", 16 * MIB);
	write_both(&k, "expect.raw", 600, 70000, 11);	/* over mid's and base's */
	reads_match(&k, "expect.raw", 16 * MIB);
	blk_disk_close(&k);
	qemu_agrees("top.qcow2", "expect.raw");
	assert_int_equal(sh("qemu-img check -q mid.qcow2"), 0);
}

/* Zero clusters read as zeros over the base; a write keeps the rest zero. */
static void test_zero_clusters(void **state)
{
	struct blk_disk k;

	(void)state;
	assert_int_equal(sh("head -c 4M /dev/urandom > base.raw && cp base.raw expect.raw && "
			    "qemu-img create -q -f qcow2 -b base.raw -F raw z.qcow2 && "
			    "qemu-io -f qcow2 -c 'write -z 0 128k' -c 'write -P 0x55 1M 64k' "
			    "-c 'write -z 1M 64k' z.qcow2 >/dev/null && "
			    "dd if=/dev/zero of=expect.raw bs=64k count=2 conv=notrunc status=none && "
			    "dd if=/dev/zero of=expect.raw bs=64k seek=16 count=1 conv=notrunc status=none"), 0);
	open_qcow2(&k, "z.qcow2");
	reads_match(&k, "expect.raw", 4 * MIB);
	write_both(&k, "expect.raw", 4096, 512, 5);		/* into a zero cluster */
	write_both(&k, "expect.raw", MIB + 512, 512, 6);	/* one that kept its cluster */
	reads_match(&k, "expect.raw", 4 * MIB);
	blk_disk_close(&k);
	qemu_agrees("z.qcow2", "expect.raw");
}

/* Whole clusters are freed (zero over a base), parts left alone. */
static void test_discard(void **state)
{
	struct blk_disk k;

	(void)state;
	assert_int_equal(sh("head -c 4M /dev/urandom > base.raw && cp base.raw expect.raw && "
			    "qemu-img create -q -f qcow2 -b base.raw -F raw d.qcow2 && "
			    "qemu-img create -q -f qcow2 n.qcow2 4M && truncate -s 4M n.raw"), 0);
	open_qcow2(&k, "d.qcow2");
	write_both(&k, "expect.raw", 0, 4 * CLUSTER, 1);
	assert_int_equal(blk_disk_discard(&k, CLUSTER, 2 * CLUSTER), 0);
	assert_int_equal(blk_disk_discard(&k, 512, 1024), 0);	/* a part: kept */
	assert_int_equal(sh("dd if=/dev/zero of=expect.raw bs=64k seek=1 count=2 conv=notrunc status=none"), 0);
	reads_match(&k, "expect.raw", 4 * MIB);
	write_both(&k, "expect.raw", CLUSTER + 512, 512, 2);	/* allocated again */
	blk_disk_close(&k);
	qemu_agrees("d.qcow2", "expect.raw");
	assert_int_equal(sh("qemu-img create -q -f qcow2 -o compat=0.10 -b base.raw -F raw v2.qcow2 && "
			    "cp base.raw v2.raw"), 0);
	open_qcow2(&k, "v2.qcow2");	/* v2 over a base: no zero clusters, kept */
	write_both(&k, "v2.raw", 0, CLUSTER, 4);
	assert_int_equal(blk_disk_discard(&k, 0, CLUSTER), 0);
	reads_match(&k, "v2.raw", 4 * MIB);
	blk_disk_close(&k);
	qemu_agrees("v2.qcow2", "v2.raw");
	open_qcow2(&k, "n.qcow2");	/* no base: unallocated again */
	write_both(&k, "n.raw", 0, 2 * CLUSTER, 3);
	assert_int_equal(blk_disk_discard(&k, 0, CLUSTER), 0);
	assert_int_equal(sh("dd if=/dev/zero of=n.raw bs=64k count=1 conv=notrunc status=none"), 0);
	reads_match(&k, "n.raw", 4 * MIB);
	blk_disk_close(&k);
	qemu_agrees("n.qcow2", "n.raw");
}

/* Refcounts of 1 and 64 bits; 512-byte clusters need new refcount blocks. */
static void test_refcount_widths(void **state)
{
	static const char *const opts[] = {
		"refcount_bits=1", "refcount_bits=64", "cluster_size=512",
		"cluster_size=512,refcount_bits=2", "compat=0.10",
	};
	struct blk_disk k;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		assert_int_equal(sh("rm -f r.qcow2 r.raw && qemu-img create -q -f qcow2 -o %s "
				    "r.qcow2 16M && truncate -s 16M r.raw", opts[i]), 0);
		open_qcow2(&k, "r.qcow2");
		workload(&k, "r.raw", i);
		write_both(&k, "r.raw", 8 * MIB, 4 * MIB, i);	/* 8192 small clusters */
		blk_disk_close(&k);
		qemu_agrees("r.qcow2", "r.raw");
	}
}

/*
 * Images that outgrow their refcount table: 512-byte clusters, where one
 * table cluster covers 8 MiB of the file at 16-bit refcounts (2 MiB at
 * 64-bit, 4 MiB at 32-bit), so 24 MiB of writes move the table, most of
 * them several times. qemu-img reads the table we wrote and finds no leak
 * of the tables we left; we read the image back after opening it again.
 */
static void test_refcount_table_grows(void **state)
{
	static const char *const opts[] = {
		"cluster_size=512", "cluster_size=512,refcount_bits=64",
		"cluster_size=512,refcount_bits=32", "cluster_size=512,compat=0.10",
	};
	uint64_t before, after, off;
	struct blk_disk k;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		assert_int_equal(sh("rm -f g.qcow2 g.raw && qemu-img create -q -f qcow2 -o %s "
				    "g.qcow2 32M && truncate -s 32M g.raw", opts[i]), 0);
		before = rt_offset("g.qcow2");
		open_qcow2(&k, "g.qcow2");
		for (off = 0; off < 24 * MIB; off += 256 * 1024)
			write_both(&k, "g.raw", off, 256 * 1024, i + (unsigned int)(off >> 18));
		write_both(&k, "g.raw", 512, 512, i);		/* in place, after */
		reads_match(&k, "g.raw", 32 * MIB);
		blk_disk_close(&k);
		after = rt_offset("g.qcow2");
		if (after == before)
			fail_msg("%s: the refcount table never moved", opts[i]);
		qemu_agrees("g.qcow2", "g.raw");
		open_qcow2(&k, "g.qcow2");			/* we read it back too */
		reads_match(&k, "g.raw", 32 * MIB);
		write_both(&k, "g.raw", 30 * MIB, 4096, i);
		blk_disk_close(&k);
		qemu_agrees("g.qcow2", "g.raw");
	}
}

/* Patch @len big-endian bytes of @v at @off of @name. */
static void poke(const char *name, uint64_t off, uint64_t v, unsigned int len)
{
	uint64_t be = htobe64(v);
	int fd = open(at(name), O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(blk_pwrite_full(fd, (uint8_t *)&be + 8 - len, len, off), 0);
	close(fd);
}

static uint64_t peek(const char *name, uint64_t off)
{
	uint64_t be;
	int fd = open(at(name), O_RDONLY);

	assert_int_equal(blk_pread_full(fd, &be, 8, off), 0);
	close(fd);
	return be64toh(be);
}

/* Refused with @why, whole or in part. */
static void refused(const char *name, const char *why)
{
	struct blk_disk k;

	assert_int_not_equal(blk_disk_open(&k, "qcow2", at(name), false, 512), 0);
	if (!strstr(k.why, why))
		fail_msg("%s: \"%s\", not \"%s\"", name, k.why, why);
	assert_int_equal(k.fd, -1);
}

struct corrupt {
	const char *name, *why;
	uint64_t off, v;
	unsigned int len;
};

static void test_corrupt_headers(void **state)
{
	static const struct corrupt rows[] = {
		{ "bad magic", "bad magic", 0, 0x514649fa, 4 },
		{ "version 1", "version 1", 4, 1, 4 },
		{ "version 4", "version 4", 4, 4, 4 },
		{ "clusters of 256 bytes", "cluster_bits 8", 20, 8, 4 },
		{ "clusters of 4 MiB", "cluster_bits 22", 20, 22, 4 },
		{ "encrypted", "encrypted (method 1)", 32, 1, 4 },
		{ "dirty", "dirty", 72, 1, 8 },
		{ "corrupt", "marked corrupt", 72, 2, 8 },
		{ "external data file", "incompatible features 0x4", 72, 4, 8 },
		{ "extended L2", "incompatible features 0x10", 72, 0x10, 8 },
		{ "refcounts of 128 bits", "refcount_order 7", 96, 7, 4 },
		{ "header too short", "header length 100", 100, 100, 4 },
		{ "header past its cluster", "header length 65537", 100, 65537, 4 },
		{ "snapshots", "1 internal snapshots", 60, 1, 4 },
		{ "L1 too small", "L1 table of 0 entries", 36, 0, 4 },
		{ "L1 past the file", "L1 table past end of file", 40, 1ULL << 40, 8 },
		{ "L1 not aligned", "L1 table past end of file", 40, 0x30200, 8 },
		{ "refcount table past the file", "refcount table past end", 48, 1ULL << 40, 8 },
		{ "refcount table empty", "refcount table past end", 56, 0, 4 },
		{ "disk of 2^60 bytes", "disk size", 24, 1ULL << 60, 8 },
		{ "L1 entry past the file", "L1 entry 0 points past end of file", 0x30000, (1ULL << 40) | (1ULL << 63), 8 },
		{ "L1 entry not aligned", "L1 entry 0: not cluster-aligned", 0x30000, 0x10200, 8 },
		{ "L1 entry reserved bits", "L1 entry 0: reserved bits", 0x30000, 0x10002, 8 },
		{ "refcount table entry past the file", "refcount table entry 1", 0x10008, 1ULL << 40, 8 },
		{ "backing name past the header", "backing file name outside", 8, 65530, 8 },
		{ "backing format not recorded", "backing file format not recorded", 0x70, 0x12345678, 4 },
		{ "backing loop", "backing chain loop", 0, 0, 0 },
		{ "too short", "too short", 0, 0, 0 },
	};
	unsigned int i;

	(void)state;
	assert_int_equal(sh("truncate -s 1M base.raw && qemu-img create -q -f qcow2 c0.qcow2 64M"), 0);
	assert_int_equal(peek("c0.qcow2", 40), 0x30000);	/* where the rows poke */
	assert_int_equal(peek("c0.qcow2", 48), 0x10000);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct corrupt *r = &rows[i];

		print_message("%s\n", r->name);
		if (strstr(r->name, "backing"))
			assert_int_equal(sh("qemu-img create -q -f qcow2 -b base.raw -F raw c.qcow2"), 0);
		else
			assert_int_equal(sh("cp c0.qcow2 c.qcow2"), 0);
		if (!strcmp(r->name, "L1 entry past the file") || !strcmp(r->name, "L1 entry not aligned"))
			assert_int_equal(sh("qemu-io -c 'write 0 512' c.qcow2 >/dev/null"), 0);
		if (!strcmp(r->name, "backing loop"))
			assert_int_equal(sh("qemu-img create -q -f qcow2 -u -b c.qcow2 -F qcow2 l.qcow2 1M && "
					    "qemu-img rebase -q -u -b l.qcow2 -F qcow2 c.qcow2"), 0);
		if (!strcmp(r->name, "too short"))
			assert_int_equal(sh("head -c 50 c0.qcow2 > c.qcow2"), 0);
		if (r->len)
			poke("c.qcow2", r->off, r->v, r->len);
		refused("c.qcow2", r->why);
	}
}

/* Damage met by a request fails that request, with its own message. */
static void test_corrupt_l2_entries(void **state)
{
	static const struct { const char *name, *why; uint64_t v; } rows[] = {
		{ "past the file", "past end of file", (1ULL << 40) | (1ULL << 63) },
		{ "not aligned", "not cluster-aligned", 0x50200 | (1ULL << 63) },
		{ "reserved bits", "reserved bits set", 0x50000 | 2 },
		{ "compressed", "compressed cluster", (1ULL << 62) | 0x50000 },
	};
	struct blk_disk k;
	uint8_t buf[512];
	uint64_t l2;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(sh("rm -f e.qcow2 && qemu-img create -q -f qcow2 e.qcow2 64M && "
				    "qemu-io -c 'write 0 512' e.qcow2 >/dev/null"), 0);
		l2 = peek("e.qcow2", 0x30000) & 0x00fffffffffffe00ULL;
		poke("e.qcow2", l2 + 8, rows[i].v, 8);	/* the second cluster's entry */
		open_qcow2(&k, "e.qcow2");
		assert_int_equal(blk_disk_read(&k, buf, 512, 0), 0);
		assert_int_equal(blk_disk_read(&k, buf, 512, CLUSTER), -EIO);
		if (!strstr(k.why, rows[i].why))
			fail_msg("%s: \"%s\"", rows[i].name, k.why);
		assert_int_equal(blk_disk_write(&k, buf, 512, CLUSTER), -EIO);
		blk_disk_close(&k);
	}
}

/* An L2 entry naming the L1 table's cluster: no guest write lands there. */
static void test_data_over_metadata(void **state)
{
	struct blk_disk k;
	uint8_t buf[512] = { 0 };
	uint64_t l2;

	(void)state;
	assert_int_equal(sh("qemu-img create -q -f qcow2 m.qcow2 64M && "
			    "qemu-io -c 'write 0 512' m.qcow2 >/dev/null"), 0);
	l2 = peek("m.qcow2", 0x30000) & 0x00fffffffffffe00ULL;
	poke("m.qcow2", l2 + 8, 0x30000 | (1ULL << 63), 8);
	poke("m.qcow2", l2 + 16, l2 | (1ULL << 63), 8);	/* the L2 table itself */
	open_qcow2(&k, "m.qcow2");
	assert_int_equal(blk_disk_write(&k, buf, 512, CLUSTER), -EIO);
	assert_non_null(strstr(k.why, "cluster 196608 holds metadata"));
	assert_int_equal(blk_disk_write(&k, buf, 512, 2 * CLUSTER), -EIO);
	assert_int_equal(peek("m.qcow2", 0x30000) & 0x00fffffffffffe00ULL, l2);
	blk_disk_close(&k);
}

/* A compressed image from qemu-img convert -c: its clusters are refused. */
static void test_compressed_refused(void **state)
{
	struct blk_disk k;
	uint8_t buf[512];

	(void)state;
	assert_int_equal(sh("yes xpv | head -c 1M > p.raw && "
			    "qemu-img convert -c -O qcow2 p.raw p.qcow2"), 0);
	open_qcow2(&k, "p.qcow2");
	assert_int_equal(blk_disk_read(&k, buf, 512, 0), -EIO);
	assert_non_null(strstr(k.why, "compressed cluster at guest offset 0"));
	blk_disk_close(&k);
}

/* A data cluster whose refcount someone zeroed: discard meets an underflow. */
static void test_refcount_underflow(void **state)
{
	struct blk_disk k;
	uint64_t rb, l2, host;

	(void)state;
	assert_int_equal(sh("qemu-img create -q -f qcow2 u.qcow2 4M && "
			    "qemu-io -c 'write 0 64k' u.qcow2 >/dev/null"), 0);
	rb = peek("u.qcow2", 0x10000);
	l2 = peek("u.qcow2", 0x30000) & 0x00fffffffffffe00ULL;
	host = peek("u.qcow2", l2) & 0x00fffffffffffe00ULL;
	poke("u.qcow2", rb + 2 * (host / CLUSTER), 0, 2);
	open_qcow2(&k, "u.qcow2");
	assert_int_equal(blk_disk_discard(&k, 0, CLUSTER), -EIO);
	assert_non_null(strstr(k.why, "refcount underflow"));
	blk_disk_close(&k);
}

#define KILL_WRITES	400
#define KILL_LEN	5000
#define KILL_STEP	40000	/* KILL_WRITES of them fit in 16 MiB, apart */

/* A worker's life: write, then say so; its pipe tells the parent. */
static _Noreturn void write_and_ack(int ack)
{
	uint8_t buf[KILL_LEN];
	struct blk_disk k;
	uint32_t i;

	if (blk_disk_open(&k, "qcow2", at("k.qcow2"), false, 512))
		_exit(1);
	for (i = 0; i < KILL_WRITES; i++) {
		pattern(buf, sizeof(buf), (uint64_t)i * KILL_STEP, i);
		if (blk_disk_write(&k, buf, sizeof(buf), (uint64_t)i * KILL_STEP) ||
		    write(ack, &i, sizeof(i)) != sizeof(i))
			_exit(1);
	}
	pause();
	_exit(0);
}

/*
 * SIGKILL mid-workload, once @min_acked writes were answered: qemu-img
 * repairs leaks only, acked writes stay. @opts: qemu-img create's.
 */
static void killed_mid_write(const char *opts, uint32_t min_acked)
{
	uint8_t buf[KILL_LEN], want[KILL_LEN];
	uint32_t i, acked = 0;
	struct blk_disk k;
	int p[2];
	pid_t pid;

	assert_int_equal(sh("head -c 16M /dev/urandom > base.raw && "
			    "qemu-img create -q -f qcow2 -o %s -b base.raw -F raw k.qcow2",
			    opts), 0);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	if (!pid)
		write_and_ack(p[1]);
	close(p[1]);
	while (acked < min_acked && read(p[0], &i, sizeof(i)) == sizeof(i))
		acked = i + 1;
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	while (read(p[0], &i, sizeof(i)) == sizeof(i))
		acked = i + 1;
	close(p[0]);
	print_message("killed after %u acknowledged writes\n", acked);
	assert_true(acked >= min_acked);
	assert_int_equal(sh("qemu-img check -q -r leaks k.qcow2 >/dev/null; qemu-img check -q k.qcow2"), 0);
	open_qcow2(&k, "k.qcow2");
	for (i = 0; i < acked; i++) {
		pattern(want, sizeof(want), (uint64_t)i * KILL_STEP, i);
		assert_int_equal(blk_disk_read(&k, buf, sizeof(buf), (uint64_t)i * KILL_STEP), 0);
		assert_memory_equal(buf, want, sizeof(want));
	}
	blk_disk_close(&k);
}

static void test_killed_mid_write(void **state)
{
	(void)state;
	killed_mid_write("cluster_size=65536", 60);
}

/*
 * The same where the refcount table moves: 512-byte clusters and 64-bit
 * refcounts, whose one-cluster table covers 2 MiB of file, which these
 * writes pass at about the 330th (and the kill may fall in its growth).
 */
static void test_killed_while_growing(void **state)
{
	(void)state;
	killed_mid_write("cluster_size=512,refcount_bits=64", 320);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_from_params),
		cmocka_unit_test_setup_teardown(test_raw_never_probed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_image_served, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_backing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backing_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_clusters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount_table_grows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_l2_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_over_metadata, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressed_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refcount_underflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_mid_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_while_growing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
