// SPDX-License-Identifier: GPL-2.0-only
/*
 * The storage driver "qcow2" (versions 2 and 3), written from the format's
 * specification: copy-on-write images over a chain of backing files.
 *
 * open   reads the header and checks everything later steps index with
 *        (cluster size, L1 and refcount tables inside the file, their
 *        entries, feature bits we do not know), loads the L1 and refcount
 *        tables, opens the backing file read-only with the format the
 *        header records (never probed) and refuses loops in the chain
 * read   cluster by cluster: allocated (the image), zero, unallocated
 *        (the backing file, zeros past its end), compressed (refused)
 * write  in place when allocated; otherwise a new cluster at the end of
 *        the file, filled from the backing file, then pointed to
 *        (qcow2_meta.c says in which order, and why)
 * discard whole clusters only: the entry becomes unallocated (zero when
 *        a backing file would show through), the refcount drops, the
 *        file gets a hole
 * submit with -a N (the worker's io_uring, aio.c): a read or write whose
 *        clusters are all allocated here goes on the ring as extents of
 *        host clusters, many requests at a time; the rest is served by
 *        the calls above, writes and discards once the disk's requests on
 *        the ring are done (see "The asynchronous path" below)
 * Internal snapshots, encryption, external data files and extended L2
 * entries are refused at open, each with its own message in k->why.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qcow2.h"

#define QCOW2_MAGIC		0x514649fbU	/* "QFI\xfb" */
#define V2_HEADER_LEN		72
#define V3_HEADER_LEN		104
#define MAX_CHAIN		16
#define EXT_BACKING_FORMAT	0xe2792acaU
#define EXT_CRYPTO		0x0537be77U
#define EXT_DATA_FILE		0x44415441U
#define INCOMPAT_DIRTY		(1ULL << 0)
#define INCOMPAT_CORRUPT	(1ULL << 1)

static uint32_t be32_at(const uint8_t *h, size_t at)
{
	uint32_t v;

	memcpy(&v, h + at, sizeof(v));
	return be32toh(v);
}

static uint64_t be64_at(const uint8_t *h, size_t at)
{
	uint64_t v;

	memcpy(&v, h + at, sizeof(v));
	return be64toh(v);
}

/* The header's fields, host order, before they are checked. */
struct qcow2_hdr {
	uint32_t magic, version, cluster_bits, crypt, l1_size, rt_clusters;
	uint32_t nb_snapshots, backing_len, refcount_order, hdr_len;
	uint64_t backing_off, size, l1_off, rt_off, incompat, autoclear;
};

static void hdr_decode(const uint8_t *h, struct qcow2_hdr *d)
{
	*d = (struct qcow2_hdr){
		.magic = be32_at(h, 0), .version = be32_at(h, 4),
		.backing_off = be64_at(h, 8), .backing_len = be32_at(h, 16),
		.cluster_bits = be32_at(h, 20), .size = be64_at(h, 24),
		.crypt = be32_at(h, 32), .l1_size = be32_at(h, 36),
		.l1_off = be64_at(h, 40), .rt_off = be64_at(h, 48),
		.rt_clusters = be32_at(h, 56), .nb_snapshots = be32_at(h, 60),
		.refcount_order = 4, .hdr_len = V2_HEADER_LEN,
	};
	if (d->version < 3)
		return;
	d->incompat = be64_at(h, 72);
	d->autoclear = be64_at(h, 88);
	d->refcount_order = be32_at(h, 96);
	d->hdr_len = be32_at(h, 100);
}

static int check_features(struct blk_disk *k, const struct qcow2_hdr *d)
{
	if (d->incompat & INCOMPAT_DIRTY)
		return blk_disk_why(k, -EINVAL, "dirty (lazy refcounts): repair it with qemu-img check -r all");
	if (d->incompat & INCOMPAT_CORRUPT)
		return blk_disk_why(k, -EINVAL, "marked corrupt: repair it with qemu-img check -r all");
	if (d->incompat)
		return blk_disk_why(k, -EINVAL, "incompatible features 0x%llx (external data file, compression type, extended L2): not supported",
				    (unsigned long long)d->incompat);
	if (d->crypt)
		return blk_disk_why(k, -EINVAL, "encrypted (method %u): not supported", d->crypt);
	if (d->nb_snapshots)
		return blk_disk_why(k, -EINVAL, "%u internal snapshots: not supported", d->nb_snapshots);
	return 0;
}

/* A table of @bytes at @off: cluster-aligned and inside the file. */
static bool table_fits(uint64_t off, uint64_t bytes, uint64_t cs, uint64_t file)
{
	return off && !(off & (cs - 1)) && bytes <= QCOW2_MAX_TABLE_BYTES &&
	       off <= file && bytes <= file - off;
}

static int check_geometry(struct blk_disk *k, const struct qcow2_hdr *d,
			  uint64_t file)
{
	uint64_t cs = 1ULL << d->cluster_bits, need;

	if (d->refcount_order > 6)
		return blk_disk_why(k, -EINVAL, "refcount_order %u: refcounts wider than 64 bits", d->refcount_order);
	if (d->hdr_len < (d->version < 3 ? V2_HEADER_LEN : V3_HEADER_LEN) || d->hdr_len > cs)
		return blk_disk_why(k, -EINVAL, "header length %u", d->hdr_len);
	if (d->size > (1ULL << 56))
		return blk_disk_why(k, -EINVAL, "disk size %llu too large", (unsigned long long)d->size);
	need = (d->size + (cs << (d->cluster_bits - 3)) - 1) >> (2 * d->cluster_bits - 3);
	if (d->l1_size < need)
		return blk_disk_why(k, -EINVAL, "L1 table of %u entries too small for %llu bytes",
				    d->l1_size, (unsigned long long)d->size);
	if (!table_fits(d->l1_off, (uint64_t)d->l1_size * 8, cs, file))
		return blk_disk_why(k, -EINVAL, "L1 table past end of file");
	if (!d->rt_clusters || !table_fits(d->rt_off, (uint64_t)d->rt_clusters * cs, cs, file))
		return blk_disk_why(k, -EINVAL, "refcount table past end of file");
	return 0;
}

static int check_header(struct blk_disk *k, const struct qcow2_hdr *d, uint64_t file)
{
	if (d->magic != QCOW2_MAGIC)
		return blk_disk_why(k, -EINVAL, "bad magic: not a qcow2 image");
	if (d->version != 2 && d->version != 3)
		return blk_disk_why(k, -EINVAL, "version %u: only 2 and 3", d->version);
	if (d->cluster_bits < 9 || d->cluster_bits > 21)
		return blk_disk_why(k, -EINVAL, "cluster_bits %u outside 9..21", d->cluster_bits);
	return check_features(k, d) ?: check_geometry(k, d, file);
}

/* A table of @n big-endian entries at @off, into host order. */
static int load_table(struct blk_disk *k, uint64_t off, uint64_t n, uint64_t **t)
{
	uint64_t i;
	int err;

	*t = calloc(n ? n : 1, sizeof(**t));
	if (!*t)
		return -ENOMEM;
	err = blk_pread_full(k->fd, *t, n * 8, off);
	for (i = 0; !err && i < n; i++)
		(*t)[i] = be64toh((*t)[i]);
	return err ? blk_disk_why(k, err, "cannot read a table at %llu",
				  (unsigned long long)off) : 0;
}

/* WHY: every later lookup indexes the file with these entries */
static int check_tables(struct blk_disk *k, struct qcow2 *q)
{
	uint64_t cs = q->cluster_size, i, o;

	for (i = 0; i < q->l1_size; i++) {
		o = q->l1[i] & QCOW2_OFF_MASK;
		if (q->l1[i] & QCOW2_L1_RESERVED)
			return blk_disk_why(k, -EINVAL, "L1 entry %llu: reserved bits set", (unsigned long long)i);
		if (o & (cs - 1))
			return blk_disk_why(k, -EINVAL, "L1 entry %llu: not cluster-aligned", (unsigned long long)i);
		if (o + cs > q->file_end)
			return blk_disk_why(k, -EINVAL, "L1 entry %llu points past end of file", (unsigned long long)i);
	}
	for (i = 0; i < q->rt_size; i++) {
		o = q->rt[i];
		if ((o & (cs - 1)) || o + cs > q->file_end)
			return blk_disk_why(k, -EINVAL, "refcount table entry %llu points past end of file or is not aligned",
					    (unsigned long long)i);
	}
	return 0;
}

/* Header extensions: the backing format, and what we must refuse. */
static int read_extensions(struct blk_disk *k, const uint8_t *h, uint64_t end,
			   uint64_t at, char *fmt, size_t fmt_len)
{
	uint32_t type, len;

	for (; at + 8 <= end; at += 8 + (((uint64_t)len + 7) & ~7ULL)) {
		type = be32_at(h, at);
		len = be32_at(h, at + 4);
		if (!type)
			return 0;
		if (len > end - at - 8)
			return blk_disk_why(k, -EINVAL, "header extension 0x%x past the header cluster", type);
		if (type == EXT_CRYPTO || type == EXT_DATA_FILE)
			return blk_disk_why(k, -EINVAL, "header extension 0x%x (encryption or data file): not supported", type);
		if (type == EXT_BACKING_FORMAT && len < fmt_len)
			snprintf(fmt, fmt_len, "%.*s", (int)len, (const char *)h + at + 8);
	}
	return blk_disk_why(k, -EINVAL, "header extensions without an end");
}

/* WHY: a loop would recurse for ever, a long chain hold many files open */
static int check_chain(struct blk_disk *k, const char *path)
{
	const struct blk_disk *a;
	struct stat st;
	unsigned int depth = 0;

	if (stat(path, &st))
		return blk_disk_why(k, -errno, "backing file %s: %s", path, strerror(errno));
	for (a = k; a; a = a->above, depth++)
		if (a->dev == (uint64_t)st.st_dev && a->ino == (uint64_t)st.st_ino)
			return blk_disk_why(k, -ELOOP, "backing chain loop at %s", path);
	if (depth >= MAX_CHAIN)
		return blk_disk_why(k, -ELOOP, "backing chain deeper than %u", MAX_CHAIN);
	return 0;
}

/* A relative backing name is relative to the image's directory. */
static void backing_path(const char *image, const char *name, char *out, size_t len)
{
	const char *slash = strrchr(image, '/');

	if (name[0] == '/' || !slash)
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "%.*s/%s", (int)(slash - image), image, name);
}

static int open_backing(struct blk_disk *k, const char *path, const char *fmt)
{
	struct qcow2 *q = qcow2_of(k);
	int err;

	if (!fmt[0])
		return blk_disk_why(k, -EINVAL, "backing file format not recorded (create with qemu-img -F)");
	err = check_chain(k, path);
	if (err)
		return err;
	err = blk_disk_open_backing(&q->backing, k, fmt, path);
	if (err)
		return blk_disk_why(k, err, "backing file %s (%s): %s", path, fmt,
				    q->backing.why[0] ? q->backing.why : strerror(-err));
	q->has_backing = true;
	return 0;
}

static int read_backing(struct blk_disk *k, const uint8_t *h,
			const struct qcow2_hdr *d, const char *image)
{
	char fmt[16] = "", name[1024], path[PATH_MAX];
	uint64_t cs = qcow2_of(k)->cluster_size;
	int err;

	err = read_extensions(k, h, cs, d->hdr_len, fmt, sizeof(fmt));
	if (err || !d->backing_off)
		return err;
	if (d->backing_len >= sizeof(name) || d->backing_off > cs ||
	    d->backing_len > cs - d->backing_off || !d->backing_len)
		return blk_disk_why(k, -EINVAL, "backing file name outside the header cluster");
	snprintf(name, sizeof(name), "%.*s", (int)d->backing_len,
		 (const char *)h + d->backing_off);
	backing_path(image, name, path, sizeof(path));
	return open_backing(k, path, fmt);
}

static int init_state(struct blk_disk *k, struct qcow2 *q, const struct qcow2_hdr *d,
		      uint64_t file)
{
	q->version = d->version;
	q->cluster_bits = d->cluster_bits;
	q->cluster_size = 1ULL << d->cluster_bits;
	q->size = d->size;
	q->refcount_order = d->refcount_order;
	q->l1_off = d->l1_off;
	q->l1_size = d->l1_size;
	q->rt_off = d->rt_off;
	q->rt_size = (uint64_t)d->rt_clusters * q->cluster_size / 8;
	q->file_end = (file + q->cluster_size - 1) & ~(q->cluster_size - 1);
	q->cbuf = malloc(q->cluster_size);
	if (!q->cbuf || qcow2_cache_init(&q->l2, q->cluster_size) ||
	    qcow2_cache_init(&q->rb, q->cluster_size))
		return -ENOMEM;
	return load_table(k, q->l1_off, q->l1_size, &q->l1) ?:
	       load_table(k, q->rt_off, q->rt_size, &q->rt) ?:
	       check_tables(k, q);
}

/* Bits we do not keep up to date must be cleared by a writer. */
static int clear_autoclear(struct blk_disk *k, const struct qcow2_hdr *d)
{
	uint64_t zero = 0;

	if (k->read_only || !d->autoclear)
		return 0;
	return blk_pwrite_full(k->fd, &zero, sizeof(zero), 88);
}

static void geometry(struct blk_disk *k, const struct qcow2 *q)
{
	uint32_t ss = k->file_sector_size;

	k->sector_size = ss;
	k->phys_sector_size = 4096;	/* as a raw file on a 4 KiB-block file system says */
	k->nr_sectors = q->size / ss * (ss >> XPV_BLKIF_SECTOR_SHIFT);
	if (!k->read_only && q->version >= 3)
		k->discard_granularity = (uint32_t)q->cluster_size;
}

/* Read the header's cluster (up to 2 MiB) once its size is known. */
static int read_header(struct blk_disk *k, uint64_t file, uint8_t **h,
		       struct qcow2_hdr *d)
{
	uint8_t first[V3_HEADER_LEN] = { 0 };
	uint64_t cs;
	int err;

	if (file < V2_HEADER_LEN)
		return blk_disk_why(k, -EINVAL, "too short for a qcow2 header");
	err = blk_pread_full(k->fd, first, file < sizeof(first) ? file : sizeof(first), 0);
	if (err)
		return blk_disk_why(k, err, "cannot read the header");
	hdr_decode(first, d);
	err = check_header(k, d, file);
	if (err)
		return err;
	cs = 1ULL << d->cluster_bits;
	*h = calloc(1, cs);
	if (!*h)
		return -ENOMEM;
	return blk_pread_full(k->fd, *h, file < cs ? file : cs, 0);
}

static int qcow2_open(struct blk_disk *k, const char *path)
{
	struct qcow2_hdr d;
	struct qcow2 *q;
	uint8_t *h = NULL;
	struct stat st;
	int err;

	err = blk_open_fd(k, path, &st);
	if (err)
		return err;
	if (!S_ISREG(st.st_mode))
		return blk_disk_why(k, -EINVAL, "a qcow2 image must be a regular file");
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	k->priv = q;
	err = read_header(k, (uint64_t)st.st_size, &h, &d);
	if (!err)
		err = init_state(k, q, &d, (uint64_t)st.st_size);
	if (!err)
		err = read_backing(k, h, &d, path);
	if (!err)
		err = clear_autoclear(k, &d);
	free(h);
	if (!err)
		geometry(k, q);
	return err;
}

static void qcow2_close(struct blk_disk *k)
{
	struct qcow2 *q = qcow2_of(k);

	if (!q)
		return;
	if (q->has_backing)
		blk_disk_close(&q->backing);
	qcow2_cache_free(&q->l2);
	qcow2_cache_free(&q->rb);
	free(q->cbuf);
	free(q->l1);
	free(q->rt);
	free(q);
	k->priv = NULL;
}

/* What lies under the image at @off: the backing file, zeros past it. */
static int read_below(struct blk_disk *k, void *buf, size_t len, uint64_t off)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t bsize = q->has_backing ? q->backing.nr_sectors << XPV_BLKIF_SECTOR_SHIFT : 0;
	size_t n = off >= bsize ? 0 : (size_t)(bsize - off < len ? bsize - off : len);

	memset((uint8_t *)buf + n, 0, len - n);
	return n ? blk_disk_read(&q->backing, buf, n, off) : 0;
}

/* The cluster entry of guest offset @off, checked; 0 when unallocated. */
static int entry_of(struct blk_disk *k, uint64_t off, bool alloc, uint64_t *e,
		    uint64_t **slot, uint64_t *slot_off)
{
	int err = qcow2_l2_entry(k, off, alloc, slot, slot_off);

	*e = !err && *slot ? be64toh(**slot) : 0;
	return err ?: qcow2_check_l2_entry(k, *e, off);
}

/* One piece of a request, inside one cluster. */
static int read_piece(struct blk_disk *k, uint8_t *buf, size_t len, uint64_t off)
{
	uint64_t e, *slot, slot_off, in = off & (qcow2_of(k)->cluster_size - 1);
	int err = entry_of(k, off, false, &e, &slot, &slot_off);

	if (err)
		return err;
	if (e & QCOW2_ZERO) {
		memset(buf, 0, len);
		return 0;
	}
	if (!(e & QCOW2_OFF_MASK))
		return read_below(k, buf, len, off);
	return blk_pread_full(k->fd, buf, len, (e & QCOW2_OFF_MASK) + in);
}

/* A cluster for @off that holds what the guest saw there, then @buf. */
static int write_new(struct blk_disk *k, const uint8_t *buf, size_t len,
		     uint64_t off, uint64_t e, uint64_t *slot, uint64_t slot_off)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t cs = q->cluster_size, start = off & ~(cs - 1), host = e & QCOW2_OFF_MASK;
	const uint8_t *data = buf;
	int err = 0;

	if (!host)	/* a zero cluster may keep its preallocated one */
		err = qcow2_alloc_cluster(k, &host);
	if (!err && len != cs) {
		if (e & QCOW2_ZERO)
			memset(q->cbuf, 0, cs);
		else
			err = read_below(k, q->cbuf, cs, start);
		memcpy(q->cbuf + (off - start), buf, len);
		data = q->cbuf;
	}
	if (!err)
		err = blk_pwrite_full(k->fd, data, cs, host);
	/* the cache slot may have moved: look the entry up again */
	if (!err)
		err = qcow2_l2_entry(k, off, true, &slot, &slot_off);
	return err ?: qcow2_set_entry(k, slot, slot_off, host | QCOW2_COPIED);
}

static int write_piece(struct blk_disk *k, const uint8_t *buf, size_t len, uint64_t off)
{
	uint64_t e, *slot, slot_off, in = off & (qcow2_of(k)->cluster_size - 1);
	int err = entry_of(k, off, true, &e, &slot, &slot_off);

	if (!err && (e & QCOW2_OFF_MASK))
		err = qcow2_check_data_cluster(k, e & QCOW2_OFF_MASK, off);
	if (err)
		return err;
	if ((e & QCOW2_OFF_MASK) && !(e & QCOW2_ZERO))
		return blk_pwrite_full(k->fd, buf, len, (e & QCOW2_OFF_MASK) + in);
	return write_new(k, buf, len, off, e, slot, slot_off);
}

/* Free one whole cluster: the entry first, then the refcount. */
static int discard_cluster(struct blk_disk *k, uint64_t off)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t e, *slot, slot_off, host, now;
	int err = entry_of(k, off, false, &e, &slot, &slot_off);

	host = e & QCOW2_OFF_MASK;
	if (err || !host)
		return err;
	err = qcow2_set_entry(k, slot, slot_off, q->has_backing ? QCOW2_ZERO : 0);
	if (!err)
		err = qcow2_refcount_add(k, host, -1, &now);
	if (!err && !now)
		blk_punch(k->fd, host, q->cluster_size);	/* space only */
	return err;
}

typedef int piece_fn(struct blk_disk *k, uint8_t *buf, size_t len, uint64_t off);

/* Run @fn on each piece of [@off, @off + @len) that lies in one cluster. */
static int each_piece(struct blk_disk *k, piece_fn *fn, uint8_t *buf, size_t len,
		      uint64_t off)
{
	uint64_t cs = qcow2_of(k)->cluster_size;
	size_t n;
	int err = 0;

	for (; len && !err; len -= n, off += n) {
		n = (size_t)(cs - (off & (cs - 1)));
		n = n < len ? n : len;
		err = fn(k, buf, n, off);
		if (buf)	/* discard has none: NULL + 0 is undefined too */
			buf += n;
	}
	return err;
}

static int qcow2_read(struct blk_disk *k, void *buf, size_t len, uint64_t off)
{
	return each_piece(k, read_piece, buf, len, off);
}

static int write_piece_fn(struct blk_disk *k, uint8_t *buf, size_t len, uint64_t off)
{
	return write_piece(k, buf, len, off);
}

static int qcow2_write(struct blk_disk *k, const void *buf, size_t len, uint64_t off)
{
	return each_piece(k, write_piece_fn, (uint8_t *)buf, len, off);
}

/* v2 has no zero clusters to keep a backing file from showing through. */
static int discard_piece(struct blk_disk *k, uint8_t *buf, size_t len, uint64_t off)
{
	struct qcow2 *q = qcow2_of(k);

	(void)buf;
	if (len != q->cluster_size || (q->version < 3 && q->has_backing))
		return 0;
	return discard_cluster(k, off);
}

/* Parts of clusters are left as they are: discard promises nothing. */
static int qcow2_discard(struct blk_disk *k, uint64_t off, uint64_t len)
{
	return each_piece(k, discard_piece, NULL, (size_t)len, off);
}

/*
 * The asynchronous path (-a N; io.c calls submit, aio.c runs the ring).
 * A read or write whose clusters are all allocated in this image needs no
 * metadata change: an L2 lookup (through the cache, the entry checked as
 * the synchronous path checks it) turns each piece into an extent of a
 * host cluster, contiguous ones merged, and the extents go on the
 * worker's io_uring. Zero clusters, and unallocated ones with no backing
 * file, read as zeros at once. The rest is served by the synchronous code
 * above:
 *   writes that allocate or copy up, discards: only once none of the
 *     disk's requests is on the ring (drain). WHY: a discard frees a
 *     cluster, and a write in flight to the old mapping must not land
 *     after it; an allocating write's L2 entry must not be seen before
 *     its data
 *   reads from the backing chain: at once, no drain. WHY: a read changes
 *     no metadata, and no write in flight goes where it reads (writes in
 *     flight go to clusters allocated here; a read takes those from here)
 *   a request of more than BLK_EXTENTS extents: as a read or write above.
 * A flush is an fsync on the ring that drains it (after its data, linked):
 * metadata is written through when it changes (qcow2_meta.c), so the
 * fsync covers it, as it covers every write submitted before it.
 */

static uint64_t req_off(const struct blk_ioreq *r)
{
	return r->req.sector << XPV_BLKIF_SECTOR_SHIFT;
}

/* None of the disk's requests on the ring: see above. */
static void drain(struct blk_disk *k)
{
	while (k->nr_aio)
		blk_disk_wait(k);
}

enum piece_kind { PIECE_HOST, PIECE_ZEROS, PIECE_SYNC };

/* How the piece at guest offset @off is served; *host for PIECE_HOST. */
static int piece_kind(struct blk_disk *k, uint64_t off, bool write,
		      enum piece_kind *kind, uint64_t *host)
{
	uint64_t e, *slot, slot_off;
	int err = entry_of(k, off, false, &e, &slot, &slot_off);

	*host = e & QCOW2_OFF_MASK;
	if (write)
		*kind = *host && !(e & QCOW2_ZERO) ? PIECE_HOST : PIECE_SYNC;
	else if (e & QCOW2_ZERO)
		*kind = PIECE_ZEROS;
	else
		*kind = *host ? PIECE_HOST : qcow2_of(k)->has_backing ? PIECE_SYNC : PIECE_ZEROS;
	if (!err && write && *kind == PIECE_HOST)
		err = qcow2_check_data_cluster(k, *host, off);
	return err;
}

/* @len bytes of r->buf at @at go to @host; false: no extent left. */
static bool add_extent(struct blk_ioreq *r, uint64_t host, size_t at, size_t len)
{
	struct blk_extent *last = r->nr_ext ? &r->ext[r->nr_ext - 1] : NULL;

	if (last && last->off + last->len == host && last->at + last->len == at) {
		last->len += (uint32_t)len;
		return true;
	}
	if (r->nr_ext == BLK_EXTENTS)
		return false;
	r->ext[r->nr_ext++] = (struct blk_extent){ .r = r, .off = host,
						   .at = (uint32_t)at, .len = (uint32_t)len };
	return true;
}

/*
 * @r's pieces as extents of this image's clusters, zeros filled in: 1
 * when every piece is one or the other, 0 when one needs the synchronous
 * code, or -errno (a corrupt entry: the request fails, nothing written).
 */
static int map_request(struct blk_disk *k, struct blk_ioreq *r, bool write)
{
	uint64_t cs = qcow2_of(k)->cluster_size, off, host;
	enum piece_kind kind;
	size_t at, n;
	int err;

	r->nr_ext = 0;
	for (at = 0; at < r->len; at += n) {
		off = req_off(r) + at;
		n = (size_t)(cs - (off & (cs - 1)));
		n = n < r->len - at ? n : r->len - at;
		err = piece_kind(k, off, write, &kind, &host);
		if (err)
			return err;
		if (kind == PIECE_SYNC)
			return 0;
		if (kind == PIECE_ZEROS)
			memset(r->buf + at, 0, n);
		else if (!add_extent(r, host + (off & (cs - 1)), at, n))
			return 0;
	}
	return 1;
}

static int submit_read(struct blk_disk *k, struct blk_ioreq *r)
{
	int rc = map_request(k, r, false);

	if (rc)
		return rc < 0 ? rc : blk_aio_submit(k, r);
	r->nr_ext = 0;
	return qcow2_read(k, r->buf, r->len, req_off(r));
}

/*
 * A write's data: extents for the ring when every cluster is allocated
 * here (1), else written now by the synchronous code, drained first (0),
 * or -errno.
 */
static int map_write(struct blk_disk *k, struct blk_ioreq *r)
{
	int rc = map_request(k, r, true);

	if (rc)
		return rc;
	r->nr_ext = 0;
	drain(k);
	return qcow2_write(k, r->buf, r->len, req_off(r));
}

static int submit_write(struct blk_disk *k, struct blk_ioreq *r)
{
	int rc = map_write(k, r);

	return rc > 0 ? blk_aio_submit(k, r) : rc;
}

/* Its data (if any) in place or written now, then the fsync on the ring. */
static int submit_flush(struct blk_disk *k, struct blk_ioreq *r)
{
	int rc = r->len ? map_write(k, r) : 0;

	return rc < 0 ? rc : blk_aio_submit(k, r);
}

static int submit_discard(struct blk_disk *k, struct blk_ioreq *r)
{
	drain(k);
	return qcow2_discard(k, req_off(r), r->req.nr_sectors << XPV_BLKIF_SECTOR_SHIFT);
}

/* The submit op: see "The asynchronous path" above. */
static int qcow2_submit(struct blk_disk *k, struct blk_ioreq *r)
{
	switch (r->req.op) {
	case XPV_BLKIF_OP_READ:
		return submit_read(k, r);
	case XPV_BLKIF_OP_WRITE:
		return submit_write(k, r);
	case XPV_BLKIF_OP_FLUSH_DISKCACHE:
		return submit_flush(k, r);
	default:
		return submit_discard(k, r);
	}
}

const struct blk_driver blk_driver_qcow2 = {
	.name = "qcow2",
	.open = qcow2_open,
	.close = qcow2_close,
	.attach = blk_aio_attach,
	.read = qcow2_read,
	.write = qcow2_write,
	.flush = blk_fd_flush,
	.discard = qcow2_discard,
	.submit = qcow2_submit,
	.wait = blk_aio_disk_wait,
};

/**
 * qcow2_check_overlay() - @k, a qcow2 image, is a fresh overlay of @below
 *
 * Its backing file is @below's file, it is as large, and it holds nothing
 * yet (every L1 entry empty): a guest moved from @below onto @k sees the
 * same disk. The snapshot switch's test (blk_disk_snapshot()).
 *
 * Return: 0, or -EINVAL with k->why saying which of these fails.
 */
int qcow2_check_overlay(struct blk_disk *k, const struct blk_disk *below)
{
	struct qcow2 *q = qcow2_of(k);
	uint32_t i;

	if (!q->has_backing || q->backing.dev != below->dev ||
	    q->backing.ino != below->ino)
		return blk_disk_why(k, -EINVAL, "its backing file is not the disk's image");
	if (k->nr_sectors != below->nr_sectors || k->sector_size != below->sector_size)
		return blk_disk_why(k, -EINVAL, "%llu sectors of %u bytes, the disk %llu of %u",
				    (unsigned long long)k->nr_sectors, k->sector_size,
				    (unsigned long long)below->nr_sectors, below->sector_size);
	for (i = 0; i < q->l1_size; i++)
		if (q->l1[i])
			return blk_disk_why(k, -EINVAL, "not empty: L1 entry %u in use", i);
	return 0;
}
