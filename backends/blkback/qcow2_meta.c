// SPDX-License-Identifier: GPL-2.0-only
/*
 * qcow2 metadata: L2 tables and refcount blocks through two small caches,
 * and cluster allocation. Every change is written through at once, in an
 * order that leaves nothing worse than a leak if the daemon dies between
 * two writes (qemu-img check -r leaks repairs those):
 *   a new cluster's refcount, then its contents, then the entry that
 *   points to it (L2 entry for data, L1 entry for an L2 table, refcount
 *   table entry for a refcount block);
 *   a freed cluster's entry first, then its refcount.
 * The writes land in dom0's page cache in that order, so a killed daemon
 * loses nothing a guest saw acknowledged; a flush request makes them
 * durable (fdatasync), as with raw images.
 *
 * Refcounts are 2^refcount_order bits wide (1 to 64), big-endian when a
 * byte or wider, packed from the least significant bit when narrower.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qcow2.h"

int qcow2_cache_init(struct qcow2_cache *c, uint64_t cluster_size)
{
	*c = (struct qcow2_cache){ 0 };
	c->data = malloc(QCOW2_CACHE_SLOTS * cluster_size);
	return c->data ? 0 : -ENOMEM;
}

void qcow2_cache_free(struct qcow2_cache *c)
{
	free(c->data);
	c->data = NULL;
}

static unsigned int cache_victim(const struct qcow2_cache *c)
{
	unsigned int i, v = 0;

	for (i = 1; i < QCOW2_CACHE_SLOTS; i++)
		if (c->used[i] < c->used[v])
			v = i;
	return v;
}

/* The cluster at @off through cache @c: read in, or zeroed when @fresh. */
static int cache_get(struct blk_disk *k, struct qcow2_cache *c, uint64_t off,
		     bool fresh, uint8_t **p)
{
	uint64_t cs = qcow2_of(k)->cluster_size;
	unsigned int i;
	int err = 0;

	for (i = 0; i < QCOW2_CACHE_SLOTS && c->off[i] != off; i++)
		;
	if (i == QCOW2_CACHE_SLOTS || fresh) {
		i = i == QCOW2_CACHE_SLOTS ? cache_victim(c) : i;
		c->off[i] = off;
		if (fresh)
			memset(c->data + i * cs, 0, cs);
		else
			err = blk_pread_full(k->fd, c->data + i * cs, cs, off);
		if (err) {
			c->off[i] = 0;
			return blk_disk_why(k, err, "cannot read metadata at %llu",
					    (unsigned long long)off);
		}
	}
	c->used[i] = ++c->clock;
	*p = c->data + i * cs;
	return 0;
}

static int write_be64(struct blk_disk *k, uint64_t off, uint64_t v)
{
	uint64_t be = htobe64(v);

	return blk_pwrite_full(k->fd, &be, sizeof(be), off);
}

/* log2 of the refcounts in one refcount block */
static unsigned int rb_shift(const struct qcow2 *q)
{
	return q->cluster_bits + 3 - q->refcount_order;
}

static uint64_t rc_max(const struct qcow2 *q)
{
	unsigned int bits = 1u << q->refcount_order;

	return bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
}

static uint64_t rc_get(const struct qcow2 *q, const uint8_t *blk, uint64_t i)
{
	unsigned int order = q->refcount_order, n, bits = 1u << order;
	uint64_t v = 0;

	if (order < 3)
		return (blk[i / (8 / bits)] >> ((i % (8 / bits)) * bits)) & rc_max(q);
	for (n = 0; n < bits / 8; n++)
		v = v << 8 | blk[i * (bits / 8) + n];
	return v;
}

/* Set refcount @i of @blk; *at and *len: the bytes that changed. */
static void rc_set(const struct qcow2 *q, uint8_t *blk, uint64_t i, uint64_t v,
		   uint64_t *at, unsigned int *len)
{
	unsigned int bits = 1u << q->refcount_order, shift, n;

	if (bits < 8) {
		*at = i / (8 / bits);
		*len = 1;
		shift = (unsigned int)(i % (8 / bits)) * bits;
		blk[*at] = (uint8_t)((blk[*at] & ~(rc_max(q) << shift)) | v << shift);
		return;
	}
	*at = i * (bits / 8);
	*len = bits / 8;
	for (n = *len; n-- > 0; v >>= 8)
		blk[*at + n] = (uint8_t)v;
}

static int new_refblock(struct blk_disk *k, uint64_t rti, uint8_t **blk);
static int grow_table(struct blk_disk *k, uint64_t rti);

/* The refcount block covering cluster @idx; *blk NULL when there is none. */
static int refblock(struct blk_disk *k, uint64_t idx, bool alloc, uint8_t **blk)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t rti = idx >> rb_shift(q);
	int err;

	*blk = NULL;
	if (rti >= q->rt_size) {
		if (!alloc)
			return 0;
		err = grow_table(k, rti);
		if (err)
			return err;
	}
	if (q->rt[rti])
		return cache_get(k, &q->rb, q->rt[rti], false, blk);
	return alloc ? new_refblock(k, rti, blk) : 0;
}

static int refcount_get(struct blk_disk *k, uint64_t off, uint64_t *v)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t idx = off >> q->cluster_bits;
	uint8_t *blk;
	int err = refblock(k, idx, false, &blk);

	*v = blk ? rc_get(q, blk, idx & ((1ULL << rb_shift(q)) - 1)) : 0;
	return err;
}

/* Change one refcount in @blk and write the bytes that changed. */
static int rc_store(struct blk_disk *k, uint8_t *blk, uint64_t blk_off,
		    uint64_t idx, uint64_t v)
{
	struct qcow2 *q = qcow2_of(k);
	unsigned int len;
	uint64_t at;

	rc_set(q, blk, idx & ((1ULL << rb_shift(q)) - 1), v, &at, &len);
	return blk_pwrite_full(k->fd, blk + at, len, blk_off + at);
}

/**
 * qcow2_refcount_add() - change the refcount of the cluster at @off
 * @now: its refcount afterwards
 *
 * Return: 0, -EIO for a refcount that would overflow or go below 0
 * (k->why says which), or the error of the write.
 */
int qcow2_refcount_add(struct blk_disk *k, uint64_t off, int delta, uint64_t *now)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t idx = off >> q->cluster_bits, v;
	uint8_t *blk;
	int err = refblock(k, idx, delta > 0, &blk);

	if (err)
		return err;
	if (!blk)
		return blk_disk_why(k, -EIO, "cluster at %llu has no refcount block",
				    (unsigned long long)off);
	v = rc_get(q, blk, idx & ((1ULL << rb_shift(q)) - 1));
	if (delta > 0 && v > rc_max(q) - (uint64_t)delta)
		return blk_disk_why(k, -EIO, "refcount overflow at cluster %llu",
				    (unsigned long long)off);
	if (delta < 0 && v < (uint64_t)-delta)
		return blk_disk_why(k, -EIO, "refcount underflow at cluster %llu",
				    (unsigned long long)off);
	*now = v + (uint64_t)(int64_t)delta;
	return rc_store(k, blk, q->rt[idx >> rb_shift(q)], idx, *now);
}

/*
 * A refcount block for table entry @rti, at the end of the file. Its own
 * refcount goes into itself when it covers itself, else through the
 * block that does (which may be new too: one level deeper).
 */
static int new_refblock(struct blk_disk *k, uint64_t rti, uint8_t **blk)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t b = q->file_end, idx = b >> q->cluster_bits, now;
	bool self = idx >> rb_shift(q) == rti;
	int err;

	q->file_end += q->cluster_size;
	err = self ? 0 : qcow2_refcount_add(k, b, 1, &now);
	if (!err)
		err = cache_get(k, &q->rb, b, true, blk);
	if (!err && self)
		rc_set(q, *blk, idx & ((1ULL << rb_shift(q)) - 1), 1, &now,
		       &(unsigned int){ 0 });
	if (!err)
		err = blk_pwrite_full(k->fd, *blk, q->cluster_size, b);
	if (err)
		return err;
	q->rt[rti] = b;
	return write_be64(k, q->rt_off + rti * 8, b);
}

/*
 * Growing the refcount table: a new, larger table at the end of the file,
 * followed by the new refcount blocks that count it and themselves. The
 * order, each step written through before the next:
 *   1. the refcounts of the new clusters: in the new blocks (written
 *      whole), or in existing blocks that already cover them;
 *   2. the new table: the old entries plus the new blocks;
 *   3. the header's table offset and size, in one write of 12 bytes;
 *   4. the old table's clusters freed (refcount 0, a hole).
 * A daemon killed before 3 leaves the old table in force and the new
 * clusters counted but unused; killed before 4, the old table counted but
 * unused: leaks, which qemu-img check -r leaks repairs.
 */
#define HDR_RT_OFF	48	/* refcount_table_offset, then _clusters at 56 */

struct rt_growth {
	uint64_t start;		/* cluster index of the new table */
	uint64_t n;		/* its clusters */
	uint64_t nb;		/* new refcount blocks, right after it */
	uint64_t *rt;		/* its entries, host order */
};

/* Does table entry @rti need a new block in @g (none covers it yet)? */
static bool needs_block(const struct qcow2 *q, uint64_t rti)
{
	return rti >= q->rt_size || !q->rt[rti];
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* Size @g: a table for entry @rti and for the clusters of @g itself. */
static void size_growth(const struct qcow2 *q, uint64_t rti, struct rt_growth *g)
{
	unsigned int shift = rb_shift(q);
	uint64_t per = q->cluster_size / 8, end, i, n, nb, entries;

	g->start = q->file_end >> q->cluster_bits;
	g->n = 2 * div_up(q->rt_size, per);	/* room to grow again */
	g->nb = 0;
	do {
		n = g->n;
		nb = g->nb;
		end = g->start + g->n + g->nb;
		entries = div_up(end, 1ULL << shift);
		entries = entries > rti + 1 ? entries : rti + 1;
		g->n = div_up(entries, per) > g->n ? div_up(entries, per) : g->n;
		for (g->nb = 0, i = g->start >> shift; i <= (end - 1) >> shift; i++)
			g->nb += needs_block(q, i);
	} while (n != g->n || nb != g->nb);
}

/* Step 1: count the clusters of @g, in blocks old and new. */
static int count_growth(struct blk_disk *k, struct rt_growth *g)
{
	struct qcow2 *q = qcow2_of(k);
	unsigned int shift = rb_shift(q);
	uint64_t c, end = g->start + g->n + g->nb, rti, b = g->start + g->n, now;
	uint8_t *blk;
	int err = 0;

	for (rti = g->start >> shift; !err && rti <= (end - 1) >> shift; rti++) {
		if (!needs_block(q, rti))
			continue;
		g->rt[rti] = b++ << q->cluster_bits;
		err = cache_get(k, &q->rb, g->rt[rti], true, &blk);
		for (c = g->start; !err && c < end; c++)
			if (c >> shift == rti)
				rc_set(q, blk, c & ((1ULL << shift) - 1), 1, &now,
				       &(unsigned int){ 0 });
		if (!err)
			err = blk_pwrite_full(k->fd, blk, q->cluster_size, g->rt[rti]);
	}
	for (c = g->start; !err && c < end; c++)
		if (!needs_block(q, c >> shift))
			err = qcow2_refcount_add(k, c << q->cluster_bits, 1, &now);
	return err;
}

/* Steps 2 and 3: the new table, then the header that names it. */
static int write_growth(struct blk_disk *k, const struct rt_growth *g)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t i, entries = g->n * q->cluster_size / 8, *be = calloc(entries, 8);
	uint64_t rt_off = htobe64(g->start << q->cluster_bits);
	uint32_t rt_clusters = htobe32((uint32_t)g->n);
	uint8_t hdr[12];
	int err;

	if (!be)
		return -ENOMEM;
	for (i = 0; i < entries; i++)
		be[i] = htobe64(g->rt[i]);
	err = blk_pwrite_full(k->fd, be, entries * 8, g->start << q->cluster_bits);
	free(be);
	memcpy(hdr, &rt_off, 8);
	memcpy(hdr + 8, &rt_clusters, 4);
	return err ?: blk_pwrite_full(k->fd, hdr, sizeof(hdr), HDR_RT_OFF);
}

/* Step 4: the old table's clusters are free once the header moved on. */
static int free_old_table(struct blk_disk *k, uint64_t off, uint64_t bytes)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t c, now;
	int err = 0;

	for (c = off; !err && c < off + bytes; c += q->cluster_size) {
		err = qcow2_refcount_add(k, c, -1, &now);
		if (!err && !now)
			blk_punch(k->fd, c, q->cluster_size);	/* space only */
	}
	return err;
}

/* A refcount table with entry @rti: moved to the end of the file, larger. */
static int grow_table(struct blk_disk *k, uint64_t rti)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t old_off = q->rt_off, old_bytes = q->rt_size * 8;
	struct rt_growth g;
	int err;

	size_growth(q, rti, &g);
	if (g.n * q->cluster_size > QCOW2_MAX_TABLE_BYTES || g.n > UINT32_MAX)
		return blk_disk_why(k, -ENOSPC, "refcount table full");
	g.rt = calloc(g.n * q->cluster_size / 8, 8);
	if (!g.rt)
		return -ENOMEM;
	memcpy(g.rt, q->rt, old_bytes);
	err = count_growth(k, &g) ?: write_growth(k, &g);
	if (err) {
		free(g.rt);
		return err;
	}
	free(q->rt);
	q->rt = g.rt;
	q->rt_off = g.start << q->cluster_bits;
	q->rt_size = g.n * q->cluster_size / 8;
	q->file_end = (g.start + g.n + g.nb) << q->cluster_bits;
	return free_old_table(k, old_off, (old_bytes + q->cluster_size - 1) &
				       ~(q->cluster_size - 1));
}

/**
 * qcow2_alloc_cluster() - a cluster at the end of the file, refcount 1
 *
 * A cluster there that already has a refcount was allocated by a daemon
 * that died before pointing to it: a leak, left for qemu-img check.
 */
int qcow2_alloc_cluster(struct blk_disk *k, uint64_t *off)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t v, now;
	int err;

	do {
		*off = q->file_end;
		q->file_end += q->cluster_size;
		err = refcount_get(k, *off, &v);
	} while (!err && v);
	return err ? err : qcow2_refcount_add(k, *off, 1, &now);
}

/* A zeroed L2 table for L1 entry @l1i, written before the entry is. */
static int new_l2(struct blk_disk *k, uint32_t l1i, uint8_t **table)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t t;
	int err = qcow2_alloc_cluster(k, &t);

	if (!err)
		err = cache_get(k, &q->l2, t, true, table);
	if (!err)
		err = blk_pwrite_full(k->fd, *table, q->cluster_size, t);
	if (err)
		return err;
	q->l1[l1i] = t | QCOW2_COPIED;
	return write_be64(k, q->l1_off + (uint64_t)l1i * 8, q->l1[l1i]);
}

/**
 * qcow2_l2_entry() - find the L2 entry of the cluster at guest offset @off
 * @alloc: make its L2 table if there is none
 * @slot: the entry (big-endian) in the cache, valid until the next L2
 *        lookup; NULL when there is no table and !@alloc
 * @slot_off: where it lives in the image
 */
int qcow2_l2_entry(struct blk_disk *k, uint64_t off, bool alloc,
		   uint64_t **slot, uint64_t *slot_off)
{
	struct qcow2 *q = qcow2_of(k);
	unsigned int l2_bits = q->cluster_bits - 3;
	uint64_t vc = off >> q->cluster_bits, l2i = vc & ((1ULL << l2_bits) - 1);
	uint32_t l1i = (uint32_t)(vc >> l2_bits);
	uint8_t *table;
	int err;

	*slot = NULL;
	if (!(q->l1[l1i] & QCOW2_OFF_MASK)) {
		if (!alloc)
			return 0;
		err = new_l2(k, l1i, &table);
	} else {
		err = cache_get(k, &q->l2, q->l1[l1i] & QCOW2_OFF_MASK, false, &table);
	}
	if (err)
		return err;
	*slot = (uint64_t *)table + l2i;
	*slot_off = (q->l1[l1i] & QCOW2_OFF_MASK) + l2i * 8;
	return 0;
}

int qcow2_set_entry(struct blk_disk *k, uint64_t *slot, uint64_t slot_off,
		    uint64_t e)
{
	*slot = htobe64(e);
	return write_be64(k, slot_off, e);
}

/* WHY: the image is not the guest's, but a corrupt one must not crash us */
int qcow2_check_l2_entry(struct blk_disk *k, uint64_t e, uint64_t off)
{
	struct qcow2 *q = qcow2_of(k);
	uint64_t host = e & QCOW2_OFF_MASK;
	unsigned long long g = (unsigned long long)off;

	if (e & QCOW2_COMPRESSED)
		return blk_disk_why(k, -EIO, "compressed cluster at guest offset %llu: not supported", g);
	if (e & QCOW2_L2_RESERVED)
		return blk_disk_why(k, -EIO, "L2 entry of guest offset %llu: reserved bits set", g);
	if (host & (q->cluster_size - 1))
		return blk_disk_why(k, -EIO, "L2 entry of guest offset %llu: not cluster-aligned", g);
	if (host && host + q->cluster_size > q->file_end)
		return blk_disk_why(k, -EIO, "L2 entry of guest offset %llu: past end of file", g);
	return 0;
}

static bool in_range(uint64_t x, uint64_t start, uint64_t bytes)
{
	return x >= start && x - start < bytes;
}

/* Is the cluster at @host one the image's own metadata lives in? */
static bool is_metadata(const struct qcow2 *q, uint64_t host)
{
	uint64_t i, cs = q->cluster_size;

	if (host < cs || in_range(host, q->l1_off, q->l1_size * 8ULL) ||
	    in_range(host, q->rt_off, q->rt_size * 8))
		return true;
	for (i = 0; i < q->l1_size; i++)
		if ((q->l1[i] & QCOW2_OFF_MASK) == host)
			return true;
	for (i = 0; i < q->rt_size; i++)
		if (q->rt[i] == host)
			return true;
	return false;
}

/**
 * qcow2_check_data_cluster() - may the guest's data go to @host in place?
 *
 * WHY: in a corrupt image an L2 entry may name a table's cluster; writing
 * there would destroy metadata, and the next table update the data.
 */
int qcow2_check_data_cluster(struct blk_disk *k, uint64_t host, uint64_t off)
{
	if (!is_metadata(qcow2_of(k), host))
		return 0;
	return blk_disk_why(k, -EIO, "L2 entry of guest offset %llu: cluster %llu holds metadata",
			    (unsigned long long)off, (unsigned long long)host);
}
