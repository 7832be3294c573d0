// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: xpv-blkback's request path fed arbitrary ring slots.
 *
 * One guest stays connected across inputs (reconnected from scratch when
 * an input broke its ring). Each input is:
 *   byte 0        flags: bit 0 sets req_prod from bytes 1..4 (a lying
 *                 index), bit 1 makes the next grant copies see a dead
 *                 domain, bit 2 makes the next two grant maps fail
 *   bytes 5..516  the content of data page 0, which requests may name as
 *                 an indirect page
 *   the rest      ring slots of 112 bytes, pushed and served
 * Grant refs 100..100+GRANTED are granted pages, so segments land on real
 * pages as often as on refs the guest never gave. Every response must
 * carry an id the guest sent and a status in {0, -1, -2}. The guest is
 * served through io_uring (blkback/aio.c) or synchronously, with
 * persistent grants (at most 8 kept: the bound is reached) or without,
 * from a raw image or a qcow2 one (4 KiB clusters, half of them written
 * at first: reads and writes of allocated clusters as extents on the
 * ring, the rest synchronously after a drain; made by qemu-img): the
 * eight modes take turns at every reconnect.
 *
 *   make -C backends fuzz FUZZ_SECONDS=600
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"
#include "fake_guest.h"

#define SLOT		sizeof(union xpv_blkif_req)
#define HEADER		5
#define DATA_PAGES	24

static struct fake_xen *fx;
static struct xpv_backend be;
static struct fake_guest g;
static void *data[DATA_PAGES];
static const char *image;
static char qcow2[96];		/* "qcow2:/path", params of the qcow2 disk */

static const struct xpv_limits limits = {
	.max_devices_per_domain = 2, .max_ring_order = 0, .reqs_per_turn = 16,
};

/* 64 KiB, as the raw image, its first 32 KiB written. */
static void make_qcow2(void)
{
	const char *path = guest_image(0);
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "qemu-img create -q -f qcow2 -o cluster_size=4096 %s 64K && "
		 "qemu-io -f qcow2 -c 'write -P 0x5a 0 32k' %s >/dev/null", path, path);
	if (system(cmd))
		abort();
	snprintf(qcow2, sizeof(qcow2), "qcow2:%s", path);
}

static void start(void)
{
	static unsigned int starts;
	const char *params = starts % 8 >= 4 ? qcow2 : image;

	fx = fake_xen_new();
	blk_config = (struct blk_config){ .max_queues = 1, .max_indirect_segs = 64,
					  .file_sector_size = 512, .discard = true,
					  .max_inflight = starts % 2 ? 0 : 32,
					  .max_pgrants = starts % 4 >= 2 ? 8 : 0 };
	starts++;
	if (xpv_backend_init(&be, &fx->t, &blk_vbd_ops, 0, &limits) ||
	    blk_vbd_ops.worker_init(&be))
		abort();
	guest_create_vbd(&g, fx, 1, 51712, params, "w");
	run_backend(&be, fx);
	fake_dir_write(fx, g.fe, "feature-persistent", "1");
	guest_publish(&g, 1, 0);
	for (int i = 0; i < DATA_PAGES; i++)
		guest_data_page(&g, &data[i]);
	run_backend(&be, fx);
	if (guest_be_state(&g) != 4)
		abort();
}

static void stop(void)
{
	if (!stop_backend(&be, fx))
		abort();		/* a leaked mapping or binding */
}

static bool ring_usable(void)
{
	return guest_be_state(&g) == 4 && !xpv_ring_is_broken(&g.q[0].front);
}

static void check_responses(void)
{
	struct xpv_blkif_rsp rsp[64];
	int n;

	while ((n = guest_collect(&g, 0, rsp, 64)) > 0)
		for (int i = 0; i < n; i++)
			if (rsp[i].status < -2 || rsp[i].status > 0)
				abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	uint32_t prod;

	xpv_log_quiet = 1;
	if (!image) {
		image = guest_image(64 << 10);
		make_qcow2();
	}
	if (!fx)
		start();
	size_t off = HEADER;

	for (; off + SLOT <= len; off += SLOT) {
		void *slot = xpv_ring_produce(&g.q[0].front);

		if (!slot)
			break;
		memcpy(slot, in + off, SLOT);
	}
	if (off < len)
		memcpy(data[0], in + off, len - off < 4096 ? len - off : 4096);
	xpv_ring_push(&g.q[0].front);
	if (len >= 5 && (in[0] & 1)) {
		memcpy(&prod, in + 1, 4);
		g.q[0].front.sring->req_prod = prod;
	}
	if (len >= 1 && (in[0] & 2))
		fx->dead[1] = true;
	if (len >= 1 && (in[0] & 4))
		fx->fail_maps = 2;
	fake_kick(fx, fake_local_port(fx, 1, g.q[0].port));
	run_backend(&be, fx);
	fx->dead[1] = false;
	fx->fail_maps = 0;
	check_responses();
	if (!ring_usable()) {
		stop();
		start();
	}
	return 0;
}
