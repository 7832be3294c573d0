/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The qcow2 driver's own state, shared by qcow2.c (the header, open, the
 * driver's entry points) and qcow2_meta.c (L2 tables, refcounts,
 * allocation). Written from the format's specification (QEMU's
 * docs/interop/qcow2.txt); all on-disk numbers are big-endian.
 *
 * Guest offset -> L1 entry (one per L2 table) -> L2 entry (one per
 * cluster) -> host cluster, or: unallocated (read from the backing file,
 * or zeros), zero (reads zeros), compressed (refused). Every cluster in
 * use has a refcount, kept in refcount blocks named by the refcount table.
 */
#ifndef XPV_BLKBACK_QCOW2_H
#define XPV_BLKBACK_QCOW2_H

#include "blkback.h"

#define QCOW2_OFF_MASK		0x00fffffffffffe00ULL	/* bits 9-55 */
#define QCOW2_COPIED		(1ULL << 63)	/* refcount is exactly 1 */
#define QCOW2_COMPRESSED	(1ULL << 62)
#define QCOW2_ZERO		1ULL		/* L2: reads as zeros (v3) */
#define QCOW2_L1_RESERVED	0x7f000000000001feULL
#define QCOW2_L2_RESERVED	0x3f000000000001feULL
#define QCOW2_CACHE_SLOTS	16
#define QCOW2_MAX_TABLE_BYTES	(32U << 20)	/* L1 and refcount tables */

/* Recently used clusters of one kind of metadata, written through. */
struct qcow2_cache {
	uint64_t off[QCOW2_CACHE_SLOTS];	/* host offset; 0: slot empty */
	uint64_t used[QCOW2_CACHE_SLOTS];	/* clock at last use */
	uint64_t clock;
	uint8_t *data;				/* QCOW2_CACHE_SLOTS clusters */
};

struct qcow2 {
	unsigned int version;
	unsigned int cluster_bits;
	uint64_t cluster_size;
	uint64_t size;			/* the disk's, bytes */
	unsigned int refcount_order;	/* refcounts are 2^order bits wide */
	uint64_t l1_off;
	uint32_t l1_size;
	uint64_t *l1;			/* host byte order */
	uint64_t rt_off;
	uint64_t rt_size;		/* entries */
	uint64_t *rt;			/* refcount table, host byte order */
	uint64_t file_end;		/* where the next cluster is allocated */
	struct qcow2_cache l2, rb;	/* L2 tables, refcount blocks */
	uint8_t *cbuf;			/* one cluster, for copy-on-write */
	bool has_backing;
	struct blk_disk backing;
};

static inline struct qcow2 *qcow2_of(struct blk_disk *k)
{
	return k->priv;
}

/* qcow2_meta.c */
int qcow2_cache_init(struct qcow2_cache *c, uint64_t cluster_size);
void qcow2_cache_free(struct qcow2_cache *c);
int qcow2_l2_entry(struct blk_disk *k, uint64_t off, bool alloc,
		   uint64_t **slot, uint64_t *slot_off);
int qcow2_set_entry(struct blk_disk *k, uint64_t *slot, uint64_t slot_off,
		    uint64_t e);
int qcow2_alloc_cluster(struct blk_disk *k, uint64_t *off);
int qcow2_refcount_add(struct blk_disk *k, uint64_t off, int delta,
		       uint64_t *now);
int qcow2_check_l2_entry(struct blk_disk *k, uint64_t e, uint64_t off);
int qcow2_check_data_cluster(struct blk_disk *k, uint64_t host, uint64_t off);

#endif /* XPV_BLKBACK_QCOW2_H */
