// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mapping a frontend's shared ring: one page named by <dir>/ring-ref, or
 * 1 << ring-page-order pages named by ring-ref0..N-1 (blkif.h notes 1-6).
 * The pages are mapped contiguously, writable (we write responses).
 *
 * WHY the checks: the order and the refs are the guest's. The order is
 * capped by what we advertised before anything is sized from it; refs are
 * parsed strictly and handed to the grant driver, which refuses what the
 * guest did not grant us.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xpvback/backend.h>

static unsigned int advertised_order(struct xpv_bdev *d)
{
	unsigned int o = d->be->limits.max_ring_order;

	return o > XPV_RING_MAX_ORDER ? XPV_RING_MAX_ORDER : o;
}

/* <dir>/<node>, or <node> alone for the frontend's own dir */
static int fe_node(char *buf, size_t len, const char *dir, const char *node)
{
	return xpv_path(buf, len, "%s%s%s", dir, *dir ? "/" : "", node);
}

/* Read the order and refs the frontend published under @dir. */
static int read_refs(struct xpv_bdev *d, const char *dir, const char *ref_node,
		     uint32_t *refs, uint32_t *pages)
{
	unsigned long long order = 0, ref;
	char node[XPV_PATH_MAX], name[64];
	bool indexed;
	uint32_t i;
	int err;

	/* one order for every queue, in the frontend's own dir (blkif.h) */
	err = xpv_bdev_read_uint(d, true, "ring-page-order", advertised_order(d), &order);
	if (err && err != -ENOENT)
		return err;
	/* WHY again: both callers' refs[] hold 1 << XPV_RING_MAX_ORDER, so
	 * this holds whatever the parser above lets through */
	if (order > advertised_order(d))
		return -ERANGE;
	indexed = !err && order;	/* multi-page: ring-ref0..N-1 */
	*pages = 1u << order;
	for (i = 0; i < *pages; i++) {
		if (indexed)
			snprintf(name, sizeof(name), "%.50s%u", ref_node, i);
		else
			snprintf(name, sizeof(name), "%.50s", ref_node);
		if (fe_node(node, sizeof(node), dir, name) ||
		    xpv_bdev_read_uint(d, true, node, UINT32_MAX, &ref))
			return -EINVAL;
		refs[i] = (uint32_t)ref;
	}
	return 0;
}

/**
 * xpv_ring_map_front() - map the ring the frontend published
 * @dir: "" for the frontend's own dir, or "queue-N"
 * @ref_node: "ring-ref" (blkif), "tx-ring-ref" (netif), ...
 *
 * Return: 0, -EINVAL for a bad order or ref, or the grant driver's -errno.
 */
int xpv_ring_map_front(struct xpv_bdev *d, const char *dir, const char *ref_node,
		       struct xpv_ring_map *m)
{
	struct xpv_transport *t = d->be->t;
	int err;

	memset(m, 0, sizeof(*m));
	err = read_refs(d, dir, ref_node, m->refs, &m->pages);
	if (err)
		return err;
	m->addr = t->ops->gnt_map(t, d->domid, m->pages, m->refs, true);
	if (!m->addr)
		return errno ? -errno : -EIO;
	return 0;
}

/** xpv_ring_map_changed() - does the frontend now publish another ring? */
bool xpv_ring_map_changed(struct xpv_bdev *d, const char *dir,
			  const char *ref_node, const struct xpv_ring_map *m)
{
	uint32_t refs[1u << XPV_RING_MAX_ORDER], pages;

	if (!m->addr || read_refs(d, dir, ref_node, refs, &pages))
		return true;
	return pages != m->pages || memcmp(refs, m->refs, pages * sizeof(refs[0]));
}

void xpv_ring_unmap(struct xpv_bdev *d, struct xpv_ring_map *m)
{
	if (!m->addr)
		return;
	d->be->t->ops->gnt_unmap(d->be->t, m->addr, m->pages);
	m->addr = NULL;
}
