// SPDX-License-Identifier: GPL-2.0-only
/*
 * A queue's private memory, sized once at connect from its rings: the TX
 * slots it may hold (one ring's worth), the RX buffers it may hold (one
 * ring's worth) and a grant copy for each, and room for a batch of frames
 * each way. Nothing grows afterwards, whatever the guest does.
 */
#include <errno.h>
#include <stdlib.h>

#include "netback.h"

int net_queue_alloc(struct net_queue *q, uint32_t tx_ents, uint32_t rx_ents)
{
	q->tx_slots = calloc(tx_ents, sizeof(*q->tx_slots));
	q->rx_reqs = calloc(rx_ents, sizeof(*q->rx_reqs));
	q->tx_buf = malloc(NET_BATCH_BUF);
	q->rx_buf = malloc(NET_BATCH_BUF);
	q->rx_copies = calloc(rx_ents, sizeof(*q->rx_copies));
	q->tx_nslots = q->rx_head = q->rx_count = q->held = 0;
	if (!q->tx_slots || !q->rx_reqs || !q->tx_buf || !q->rx_buf || !q->rx_copies) {
		net_queue_free(q);
		return -ENOMEM;
	}
	return 0;
}

void net_queue_free(struct net_queue *q)
{
	free(q->tx_slots);
	free(q->rx_reqs);
	free(q->tx_buf);
	free(q->rx_buf);
	free(q->rx_copies);
	q->tx_slots = NULL;
	q->rx_reqs = NULL;
	q->tx_buf = q->rx_buf = NULL;
	q->rx_copies = NULL;
}

void net_stats_add(struct net_stats *to, const struct net_stats *s)
{
	unsigned int i;

	to->tx_packets += s->tx_packets;
	to->tx_bytes += s->tx_bytes;
	to->tx_gso += s->tx_gso;
	to->rx_gso += s->rx_gso;
	for (i = 0; i < XPV_NETBACK_TX_NR_VERDICTS; i++)
		to->tx_bad[i] += s->tx_bad[i];
	to->tx_bad_csum += s->tx_bad_csum;
	to->tx_grant_errors += s->tx_grant_errors;
	to->tx_write_errors += s->tx_write_errors;
	to->rx_packets += s->rx_packets;
	to->rx_bytes += s->rx_bytes;
	to->rx_dropped += s->rx_dropped;
	to->rx_grant_errors += s->rx_grant_errors;
	to->broken += s->broken;
	to->tx_throttled += s->tx_throttled;
}

/* Packets dropped for something the guest did or could not take. */
uint64_t net_stats_drops(const struct net_stats *s)
{
	uint64_t n = s->tx_bad_csum + s->tx_grant_errors + s->rx_dropped +
		     s->rx_grant_errors;
	unsigned int i;

	for (i = 0; i < XPV_NETBACK_TX_NR_VERDICTS; i++)
		n += s->tx_bad[i];
	return n;
}
