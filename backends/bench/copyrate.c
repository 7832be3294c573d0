// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-copyrate: what dom0 can copy, the reference the daemons' throughput
 * is read against in make bench (tests/bench/blk, tests/bench/net).
 *
 * Both daemons move guest data with grant copies through gntdev: Xen
 * copies between a guest's granted page and the daemon's buffer; the
 * daemons hand up to 64 segments to one ioctl (lib/transport_xen.c),
 * which gntdev issues 16 to a hypercall. This tool times, inside dom0:
 *   memcpy      1 MiB copied between two buffers: the CPU's own rate;
 *   gntcopy-64  64 x 4 KiB segments per ioctl from pages dom0 grants to
 *               itself (gntalloc), as the daemons' batches are;
 *   gntcopy-1   one 4 KiB segment per ioctl: the cost of the call, the
 *               hypercall and the pinning around it, per page.
 * (What mapping a grant costs, for xpv-blkback's persistent grants, is
 * not timed: mapping a grant dom0 gave itself fails in gntdev's mmap,
 * EINVAL, under Debian's Xen 4.17 and dom0 kernel.)
 * Each rate is taken over about a second after a warm-up and printed as
 * "ref:METRIC VALUE MB/s", the form the bench's `bench` helper reads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xengnttab.h>

#define PAGE 4096u
#define BATCH 64u		/* segments per ioctl, as lib/transport_xen.c */
#define MEMCPY_BYTES (1u << 20)
#define RUN_NS 1000000000ull	/* time each rate over about this long */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void report(const char *metric, uint64_t bytes, uint64_t ns)
{
	printf("ref:%s %.1f MB/s\n", metric, (double)bytes * 1e3 / (double)ns);
}

/* memcpy rate: MEMCPY_BYTES back and forth, the sum read so it is kept. */
static int time_memcpy(void)
{
	unsigned char *a = malloc(MEMCPY_BYTES), *b = malloc(MEMCPY_BYTES);
	uint64_t start, ns, bytes = 0;
	unsigned int sum = 0;

	if (!a || !b) {
		fprintf(stderr, "xpv-copyrate: out of memory\n");
		free(a);
		free(b);
		return -1;
	}
	memset(a, 0x5a, MEMCPY_BYTES);
	memcpy(b, a, MEMCPY_BYTES);	/* warm-up: both buffers faulted in */
	start = now_ns();
	do {
		memcpy(b, a, MEMCPY_BYTES);
		sum += b[bytes % MEMCPY_BYTES];
		memcpy(a, b, MEMCPY_BYTES);
		bytes += 2ull * MEMCPY_BYTES;
		ns = now_ns() - start;
	} while (ns < RUN_NS);
	report("memcpy", bytes, ns);
	free(a);
	free(b);
	return sum == 0 ? -1 : 0;	/* 0x5a bytes never sum to 0 */
}

/* One call's segments: page i of the grants into page i of buf. */
static void fill_segments(xengnttab_grant_copy_segment_t *seg, unsigned int n,
			  const uint32_t *refs, unsigned char *buf)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(&seg[i], 0, sizeof(seg[i]));
		seg[i].source.foreign.ref = refs[i];
		seg[i].source.foreign.offset = 0;
		seg[i].source.foreign.domid = 0;	/* granted by dom0 to dom0 */
		seg[i].dest.virt = buf + (size_t)i * PAGE;
		seg[i].len = PAGE;
		seg[i].flags = GNTCOPY_source_gref;
	}
}

/* Grant copies of n segments per call until RUN_NS passed; -1 on any error. */
static int time_gntcopy(xengnttab_handle *gt, const uint32_t *refs, unsigned int n,
			const char *metric)
{
	xengnttab_grant_copy_segment_t seg[BATCH];
	static unsigned char buf[BATCH * PAGE];
	uint64_t start, ns, bytes = 0;
	unsigned int i;

	fill_segments(seg, n, refs, buf);
	start = now_ns();
	do {
		if (xengnttab_grant_copy(gt, n, seg)) {
			fprintf(stderr, "xpv-copyrate: grant copy: %s\n", strerror(errno));
			return -1;
		}
		for (i = 0; i < n; i++)
			if (seg[i].status != GNTST_okay) {
				fprintf(stderr, "xpv-copyrate: grant copy of ref %u: status %d\n",
					refs[i], seg[i].status);
				return -1;
			}
		bytes += (uint64_t)n * PAGE;
		ns = now_ns() - start;
	} while (ns < RUN_NS);
	report(metric, bytes, ns);
	return 0;
}

/* Share BATCH pages with dom0 itself and time the two batch sizes. */
static int time_grants(void)
{
	xengntshr_handle *gs = xengntshr_open(NULL, 0);
	xengnttab_handle *gt = xengnttab_open(NULL, 0);
	uint32_t refs[BATCH];
	void *pages = NULL;
	int rc = -1;

	if (!gs || !gt) {
		fprintf(stderr, "xpv-copyrate: gntalloc/gntdev: %s\n", strerror(errno));
		goto out;
	}
	pages = xengntshr_share_pages(gs, 0, BATCH, refs, 0);
	if (!pages) {
		fprintf(stderr, "xpv-copyrate: granting %u pages to dom0: %s\n", BATCH,
			strerror(errno));
		goto out;
	}
	memset(pages, 0xa5, (size_t)BATCH * PAGE);
	rc = time_gntcopy(gt, refs, 1, "gntcopy-1");	/* also the warm-up */
	if (!rc)
		rc = time_gntcopy(gt, refs, BATCH, "gntcopy-64");
	xengntshr_unshare(gs, pages, BATCH);
out:
	if (gt)
		xengnttab_close(gt);
	if (gs)
		xengntshr_close(gs);
	return rc;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: xpv-copyrate (no arguments; run in dom0 as root)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (time_memcpy() || time_grants())
		return 1;
	return 0;
}
