/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The other actors of a backend test, on top of fake_xen: the toolstack
 * (libxl's backend and frontend nodes for a disk) and a blkfront that
 * publishes rings, sends requests and reads responses through the shared
 * ring module, so the daemon under test sees what a real guest shows it.
 */
#ifndef FAKE_GUEST_H
#define FAKE_GUEST_H

#include <xpv/blkif.h>
#include <xpv/ring.h>
#include <xpvback/backend.h>

#include "fake_xen.h"

#define GUEST_MAX_QUEUES 4

struct guest_queue {
	uint32_t first_page;		/* ring pages are consecutive */
	uint32_t refs[16];
	uint32_t port;			/* the guest's end */
	struct xpv_ring front;
};

struct fake_guest {
	struct fake_xen *fx;
	uint16_t domid;
	uint32_t devid;
	char be[128];			/* backend dir */
	char fe[128];			/* frontend dir */
	unsigned int nr_queues;
	struct guest_queue q[GUEST_MAX_QUEUES];
};

/* an image file of @bytes, removed at exit; returns its path (static) */
const char *guest_image(uint64_t bytes);

void guest_create_vbd(struct fake_guest *g, struct fake_xen *fx, uint16_t domid,
		      uint32_t devid, const char *params, const char *mode);
void guest_publish(struct fake_guest *g, unsigned int nr_queues, unsigned int order);
void guest_state(struct fake_guest *g, int state);
const char *guest_be(struct fake_guest *g, const char *node);
int guest_be_state(struct fake_guest *g);

uint32_t guest_data_page(struct fake_guest *g, void **mem);
void guest_send(struct fake_guest *g, unsigned int q, const union xpv_blkif_req *req);
int guest_collect(struct fake_guest *g, unsigned int q, struct xpv_blkif_rsp *rsp,
		  int max);

/* A one-page request: 8 sectors at 8 * @i, id @i; a write's page is
 * filled with 0xa0 + @i */
union xpv_blkif_req guest_page_req(struct fake_guest *g, uint8_t op, unsigned int i,
				   uint8_t **page);

/* exactly @n responses on queue 0, ids 0..n-1 in that order, each OKAY
 * but @fail_id's, which is @fail_status */
bool guest_in_order(struct fake_guest *g, int n, int16_t fail_status, uint64_t fail_id);

/* @r sent on queue 0 and served by @be: the status of its response;
 * GUEST_NO_RSP when there was not exactly one, for @r's id */
#define GUEST_NO_RSP INT16_MIN
int16_t guest_roundtrip(struct fake_guest *g, struct xpv_backend *be,
			const union xpv_blkif_req *r);

/* @len bytes of the image file @path at @off (aborts when short) */
void guest_image_read(const char *path, uint64_t off, void *buf, size_t len);

/* stop the daemon and free the fake; false if a grant or channel leaked */
bool stop_backend(struct xpv_backend *be, struct fake_xen *fx);

/* run the daemon until nothing is left to do and no request is in
 * flight (bounded) */
void run_backend(struct xpv_backend *be, struct fake_xen *fx);

/* a vbd for @params, one queue on a one-page ring, served by @be: the
 * backend's state after the handshake (4: Connected) */
int guest_connect_vbd(struct fake_guest *g, struct fake_xen *fx,
		      struct xpv_backend *be, uint16_t domid,
		      const char *params, const char *mode);

#endif /* FAKE_GUEST_H */
