// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-blkbench: random reads or writes of one block size on a block device,
 * with O_DIRECT, one at a time (queue depth 1), for the blk bench.
 *
 *   xpv-blkbench DEV randread|randwrite BYTES COUNT SPAN_MIB
 *
 * Offsets are BYTES-aligned, drawn from a fixed xorshift sequence over the
 * first SPAN_MIB MiB, so both variants of the bench do the same I/O. Prints
 * "<ops> ops in <seconds> s: <ops/s> IOPS" and exits 1 on any short or
 * failed I/O.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull, slots;
	long bytes, count, span, i;
	int fd, writing;
	double t0, secs;
	void *buf;

	if (argc != 6) {
		fprintf(stderr, "usage: %s DEV randread|randwrite BYTES COUNT SPAN_MIB\n", argv[0]);
		return 2;
	}
	writing = !strcmp(argv[2], "randwrite");
	bytes = atol(argv[3]);
	count = atol(argv[4]);
	span = atol(argv[5]) << 20;
	if ((!writing && strcmp(argv[2], "randread")) || bytes < 512 ||
	    bytes % 512 || count < 1 || span < bytes) {
		fprintf(stderr, "xpv-blkbench: bad arguments\n");
		return 2;
	}
	fd = open(argv[1], (writing ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0 || posix_memalign(&buf, 4096, bytes)) {
		perror(argv[1]);
		return 1;
	}
	memset(buf, 0x5a, bytes);
	slots = span / bytes;
	t0 = now();
	for (i = 0; i < count; i++) {
		off_t off = (off_t)(next(&seed) % slots) * bytes;
		ssize_t n = writing ? pwrite(fd, buf, bytes, off) : pread(fd, buf, bytes, off);

		if (n != bytes) {
			perror("xpv-blkbench: I/O");
			return 1;
		}
	}
	secs = now() - t0;
	printf("%ld ops in %.3f s: %.1f IOPS\n", count, secs, count / secs);
	return 0;
}
