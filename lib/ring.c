// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * xpv_ring: producer and consumer of a Xen shared ring; see xpv/ring.h.
 *
 * All indices are free-running u32 and compared by unsigned differences,
 * so wrap-around at 2^32 needs no special case. The invariants we keep:
 *   front:  cons <= peer_prod <= published <= prod_pvt <= cons + nr_ents
 *   back:   prod_pvt <= cons <= peer_prod <= prod_pvt + nr_ents
 * "<=" read modulo 2^32, relative to the leftmost term. A peer index that
 * would break them is a protocol violation and latches the ring broken.
 */
#include <xpv/ring.h>

u32 xpv_ring_nr_ents(size_t bytes, size_t ent_size)
{
	size_t n;
	u32 pow = 1;

	if (!ent_size || bytes < sizeof(struct xpv_sring) + ent_size)
		return 0;
	n = (bytes - sizeof(struct xpv_sring)) / ent_size;
	while (pow <= n / 2 && pow < (1u << 31))
		pow <<= 1;
	return pow;
}

static int ring_setup(struct xpv_ring *r, enum xpv_ring_end end, void *shared,
		      size_t bytes, size_t ent_size)
{
	u32 n = xpv_ring_nr_ents(bytes, ent_size);

	if (!shared || !n)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->sring = shared;
	r->nr_ents = n;
	r->ent_size = (u32)ent_size;
	r->end = end;
	return 0;
}

/**
 * xpv_ring_init_front() - set up the frontend end and initialise the page
 * @r: ring state to fill in
 * @shared: the shared pages, @bytes long, not yet granted to the peer
 * @ent_size: size of one slot (the request/response union)
 *
 * Return: 0, or -EINVAL if @bytes cannot hold a single slot.
 */
int xpv_ring_init_front(struct xpv_ring *r, void *shared, size_t bytes,
			size_t ent_size)
{
	int err = ring_setup(r, XPV_RING_FRONT, shared, bytes, ent_size);

	if (err)
		return err;
	memset(r->sring, 0, sizeof(*r->sring));
	r->sring->req_event = 1;
	r->sring->rsp_event = 1;
	return 0;
}

/**
 * xpv_ring_attach_back() - set up the backend end of a page the frontend
 * initialised. Nothing on the page is read here.
 *
 * Return: 0, or -EINVAL if @bytes cannot hold a single slot.
 */
int xpv_ring_attach_back(struct xpv_ring *r, void *shared, size_t bytes,
			 size_t ent_size)
{
	return ring_setup(r, XPV_RING_BACK, shared, bytes, ent_size);
}

/**
 * xpv_ring_resume_back() - attach the backend end where the previous
 * backend of this ring left off
 *
 * A backend that restarts (a daemon killed and started again) finds the
 * frontend's requests up to req_prod and its predecessor's responses up to
 * rsp_prod. It answers from rsp_prod on: requests the old backend consumed
 * but never answered are consumed again. rsp_prod is read once; any value
 * is safe, because the invariants are relative to it and a req_prod out of
 * range latches the ring broken at the first consume. On a fresh ring
 * (rsp_prod 0) this is xpv_ring_attach_back().
 *
 * Return: 0, or -EINVAL if @bytes cannot hold a single slot.
 */
int xpv_ring_resume_back(struct xpv_ring *r, void *shared, size_t bytes,
			 size_t ent_size)
{
	int err = ring_setup(r, XPV_RING_BACK, shared, bytes, ent_size);
	u32 rsp_prod;

	if (err)
		return err;
	rsp_prod = XPV_READ_ONCE(r->sring->rsp_prod);
	r->prod_pvt = r->published = r->cons = r->peer_prod = rsp_prod;
	return 0;
}

static void *slot(const struct xpv_ring *r, u32 idx)
{
	return r->sring->slots + (size_t)(idx & (r->nr_ents - 1)) * r->ent_size;
}

/**
 * xpv_ring_free_slots() - how many more entries we may produce now
 *
 * A frontend may have at most nr_ents requests outstanding; a backend may
 * answer only requests it has consumed.
 */
u32 xpv_ring_free_slots(const struct xpv_ring *r)
{
	if (r->broken)
		return 0;
	if (r->end == XPV_RING_FRONT)
		return r->nr_ents - (r->prod_pvt - r->cons);
	return r->cons - r->prod_pvt;
}

/**
 * xpv_ring_produce() - claim the next slot to fill
 *
 * The slot becomes visible to the peer at the next xpv_ring_push().
 *
 * Return: the slot, or NULL when the ring is full or broken.
 */
void *xpv_ring_produce(struct xpv_ring *r)
{
	if (!xpv_ring_free_slots(r))
		return NULL;
	return slot(r, r->prod_pvt++);
}

/**
 * xpv_ring_push() - publish the slots produced since the last push
 *
 * Return: true when the peer asked for an event for these entries.
 */
bool xpv_ring_push(struct xpv_ring *r)
{
	struct xpv_sring *s = r->sring;
	u32 *prod = r->end == XPV_RING_FRONT ? &s->req_prod : &s->rsp_prod;
	u32 *event = r->end == XPV_RING_FRONT ? &s->req_event : &s->rsp_event;
	u32 old = r->published, new = r->prod_pvt;

	if (old == new)
		return false;
	xpv_wmb();		/* entries before the index that shows them */
	XPV_WRITE_ONCE(*prod, new);
	r->published = new;
	xpv_mb();		/* index before reading which one the peer waits for */
	return (u32)(new - XPV_READ_ONCE(*event)) < (u32)(new - old);
}

/*
 * Read the peer's producer index once and check it against the invariants
 * in the header comment. Return true when it shows entries to consume.
 */
static bool refresh(struct xpv_ring *r)
{
	struct xpv_sring *s = r->sring;
	u32 prod;
	bool ok;

	if (r->end == XPV_RING_FRONT) {
		/* WHY: a response needs a request we published (XSA-376). */
		prod = XPV_READ_ONCE(s->rsp_prod);
		ok = prod - r->cons <= r->published - r->cons;
	} else {
		/* WHY: more requests than slots would overwrite our replies. */
		prod = XPV_READ_ONCE(s->req_prod);
		ok = prod - r->prod_pvt <= r->nr_ents &&
		     r->cons - r->prod_pvt <= prod - r->prod_pvt;
	}
	if (!ok) {
		r->broken = true;
		return false;
	}
	xpv_rmb();		/* the index before the entries it covers */
	r->peer_prod = prod;
	return prod != r->cons;
}

static bool has_unconsumed(struct xpv_ring *r)
{
	return r->cons != r->peer_prod || refresh(r);
}

/**
 * xpv_ring_consume() - copy the next entry from the peer out of the ring
 * @out: ent_size bytes of private memory; the copy is what the caller
 *       checks and uses, never the slot, which the peer may still change.
 *
 * Return: 1 when an entry was copied, 0 when there is none, -EIO when the
 * ring is broken.
 */
int xpv_ring_consume(struct xpv_ring *r, void *out)
{
	if (r->broken)
		return -EIO;
	if (!has_unconsumed(r))
		return r->broken ? -EIO : 0;
	memcpy(out, slot(r, r->cons), r->ent_size);
	r->cons++;
	return 1;
}

/**
 * xpv_ring_final_check() - ask for an event at the next entry, then look
 * once more, closing the race with a peer that produced meanwhile
 *
 * Return: true when there are entries to consume (no event will come for
 * them), false when the ring is idle (or broken).
 */
bool xpv_ring_final_check(struct xpv_ring *r)
{
	struct xpv_sring *s = r->sring;
	u32 *event = r->end == XPV_RING_FRONT ? &s->rsp_event : &s->req_event;

	if (r->broken)
		return false;
	if (has_unconsumed(r))
		return true;
	XPV_WRITE_ONCE(*event, r->cons + 1);
	xpv_mb();		/* event request before the last look */
	return has_unconsumed(r);
}
