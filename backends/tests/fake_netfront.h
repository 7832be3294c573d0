/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The other actors of a network backend test, on top of fake_xen: the
 * toolstack (libxl's vif nodes), a netfront that publishes TX and RX rings
 * the way Linux's does (talk_to_netback), sends slot chains, posts RX
 * buffers and reads responses through the shared ring module, and a fake
 * TAP: each queue a SOCK_SEQPACKET socketpair whose other end the test
 * reads and writes as dom0's network stack would.
 */
#ifndef FAKE_NETFRONT_H
#define FAKE_NETFRONT_H

#include <xpv/netif.h>
#include <xpv/ring.h>

#include "fake_xen.h"
#include "netback.h"

#define NF_MAX_QUEUES	4
#define NF_RX_PAGES	32	/* RX buffer pages per queue, reused in turn */

struct nf_queue {
	uint32_t tx_ref, rx_ref;
	uint32_t tx_port, rx_port;	/* the guest's ends; equal unless split */
	struct xpv_ring tx, rx;
	uint32_t rx_pages[NF_RX_PAGES], rx_refs[NF_RX_PAGES];
	uint32_t rx_posted;		/* buffers posted so far */
};

struct fake_netfront {
	struct fake_xen *fx;
	uint16_t domid;
	uint32_t devid;
	char be[128], fe[128];
	unsigned int nr_queues;
	bool split;
	struct nf_queue q[NF_MAX_QUEUES];
};

/* what the frontend writes besides rings; a node set to NULL is left out */
struct nf_features {
	const char *rx_copy, *rx_notify, *sg, *gso4, *gso6, *csum6;
};
extern const struct nf_features nf_linux;

void nf_create_vif(struct fake_netfront *nf, struct fake_xen *fx, uint16_t domid,
		   uint32_t devid);
void nf_publish(struct fake_netfront *nf, unsigned int nr_queues, bool split,
		const struct nf_features *f);
const char *nf_be(struct fake_netfront *nf, const char *node);
int nf_be_state(struct fake_netfront *nf);

/* TX: a chain of slots, produced, pushed and notified at once */
void nf_send(struct fake_netfront *nf, unsigned int q,
	     const union xpv_netif_tx_slot *slots, unsigned int n);
int nf_tx_collect(struct fake_netfront *nf, unsigned int q,
		  struct xpv_netif_tx_rsp *rsp, int max);
/* a page of guest memory granted to dom0, for TX data */
uint32_t nf_data_page(struct fake_netfront *nf, uint8_t **mem);

/* RX: post @n buffers; collect responses; the page behind response @id */
void nf_post_rx(struct fake_netfront *nf, unsigned int q, unsigned int n);
int nf_rx_collect(struct fake_netfront *nf, unsigned int q,
		  union xpv_netif_rx_slot *rsp, int max);
uint8_t *nf_rx_page(struct fake_netfront *nf, unsigned int q, uint16_t id);

/* the fake TAP */
extern const struct net_tap_ops fake_tap_ops;
int fake_tap_peer(const char *name, unsigned int queue);	/* -1: none */
bool fake_tap_exists(const char *name);
unsigned int fake_tap_offload(const char *name);
void fake_tap_reset(void);

#endif /* FAKE_NETFRONT_H */
