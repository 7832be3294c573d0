// SPDX-License-Identifier: GPL-2.0-only
/*
 * netfront's queue: a TX ring, an RX ring and one event channel, or one
 * for each ring when the backend offers split channels. A device has one
 * or more queues; each is all of what follows, on its own.
 *
 * TX: a packet is copied into bounce pages, one per TX id, packed from
 * offset 0, so the backend sees whole pages holding only packet bytes
 * (and, past them, older packets sent to the same backend) and never a
 * page of the kernel's; the skb is freed as soon as it is copied. A
 * packet of n bytes takes ceil(n / 4096) ids and slots, plus one slot
 * for the GSO extra-info. Grants end when the backend answers.
 *
 * RX (rx-copy): every ring position has a zeroed page granted to the
 * backend for writing, with the position as its request id. The backend
 * copies a packet into consecutive positions and answers them in order.
 * Responses are copied off the ring into `pending`, lib/netif_front.c
 * checks each chain (ids, offsets, sizes, slot count, extras), then the
 * grants end: only a page whose grant ended is read, and it goes up the
 * stack (the first slot's bytes are copied into the skb head, the page
 * stays posted). A page the backend still holds is left to the grant
 * table's deferred free and never posted again.
 *
 * WHY the interrupt only schedules NAPI: the backend decides when events
 * come; an event storm costs one softirq poll per event, never a loop in
 * hard-irq context (XSA-391). A violation of the protocol latches the
 * ring broken (lib/ring.c's latch) and schedules the device's way down.
 */
#define pr_fmt(fmt) "xpv-netfront: " fmt

#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <asm/xpv/events.h>
#include <xpv/grant.h>
#include "netfront.h"

const struct xpv_netfront_rx_caps netfront_rx_caps = {
	.sg = true, .gso_tcpv4 = true, .gso_tcpv6 = true,
};

/*
 * Pages the driver holds (rings, bounce and RX pages), for the sysfs
 * counter: a page leaves the count when it is freed, handed to an skb or
 * left to the grant table's deferred free.
 */
static atomic_long_t pages_held = ATOMIC_LONG_INIT(0);

long netfront_pages_held(void)
{
	return atomic_long_read(&pages_held);
}

static struct page *page_get(gfp_t gfp)
{
	struct page *page = alloc_page(gfp | __GFP_ZERO);

	if (page)
		atomic_long_inc(&pages_held);
	return page;
}

/* A page is no longer ours: the stack or the grant table has it. */
static void page_given(void)
{
	atomic_long_dec(&pages_held);
}

static void page_put(struct page *page)
{
	__free_page(page);
	page_given();
}

/* End access to @page's grant and free it, now or once the peer lets go. */
static void page_end_put(grant_ref_t ref, struct page *page)
{
	xpv_gnttab_end_free_page(ref, page);
	page_given();
}

static domid_t backend_id(struct netfront_queue *q)
{
	return q->nf->xd->otherend_id;
}

static void queue_broken(struct netfront_queue *q, struct xpv_ring *r,
			 const char *why)
{
	xpv_ring_set_broken(r);
	if (cmpxchg(&q->broken_why, NULL, why) == NULL)
		schedule_work(&q->nf->broken_work);
}

static bool queue_is_broken(struct netfront_queue *q)
{
	return xpv_ring_is_broken(&q->tx) || xpv_ring_is_broken(&q->rx);
}

/* ---- TX ---- */

static bool tx_room(struct netfront_queue *q)
{
	return xpv_ring_free_slots(&q->tx) >= NETFRONT_TX_MAX_SLOTS &&
	       q->tx_ids.nr_free >= NETFRONT_TX_MAX_DATA;
}

/* End the grant of TX id @id and free the id; a held page is given up. */
static void tx_finish(struct netfront_queue *q, u16 id)
{
	struct netfront_tx_slot *s = &q->tx_slots[id];

	if (!xpv_gnttab_end(s->gref)) {
		net_warn_ratelimited("%s: backend still maps a sent page\n", q->nf->dev->name);
		page_end_put(s->gref, s->page);
		s->page = NULL;
	}
	q->tx_in_flight[id] = 0;
	xpv_idfree_put(&q->tx_ids, id);
}

/* Copy page @i of @skb into a TX id's bounce page and grant it. */
static int tx_take(struct netfront_queue *q, struct sk_buff *skb, unsigned int i)
{
	unsigned int off = i * PAGE_SIZE, len = min_t(unsigned int, skb->len - off, PAGE_SIZE);
	s64 id = xpv_idfree_get(&q->tx_ids);
	struct netfront_tx_slot *s;
	int ref;

	if (id < 0)
		return -ENOSPC;
	s = &q->tx_slots[id];
	if (!s->page)
		s->page = page_get(GFP_ATOMIC);
	if (!s->page)
		goto put_id;
	if (skb_copy_bits(skb, off, page_address(s->page), len))
		goto put_id;
	ref = xpv_gnttab_grant_page(backend_id(q), s->page, true);
	if (ref < 0)
		goto put_id;
	s->gref = ref;
	q->tx_in_flight[id] = 1;
	return id;
put_id:
	xpv_idfree_put(&q->tx_ids, id);
	return -ENOMEM;
}

static u16 tx_flags(struct sk_buff *skb)
{
	u16 flags = skb_is_gso(skb) ? XPV_NETTXF_EXTRA_INFO : 0;

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		flags |= XPV_NETTXF_CSUM_BLANK | XPV_NETTXF_DATA_VALIDATED;
	else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		flags |= XPV_NETTXF_DATA_VALIDATED;
	return flags;
}

static void tx_gso_extra(struct netfront_queue *q, struct sk_buff *skb)
{
	struct xpv_netif_extra *e = xpv_ring_produce(&q->tx);
	bool v6 = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6;

	memset(e, 0, sizeof(union xpv_netif_tx_slot));
	e->type = XPV_NETIF_EXTRA_TYPE_GSO;
	e->u.gso.size = skb_shinfo(skb)->gso_size;
	e->u.gso.type = v6 ? XPV_NETIF_GSO_TYPE_TCPV6 : XPV_NETIF_GSO_TYPE_TCPV4;
	q->tx_shadow.nulls_owed++;
}

/* Write the packet's slots: the first, its extra-info, the others. */
static void tx_produce(struct netfront_queue *q, struct sk_buff *skb,
		       const u16 *ids, unsigned int n)
{
	struct xpv_netif_tx_req *req;
	unsigned int i;

	for (i = 0; i < n; i++) {
		req = xpv_ring_produce(&q->tx);
		req->gref = q->tx_slots[ids[i]].gref;
		req->offset = 0;
		req->id = ids[i];
		req->size = i ? min_t(unsigned int, skb->len - i * PAGE_SIZE, PAGE_SIZE)
			      : skb->len;
		req->flags = (i + 1 < n ? XPV_NETTXF_MORE_DATA : 0) | (i ? 0 : tx_flags(skb));
		if (!i && skb_is_gso(skb))
			tx_gso_extra(q, skb);
	}
}

static int tx_post(struct netfront_queue *q, struct sk_buff *skb)
{
	unsigned int n = DIV_ROUND_UP(skb->len, PAGE_SIZE), i;
	bool sg = READ_ONCE(q->nf->backend_features) & NETIF_F_SG;
	u16 ids[NETFRONT_TX_MAX_DATA];
	int id;

	if (skb->len > XPV_NETIF_MAX_TX_SIZE || skb->len < ETH_HLEN || (n > 1 && !sg))
		return -EMSGSIZE;
	if (!tx_room(q))
		return -EBUSY;
	for (i = 0; i < n; i++) {
		id = tx_take(q, skb, i);
		if (id < 0)
			goto finish_ids;
		ids[i] = id;
	}
	tx_produce(q, skb, ids, n);
	if (xpv_ring_push(&q->tx))
		xpv_evtchn_notify(q->port);
	return 0;
finish_ids:
	while (i--)
		tx_finish(q, ids[i]);
	return id;
}

netdev_tx_t netfront_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct netfront *nf = netdev_priv(dev);
	u16 id = skb_get_queue_mapping(skb);
	struct netfront_queue *q = &nf->queues[id < nf->nr_queues ? id : 0];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, q->id);
	unsigned int len = skb->len;
	int rc;

	spin_lock(&q->tx_lock);
	rc = q->tx_up && !queue_is_broken(q) ? tx_post(q, skb) : -ENODEV;
	if (rc == -EBUSY) {
		netif_tx_stop_queue(txq);
		spin_unlock(&q->tx_lock);
		return NETDEV_TX_BUSY;
	}
	if (q->tx_up && !tx_room(q))
		netif_tx_stop_queue(txq);
	spin_unlock(&q->tx_lock);
	if (rc) {
		DEV_STATS_INC(dev, tx_dropped);
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	DEV_STATS_INC(dev, tx_packets);
	DEV_STATS_ADD(dev, tx_bytes, len);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

/* One TX response; false when it broke the ring. */
static bool tx_complete(struct netfront_queue *q, const struct xpv_netif_tx_rsp *rsp)
{
	enum xpv_netfront_verdict v = xpv_netfront_tx_check(rsp, &q->tx_shadow);

	if (v == XPV_NETFRONT_NULL)
		return true;
	if (v != XPV_NETFRONT_OK) {
		queue_broken(q, &q->tx, xpv_netfront_verdict_name(v));
		return false;
	}
	if (rsp->status != XPV_NETIF_RSP_OKAY)
		DEV_STATS_INC(q->nf->dev, tx_errors);
	tx_finish(q, rsp->id);
	return true;
}

static void tx_gc(struct netfront_queue *q)
{
	union xpv_netif_tx_slot slot;
	struct netdev_queue *txq;
	int rc;

	spin_lock(&q->tx_lock);
	do {
		while ((rc = xpv_ring_consume(&q->tx, &slot)) == 1)
			if (!tx_complete(q, &slot.rsp))
				break;
	} while (rc >= 0 && !xpv_ring_is_broken(&q->tx) && xpv_ring_final_check(&q->tx));
	if (rc < 0)
		queue_broken(q, &q->tx, "TX ring indices");
	txq = netdev_get_tx_queue(q->nf->dev, q->id);
	/* not before connect(), which wakes them all: the backend may be new */
	if (q->tx_up && READ_ONCE(q->nf->connected) && netif_tx_queue_stopped(txq) &&
	    tx_room(q))
		netif_tx_wake_queue(txq);
	spin_unlock(&q->tx_lock);
}

/* ---- RX ---- */

static u16 rx_mask(struct netfront_queue *q)
{
	return q->rx.nr_ents - 1;
}

/* The ring position, and so the request id, of pending[0]. */
static u16 rx_first(struct netfront_queue *q)
{
	return (q->rx.cons - q->nr_pending) & rx_mask(q);
}

static struct netfront_rx_slot *rx_slot(struct netfront_queue *q, u16 first, u16 pos)
{
	return &q->rx_slots[(first + pos) & rx_mask(q)];
}

/* Post a page at ring position @idx; false when none or no grant is free. */
static bool rx_post(struct netfront_queue *q, u16 idx)
{
	struct netfront_rx_slot *s = &q->rx_slots[idx];
	struct xpv_netif_rx_req *req;
	int ref;

	if (!s->page)
		s->page = page_get(GFP_ATOMIC);
	if (!s->page)
		return false;
	ref = xpv_gnttab_grant_page(backend_id(q), s->page, false);
	if (ref < 0)
		return false;
	s->gref = ref;
	s->posted = true;
	req = xpv_ring_produce(&q->rx);
	req->id = idx;
	req->gref = ref;
	return true;
}

/*
 * Post a page at every free position; positions whose responses are
 * still pending are not free (their pages are still to be read).
 *
 * WHY the timer: when no page or grant is to be had, the ring may be
 * left with nothing posted, and then the backend has nothing to answer
 * and no event ever comes to poll again; the timer polls instead.
 */
static void rx_refill(struct netfront_queue *q)
{
	while (xpv_ring_free_slots(&q->rx) > q->nr_pending) {
		if (!rx_post(q, q->rx.prod_pvt & rx_mask(q))) {
			mod_timer(&q->refill_timer, jiffies + NETFRONT_REFILL_RETRY);
			break;
		}
	}
	if (xpv_ring_push(&q->rx))
		xpv_evtchn_notify(q->port_rx);
}

static void rx_refill_timeout(struct timer_list *t)
{
	struct netfront_queue *q = from_timer(q, t, refill_timer);

	napi_schedule(&q->napi);
}

/* End access to the chain's pages; false if the backend kept one. */
static bool rx_end_slots(struct netfront_queue *q, u16 first, u16 nr)
{
	struct netfront_rx_slot *s;
	bool ok = true;
	u16 pos;

	for (pos = 0; pos < nr; pos++) {
		s = rx_slot(q, first, pos);
		s->posted = false;
		if (xpv_gnttab_end(s->gref))
			continue;
		page_end_put(s->gref, s->page);
		s->page = NULL;
		ok = false;
	}
	return ok;
}

/* The first fragment copied into the head, the others' pages attached. */
static struct sk_buff *rx_build(struct netfront_queue *q, u16 first,
				const struct xpv_netfront_rx_pkt *pkt)
{
	const struct xpv_netfront_frag *f = &pkt->frags[0];
	struct netfront_rx_slot *s = rx_slot(q, first, f->pos);
	struct sk_buff *skb = napi_alloc_skb(&q->napi, f->len);
	unsigned int i;

	if (!skb)
		return NULL;
	skb_put_data(skb, page_address(s->page) + f->offset, f->len);
	for (i = 1; i < pkt->nr_frags; i++) {
		f = &pkt->frags[i];
		if (!f->len)
			continue;
		s = rx_slot(q, first, f->pos);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, s->page, f->offset,
				f->len, PAGE_SIZE);
		page_given();
		s->page = NULL;
	}
	return skb;
}

/* GSO and checksum state from the wire flags; false to drop. */
static bool rx_offloads(struct sk_buff *skb, const struct xpv_netfront_rx_pkt *pkt)
{
	if (pkt->gso_type != XPV_NETIF_GSO_TYPE_NONE) {
		skb_shinfo(skb)->gso_size = pkt->gso_size;
		skb_shinfo(skb)->gso_type = SKB_GSO_DODGY |
			(pkt->gso_type == XPV_NETIF_GSO_TYPE_TCPV4 ? SKB_GSO_TCPV4
								   : SKB_GSO_TCPV6);
		skb_shinfo(skb)->gso_segs = 0;
	}
	if (pkt->csum_blank || pkt->gso_type != XPV_NETIF_GSO_TYPE_NONE) {
		/* a GSO packet without csum_blank has no pseudo-header sum yet */
		skb->ip_summed = CHECKSUM_PARTIAL;
		return !skb_checksum_setup(skb, !pkt->csum_blank);
	}
	if (pkt->data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	return true;
}

static void rx_packet(struct netfront_queue *q, const struct xpv_netfront_rx_pkt *pkt,
		      bool ok)
{
	struct net_device *dev = q->nf->dev;
	u16 first = rx_first(q);
	struct sk_buff *skb;

	if (!rx_end_slots(q, first, pkt->nr_slots)) {
		queue_broken(q, &q->rx, "backend kept a receive page");
		return;
	}
	if (!ok) {
		DEV_STATS_INC(dev, rx_errors);
		return;
	}
	skb = rx_build(q, first, pkt);
	if (!skb || !pskb_may_pull(skb, ETH_HLEN))
		goto drop;
	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	if (!rx_offloads(skb, pkt))
		goto drop;
	DEV_STATS_INC(dev, rx_packets);
	DEV_STATS_ADD(dev, rx_bytes, pkt->len);
	napi_gro_receive(&q->napi, skb);
	return;
drop:
	DEV_STATS_INC(dev, rx_dropped);
	kfree_skb(skb);
}

/* Copy responses off the ring until a packet's worth is pending. */
static int rx_fetch(struct netfront_queue *q)
{
	int rc = 0;

	while (q->nr_pending < XPV_NETFRONT_RX_MAX_SLOTS &&
	       (rc = xpv_ring_consume(&q->rx, &q->pending[q->nr_pending])) == 1)
		q->nr_pending++;
	return rc < 0 ? rc : 0;
}

static int rx_work(struct netfront_queue *q, int budget)
{
	struct xpv_netfront_rx_pkt pkt;
	enum xpv_netfront_verdict v;
	int done = 0;

	while (done < budget && !xpv_ring_is_broken(&q->rx)) {
		if (rx_fetch(q) < 0) {
			queue_broken(q, &q->rx, "RX ring indices");
			break;
		}
		v = xpv_netfront_rx_parse(q->pending, q->nr_pending, rx_first(q),
					  rx_mask(q), &netfront_rx_caps, &pkt);
		if (v == XPV_NETFRONT_INCOMPLETE)
			break;
		if (xpv_netfront_fatal(v)) {
			queue_broken(q, &q->rx, xpv_netfront_verdict_name(v));
			break;
		}
		rx_packet(q, &pkt, v == XPV_NETFRONT_OK);
		q->nr_pending -= pkt.nr_slots;
		memmove(q->pending, q->pending + pkt.nr_slots,
			q->nr_pending * sizeof(q->pending[0]));
		done++;
	}
	return done;
}

static int netfront_poll(struct napi_struct *napi, int budget)
{
	struct netfront_queue *q = container_of(napi, struct netfront_queue, napi);
	int done;

	/* pairs with the release in setup: rings fully built before use */
	if (!smp_load_acquire(&q->ready) || queue_is_broken(q)) {
		napi_complete(napi);
		return 0;
	}
	tx_gc(q);
	done = rx_work(q, budget);
	rx_refill(q);
	if (done < budget && napi_complete_done(napi, done) &&
	    xpv_ring_final_check(&q->rx))
		napi_schedule(napi);
	return done;
}

static irqreturn_t netfront_interrupt(int irq, void *data)
{
	struct netfront_queue *q = data;

	napi_schedule(&q->napi);
	return IRQ_HANDLED;
}

/* ---- setup and teardown ---- */

static int ring_alloc(struct netfront_queue *q, struct xpv_ring *r, int *ref,
		      size_t slot)
{
	struct page *page = page_get(GFP_KERNEL);
	int rc;

	if (!page)
		return -ENOMEM;
	rc = xpv_ring_init_front(r, page_address(page), PAGE_SIZE, slot);
	if (rc) {
		page_put(page);
		return rc;
	}
	*ref = xpv_gnttab_grant_page(backend_id(q), page, false);
	return *ref < 0 ? *ref : 0;
}

static void ring_release(struct xpv_ring *r, int *ref)
{
	if (!r->sring)
		return;
	if (*ref > 0)
		page_end_put(*ref, virt_to_page(r->sring));
	else
		page_put(virt_to_page(r->sring));
	*ref = 0;
	memset(r, 0, sizeof(*r));
}

static int slots_alloc(struct netfront_queue *q)
{
	u32 n = q->tx.nr_ents;

	q->tx_slots = kcalloc(n, sizeof(*q->tx_slots), GFP_KERNEL);
	q->tx_in_flight = kcalloc(n, sizeof(*q->tx_in_flight), GFP_KERNEL);
	q->tx_links = kcalloc(n, sizeof(*q->tx_links), GFP_KERNEL);
	q->rx_slots = kcalloc(q->rx.nr_ents, sizeof(*q->rx_slots), GFP_KERNEL);
	if (!q->tx_slots || !q->tx_in_flight || !q->tx_links || !q->rx_slots)
		return -ENOMEM;
	xpv_idfree_init(&q->tx_ids, q->tx_links, 0, n);
	q->tx_shadow = (struct xpv_netfront_tx_shadow){ q->tx_in_flight, n, 0 };
	return 0;
}

static void slots_release(struct netfront_queue *q)
{
	struct netfront_rx_slot *s;
	u32 i;

	for (i = 0; q->tx_slots && q->tx_in_flight && i < q->tx.nr_ents; i++) {
		if (q->tx_in_flight[i])
			tx_finish(q, i);
		if (q->tx_slots[i].page)
			page_put(q->tx_slots[i].page);
	}
	for (i = 0; q->rx_slots && i < q->rx.nr_ents; i++) {
		s = &q->rx_slots[i];
		if (s->posted)
			page_end_put(s->gref, s->page);
		else if (s->page)
			page_put(s->page);
	}
	kfree(q->tx_slots);
	kfree(q->tx_in_flight);
	kfree(q->tx_links);
	kfree(q->rx_slots);
	q->tx_slots = NULL;
	q->tx_in_flight = NULL;
	q->tx_links = NULL;
	q->rx_slots = NULL;
}

/* A port for the backend, bound and requested as "<dev>-q<id>-<what>". */
static int evtchn_one(struct netfront_queue *q, evtchn_port_t *port, int *irqp,
		      unsigned int which)
{
	static const char *const what[] = { "tx", "rx" };
	int rc = xpv_evtchn_alloc_unbound(backend_id(q)), irq;

	if (rc < 0)
		return rc;
	*port = rc;
	irq = xpv_evtchn_bind_irq(*port);
	if (irq < 0)
		return irq;
	snprintf(q->irq_name[which], sizeof(q->irq_name[which]), "%s-q%u-%s",
		 q->nf->dev->name, q->id, what[which]);
	rc = request_irq(irq, netfront_interrupt, 0, q->irq_name[which], q);
	if (rc)
		return rc;
	*irqp = irq;
	xpv_evtchn_irq_spread(irq, q->id);
	return 0;
}

static int evtchn_setup(struct netfront_queue *q, bool split)
{
	int rc = evtchn_one(q, &q->port, &q->irq, 0);

	q->port_rx = q->port;
	if (rc || !split)
		return rc;
	return evtchn_one(q, &q->port_rx, &q->irq_rx, 1);
}

/* One channel's irq and port (only the port when it never got an irq). */
static void evtchn_release_one(struct netfront_queue *q, evtchn_port_t port, int irq)
{
	if (irq > 0) {
		free_irq(irq, q);
		xpv_evtchn_unbind(irq);
	} else if (port) {
		xpv_evtchn_close(port);
	}
}

static void evtchn_release(struct netfront_queue *q)
{
	if (q->port_rx != q->port)
		evtchn_release_one(q, q->port_rx, q->irq_rx);
	evtchn_release_one(q, q->port, q->irq);
	q->irq = q->irq_rx = 0;
	q->port = q->port_rx = 0;
}

void netfront_queue_init(struct netfront *nf, unsigned int id)
{
	struct netfront_queue *q = &nf->queues[id];

	q->nf = nf;
	q->id = id;
	spin_lock_init(&q->tx_lock);
	timer_setup(&q->refill_timer, rx_refill_timeout, 0);
	netif_napi_add(nf->dev, &q->napi, netfront_poll);
}

/**
 * netfront_queue_setup() - rings, slots, RX pages posted, event channel
 *
 * Called under rtnl with the queue released. On error the caller calls
 * netfront_queue_release().
 */
int netfront_queue_setup(struct netfront_queue *q, bool split)
{
	int rc;

	q->broken_why = NULL;
	q->nr_pending = 0;
	rc = ring_alloc(q, &q->tx, &q->tx_ref, sizeof(union xpv_netif_tx_slot)) ?:
	     ring_alloc(q, &q->rx, &q->rx_ref, sizeof(union xpv_netif_rx_slot)) ?:
	     slots_alloc(q);
	if (rc)
		return rc;
	rx_refill(q);		/* nobody polls yet: ready is false */
	spin_lock_bh(&q->tx_lock);
	q->tx_up = true;
	spin_unlock_bh(&q->tx_lock);
	/* publish the rings to NAPI; pairs with the acquire in poll */
	smp_store_release(&q->ready, true);
	return evtchn_setup(q, split);
}

/**
 * netfront_queue_release() - undo netfront_queue_setup(), whatever part ran
 *
 * Called under rtnl with NAPI disabled (or never enabled). Pages the
 * backend still maps go to the grant table's deferred free.
 */
void netfront_queue_release(struct netfront_queue *q)
{
	evtchn_release(q);
	del_timer_sync(&q->refill_timer);	/* NAPI, which arms it, is off */
	WRITE_ONCE(q->ready, false);
	spin_lock_bh(&q->tx_lock);
	q->tx_up = false;
	slots_release(q);
	ring_release(&q->tx, &q->tx_ref);
	spin_unlock_bh(&q->tx_lock);
	ring_release(&q->rx, &q->rx_ref);
	q->nr_pending = 0;
}

#if IS_ENABLED(CONFIG_XPV_NETFRONT_KUNIT_TEST)
#include "queue_test.c"
#endif
