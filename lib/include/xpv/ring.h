/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * xpv_ring: the one place that touches a Xen shared ring's indices.
 *
 * A split driver's frontend and backend share one or more contiguous pages:
 * a 64-byte header of four free-running 32-bit indices, then a power-of-two
 * array of fixed-size slots, each holding a request or, once the backend
 * has consumed it, that request's response (the layout of Xen's
 * public/io/ring.h). The frontend produces requests and consumes
 * responses; the backend the other way round. *_event fields say which
 * producer index the consumer wants an event for.
 *
 * The indices on the page belong to the peer as much as to us, so they
 * are not trusted (XSA-376, XSA-391): the peer's producer index is read
 * once per batch and checked against what the protocol allows, every slot
 * is copied out before anyone looks at it, and any violation latches the
 * ring BROKEN; a broken ring hands out nothing more. Callers check the
 * copied entry against their own shadow (id, operation, state) and call
 * xpv_ring_set_broken() when it does not match.
 *
 * Locking is the caller's: one producer and one consumer context per ring
 * end, each side of the struct used only by its own context.
 */
#ifndef XPV_RING_H
#define XPV_RING_H

#include <xpv/types.h>

/* The shared header, ABI of public/io/ring.h; slots start at offset 64. */
struct xpv_sring {
	u32 req_prod;
	u32 req_event;
	u32 rsp_prod;
	u32 rsp_event;
	u8 pad[48];
	u8 slots[];
};

XPV_STATIC_ASSERT(sizeof(struct xpv_sring) == 64, "sring header is 64 bytes");

enum xpv_ring_end {
	XPV_RING_FRONT,		/* we produce requests, consume responses */
	XPV_RING_BACK,		/* we consume requests, produce responses */
};

struct xpv_ring {
	struct xpv_sring *sring;	/* shared pages, peer-writable */
	u32 nr_ents;			/* slots, a power of two */
	u32 ent_size;			/* bytes per slot */
	enum xpv_ring_end end;
	/* producer context */
	u32 prod_pvt;			/* next slot we fill, not yet published */
	u32 published;			/* our index as last written to the page */
	/* consumer context */
	u32 cons;			/* next slot we consume */
	u32 peer_prod;			/* checked snapshot of the peer's index */
	bool broken;			/* latched on a protocol violation */
};

u32 xpv_ring_nr_ents(size_t bytes, size_t ent_size);
int xpv_ring_init_front(struct xpv_ring *r, void *shared, size_t bytes,
			size_t ent_size);
int xpv_ring_attach_back(struct xpv_ring *r, void *shared, size_t bytes,
			 size_t ent_size);
int xpv_ring_resume_back(struct xpv_ring *r, void *shared, size_t bytes,
			 size_t ent_size);

u32 xpv_ring_free_slots(const struct xpv_ring *r);
void *xpv_ring_produce(struct xpv_ring *r);
bool xpv_ring_push(struct xpv_ring *r);

int xpv_ring_consume(struct xpv_ring *r, void *out);
bool xpv_ring_final_check(struct xpv_ring *r);

static inline void xpv_ring_set_broken(struct xpv_ring *r)
{
	r->broken = true;
}

static inline bool xpv_ring_is_broken(const struct xpv_ring *r)
{
	return r->broken;
}

#endif /* XPV_RING_H */
