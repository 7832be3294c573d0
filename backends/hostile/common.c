// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv-hostile: what every script needs whatever the device type: its
 * name, and the misbehaviours that are about the ring or the xenbus state,
 * not about blocks or packets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostile.h"

/**
 * hostile_script() - the script a device plays
 * @node: our backend node naming it; its last path component is the name
 *
 * Return: its index in @names, or -EINVAL (logged) for a name not there.
 */
int hostile_script(struct xpv_bdev *d, const char *node,
		   const char *const names[], unsigned int n)
{
	char *val = xpv_bdev_read(d, false, node);
	const char *name = val ? strrchr(val, '/') : NULL;
	unsigned int i;
	int script = -EINVAL;

	name = name ? name + 1 : val;
	for (i = 0; name && i < n; i++)
		if (!strcmp(name, names[i]))
			script = (int)i;
	xpv_log("%s: script %s", d->path, script < 0 ? "(unknown)" : names[script]);
	free(val);
	return script;
}

/*
 * The next response slot, whether or not a request is left to answer
 * there: a duplicate answer takes a slot the ring's own accounting
 * (xpv_ring_produce) would refuse. Published by xpv_ring_push.
 */
void *hostile_produce(struct xpv_ring *r)
{
	uint32_t i = r->prod_pvt++ & (r->nr_ents - 1);

	return r->sring->slots + (size_t)i * r->ent_size;
}

/* Publish responses that were never written: rsp_prod runs ahead. */
void hostile_lie(struct xpv_ring *r)
{
	__atomic_store_n(&r->sring->rsp_prod, r->published + HOSTILE_LIE,
			 __ATOMIC_RELEASE);
}

void hostile_storm(struct xpv_evt *e)
{
	unsigned int i;

	for (i = 0; i < HOSTILE_STORM_EVENTS; i++)
		xpv_evt_notify(e);
}

/*
 * Map the guest's page @ref writable and keep it: the guest's attempt to
 * end access fails for as long as we live. The stale pattern is what the
 * guest must never hand to anyone as data.
 */
void *hostile_keep_mapped(struct xpv_bdev *d, uint32_t ref)
{
	struct xpv_transport *t = d->be->t;
	char *page = t->ops->gnt_map(t, d->domid, 1, &ref, true);
	unsigned int off;

	if (!page) {
		xpv_log("%s: cannot map grant %u: %s", d->path, ref, strerror(errno));
		return NULL;
	}
	for (off = 0; off + sizeof(HOSTILE_STALE) <= 4096; off += sizeof(HOSTILE_STALE))
		memcpy(page + off, HOSTILE_STALE, sizeof(HOSTILE_STALE));
	return page;
}

/* Our state node goes round the states a frontend may not expect. */
void hostile_flap(struct xpv_bdev *d)
{
	static const int states[] = {
		XPV_XB_CLOSING, XPV_XB_CONNECTED, XPV_XB_INITWAIT, XPV_XB_CLOSED,
		XPV_XB_RECONFIGURING, XPV_XB_CONNECTED, XPV_XB_UNKNOWN, XPV_XB_CONNECTED,
	};
	unsigned int round, i;

	for (round = 0; round < 20; round++)
		for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			xpv_bdev_printf(d, "state", "%d", states[i]);
}
