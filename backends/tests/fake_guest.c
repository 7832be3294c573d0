// SPDX-License-Identifier: GPL-2.0-only
/*
 * Toolstack and blkfront for the backend tests; see fake_guest.h. The
 * node names and order follow libxl (libxl_disk.c) and Linux's blkfront
 * (talk_to_blkback).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_guest.h"

static char images[64][64];
static unsigned int nr_images;

static void remove_images(void)
{
	for (unsigned int i = 0; i < nr_images; i++)
		unlink(images[i]);
}

const char *guest_image(uint64_t bytes)
{
	char *path;

	if (nr_images >= 64)
		abort();
	path = images[nr_images];
	int fd;

	snprintf(path, 64, "/tmp/xpv-blkback-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, (off_t)bytes))
		abort();
	close(fd);
	if (!nr_images++)
		atexit(remove_images);
	return path;
}

#define BE(node, ...)	fake_dir_write(g->fx, g->be, node, __VA_ARGS__)
#define FE(node, ...)	fake_dir_write(g->fx, g->fe, node, __VA_ARGS__)

void guest_create_vbd(struct fake_guest *g, struct fake_xen *fx, uint16_t domid,
		      uint32_t devid, const char *params, const char *mode)
{
	memset(g, 0, sizeof(*g));
	g->fx = fx;
	g->domid = domid;
	g->devid = devid;
	snprintf(g->be, sizeof(g->be), "/local/domain/0/backend/vbd/%u/%u", domid, devid);
	snprintf(g->fe, sizeof(g->fe), "/local/domain/%u/device/vbd/%u", domid, devid);
	FE("backend", "%s", g->be);
	FE("backend-id", "0");
	FE("virtual-device", "%u", devid);
	FE("device-type", "disk");
	FE("state", "1");
	BE("frontend", "%s", g->fe);
	BE("frontend-id", "%u", domid);
	BE("online", "1");
	BE("removable", "0");
	BE("bootable", "1");
	BE("type", "phy");
	BE("mode", "%s", mode);
	BE("device-type", "disk");
	BE("discard-enable", "1");
	BE("params", "%s", params);
	BE("state", "1");
}

void guest_state(struct fake_guest *g, int state)
{
	FE("state", "%d", state);
}

const char *guest_be(struct fake_guest *g, const char *node)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", g->be, node);
	return fake_read(g->fx, p);
}

int guest_be_state(struct fake_guest *g)
{
	const char *s = guest_be(g, "state");

	return s ? atoi(s) : -1;
}

static void publish_queue(struct fake_guest *g, unsigned int i, unsigned int order,
			  const char *dir)
{
	struct guest_queue *q = &g->q[i];
	unsigned int pages = 1u << order;
	char node[64];

	for (unsigned int k = 0; k < pages; k++) {
		uint32_t page = fake_alloc_page(g->fx);

		if (!k)
			q->first_page = page;
		q->refs[k] = fake_grant(g->fx, g->domid, page);
	}
	xpv_ring_init_front(&q->front, fake_page(g->fx, q->first_page),
			    (size_t)pages * 4096, sizeof(union xpv_blkif_req));
	q->port = fake_offer_port(g->fx, g->domid);
	if (order) {
		FE("ring-page-order", "%u", order);	/* one for all queues */
		for (unsigned int k = 0; k < pages; k++) {
			snprintf(node, sizeof(node), "%sring-ref%u", dir, k);
			FE(node, "%u", q->refs[k]);
		}
	} else {
		snprintf(node, sizeof(node), "%sring-ref", dir);
		FE(node, "%u", q->refs[0]);
	}
	snprintf(node, sizeof(node), "%sevent-channel", dir);
	FE(node, "%u", q->port);
}

void guest_publish(struct fake_guest *g, unsigned int nr_queues, unsigned int order)
{
	char dir[32];

	g->nr_queues = nr_queues;
	for (unsigned int i = 0; i < nr_queues; i++) {
		if (nr_queues > 1)
			snprintf(dir, sizeof(dir), "queue-%u/", i);
		else
			dir[0] = '\0';
		publish_queue(g, i, order, dir);
	}
	if (nr_queues > 1)
		FE("multi-queue-num-queues", "%u", nr_queues);
	FE("protocol", "x86_64-abi");
	FE("state", "3");
}
#undef BE
#undef FE

uint32_t guest_data_page(struct fake_guest *g, void **mem)
{
	uint32_t page = fake_alloc_page(g->fx);

	*mem = fake_page(g->fx, page);
	return fake_grant(g->fx, g->domid, page);
}

void guest_send(struct fake_guest *g, unsigned int i, const union xpv_blkif_req *req)
{
	struct guest_queue *q = &g->q[i];
	void *slot = xpv_ring_produce(&q->front);

	if (!slot)
		abort();
	memcpy(slot, req, sizeof(*req));
	xpv_ring_push(&q->front);
	if (fake_local_port(g->fx, g->domid, q->port) > 0)
		fake_kick(g->fx, fake_local_port(g->fx, g->domid, q->port));
}

int guest_collect(struct fake_guest *g, unsigned int i, struct xpv_blkif_rsp *rsp,
		  int max)
{
	union {
		union xpv_blkif_req req;
		struct xpv_blkif_rsp rsp;
	} e;
	int n = 0;

	while (n < max && xpv_ring_consume(&g->q[i].front, &e) == 1)
		rsp[n++] = e.rsp;
	return n;
}

union xpv_blkif_req guest_page_req(struct fake_guest *g, uint8_t op, unsigned int i,
				   uint8_t **page)
{
	union xpv_blkif_req r = { 0 };

	r.rw.operation = op;
	r.rw.nr_segments = 1;
	r.rw.id = i;
	r.rw.sector_number = 8ull * i;
	r.rw.seg[0] = (struct xpv_blkif_seg){ guest_data_page(g, (void **)page), 0, 7, 0 };
	if (op != XPV_BLKIF_OP_READ)
		memset(*page, (int)(0xa0 + i), 4096);
	return r;
}

bool guest_in_order(struct fake_guest *g, int n, int16_t fail_status, uint64_t fail_id)
{
	struct xpv_blkif_rsp rsp[64];

	if (n > 64 || guest_collect(g, 0, rsp, 64) != n)
		return false;
	for (int i = 0; i < n; i++)
		if (rsp[i].id != (uint64_t)i ||
		    rsp[i].status != (rsp[i].id == fail_id ? fail_status : XPV_BLKIF_RSP_OKAY))
			return false;
	return true;
}

int16_t guest_roundtrip(struct fake_guest *g, struct xpv_backend *be,
			const union xpv_blkif_req *r)
{
	struct xpv_blkif_rsp rsp[2];

	guest_send(g, 0, r);
	run_backend(be, g->fx);
	if (guest_collect(g, 0, rsp, 2) != 1 || rsp[0].id != r->rw.id)
		return GUEST_NO_RSP;
	return rsp[0].status;
}

void guest_image_read(const char *path, uint64_t off, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || pread(fd, buf, len, (off_t)off) != (ssize_t)len)
		abort();
	close(fd);
}

/* Requests in flight: wait for their completions in poll, briefly. */
void run_backend(struct xpv_backend *be, struct fake_xen *fx)
{
	for (int i = 0; i < 1000; i++) {
		xpv_backend_step(be, be->inflight && !xpv_backend_has_work(be) ? 10 : 0);
		if (!xpv_backend_has_work(be) && !fake_pending_watches(fx) &&
		    fx->pend_head == fx->pend_tail && !be->inflight)
			return;
	}
}

bool stop_backend(struct xpv_backend *be, struct fake_xen *fx)
{
	bool clean = true;

	xpv_backend_close(be);
	clean &= fx->live_pages == 0;
	for (int i = 0; i < FAKE_PORTS; i++)
		clean &= !fx->ports[i].bound;
	fake_xen_free(fx);
	return clean;
}

int guest_connect_vbd(struct fake_guest *g, struct fake_xen *fx,
		      struct xpv_backend *be, uint16_t domid,
		      const char *params, const char *mode)
{
	guest_create_vbd(g, fx, domid, 51712, params, mode);
	run_backend(be, fx);
	guest_publish(g, 1, 0);
	run_backend(be, fx);
	return guest_be_state(g);
}
