// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of netfront's queue, at boot in a domU. The queue is set up
 * for real (rings and RX pages granted to dom0, an event channel to dom0)
 * but no backend serves it: the test writes the backend's side of the RX
 * ring itself. Included at the end of queue.c, so it reaches the static
 * functions.
 */
#include <kunit/test.h>

/*
 * The backend answers the first @n RX requests with an error (a dropped
 * packet each): their positions are free to be posted again.
 */
static void netfront_test_answer_errors(struct netfront_queue *q, unsigned int n)
{
	struct xpv_sring *sr = q->rx.sring;
	union xpv_netif_rx_slot *slots = (union xpv_netif_rx_slot *)sr->slots;
	unsigned int i;

	for (i = 0; i < n; i++)
		slots[i].rsp = (struct xpv_netif_rx_rsp){ .id = i, .status = XPV_NETIF_RSP_ERROR };
	smp_wmb();		/* the answers before the index, as a backend writes them */
	WRITE_ONCE(sr->rsp_prod, n);
}

/*
 * A refill that finds no free grant posts nothing and arms the retry
 * timer (with nothing posted, no event would ever come to refill); once
 * grants are free again, the refill posts every free position.
 */
static void netfront_test_refill_retry(struct kunit *test)
{
	struct xpv_xenbus_device *xd = kunit_kzalloc(test, sizeof(*xd), GFP_KERNEL);
	struct net_device *dev = alloc_etherdev_mqs(sizeof(struct netfront), 1, 1);
	unsigned int n = xpv_gnttab_nr_free(), i, taken = 0;
	int *refs = kunit_kcalloc(test, n, sizeof(*refs), GFP_KERNEL);
	struct netfront_queue *q;
	struct netfront *nf;
	u32 posted;

	KUNIT_ASSERT_TRUE(test, xd && dev && refs);
	xpv_xenbus_device_init(xd);
	nf = netdev_priv(dev);
	nf->dev = dev;
	nf->xd = xd;			/* otherend_id 0: dom0 */
	netfront_queue_init(nf, 0);
	q = &nf->queues[0];
	KUNIT_ASSERT_EQ(test, netfront_queue_setup(q, false), 0);
	posted = q->rx.prod_pvt;
	KUNIT_EXPECT_EQ(test, posted, q->rx.nr_ents);

	netfront_test_answer_errors(q, 4);
	KUNIT_EXPECT_EQ(test, rx_work(q, 64), 4);
	KUNIT_EXPECT_EQ(test, dev->stats.rx_errors, 4UL);
	for (; taken < n; taken++) {
		refs[taken] = xpv_gnttab_grant(0, 1, true);
		if (refs[taken] < 0)
			break;
	}
	rx_refill(q);
	KUNIT_EXPECT_EQ(test, q->rx.prod_pvt, posted);
	KUNIT_EXPECT_TRUE(test, timer_pending(&q->refill_timer));
	for (i = 0; i < taken; i++)
		KUNIT_EXPECT_TRUE(test, xpv_gnttab_end(refs[i]));
	rx_refill(q);
	KUNIT_EXPECT_EQ(test, q->rx.prod_pvt, posted + 4);
	KUNIT_EXPECT_FALSE(test, queue_is_broken(q));

	netfront_queue_release(q);
	KUNIT_EXPECT_FALSE(test, timer_pending(&q->refill_timer));
	netif_napi_del(&q->napi);
	free_netdev(dev);
}

static struct kunit_case netfront_test_cases[] = {
	KUNIT_CASE(netfront_test_refill_retry),
	{}
};

static int netfront_test_init(struct kunit *test)
{
	if (!xpv_gnttab_nr_refs())
		kunit_skip(test, "no grant table (this is Xen's first domain)");
	return 0;
}

static struct kunit_suite netfront_test_suite = {
	.name = "xpv_netfront",
	.init = netfront_test_init,
	.test_cases = netfront_test_cases,
};
kunit_test_suite(netfront_test_suite);
