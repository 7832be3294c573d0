/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake of Xen for the backend tests: xenstore, grant tables and event
 * channels in memory, behind the same transport vtable as the real thing.
 *
 * Guest memory is one memfd; a grant names a page of it, and mapping
 * grants maps those pages of the memfd, so the test (playing the guest)
 * and the daemon share pages the way two domains do. Watches fire on
 * registration and on every write or removal at or below their path.
 * A destroyed domain loses its grants and its event channels; pages
 * already mapped stay readable, as Xen keeps them until unmapped.
 */
#ifndef FAKE_XEN_H
#define FAKE_XEN_H

#include <stdbool.h>
#include <stdint.h>

#include <xpvback/transport.h>

#define FAKE_PAGES	4096
#define FAKE_NODES	4096
#define FAKE_WATCHES	64
#define FAKE_EVENTS	1024
#define FAKE_GRANTS	4096
#define FAKE_PORTS	64

struct fake_node {
	char *path;
	char *val;
};

struct fake_grant {
	uint16_t domid;
	uint32_t ref;
	uint32_t page;
	bool valid;
};

struct fake_port {
	bool offered;		/* the guest allocated it for us */
	bool bound;
	uint16_t domid;
	uint32_t remote;
	unsigned int notified;	/* evt_notify calls */
};

struct fake_xen {
	struct xpv_transport t;
	struct fake_node nodes[FAKE_NODES];
	unsigned int nr_nodes;	/* nodes[] past this were never used */
	struct { char *path, *token; } watches[FAKE_WATCHES];
	struct { char *path, *token; } events[FAKE_EVENTS];
	unsigned int ev_head, ev_tail;
	int xs_pipe[2], evt_pipe[2];
	int memfd;
	uint8_t *mem;		/* the test's view of guest memory */
	uint32_t next_page;
	struct fake_grant grants[FAKE_GRANTS];
	unsigned int nr_grants;
	int live_pages;		/* grant-mapped by the daemon now */
	struct fake_port ports[FAKE_PORTS];	/* local port = index */
	int pending[FAKE_PORTS * 4];
	unsigned int pend_head, pend_tail;
	bool dead[64];		/* destroyed domains */
	int fail_maps;		/* make the next N gnt_map calls fail */
	unsigned int gnt_copy_calls;	/* batches handed to gnt_copy */
	unsigned int gnt_map_calls;	/* gnt_map calls, failed ones too */
};

struct fake_xen *fake_xen_new(void);
void fake_xen_free(struct fake_xen *fx);

/* xenstore, as the toolstack or a guest writes it */
void fake_write(struct fake_xen *fx, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fake_dir_write(struct fake_xen *fx, const char *dir, const char *node,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *fake_read(struct fake_xen *fx, const char *path);
void fake_rm(struct fake_xen *fx, const char *path);
unsigned int fake_pending_watches(struct fake_xen *fx);

/* guest memory and grants */
uint32_t fake_alloc_page(struct fake_xen *fx);
void *fake_page(struct fake_xen *fx, uint32_t page);
uint32_t fake_grant(struct fake_xen *fx, uint16_t domid, uint32_t page);
void fake_grant_node(struct fake_xen *fx, uint16_t domid, const char *path);

/* event channels */
uint32_t fake_offer_port(struct fake_xen *fx, uint16_t domid);
int fake_local_port(struct fake_xen *fx, uint16_t domid, uint32_t remote);
void fake_kick(struct fake_xen *fx, int local_port);
unsigned int fake_notified(struct fake_xen *fx, uint16_t domid, uint32_t remote);

void fake_destroy_domain(struct fake_xen *fx, uint16_t domid);

/* fdatasync, wrapped: calls counted, a failure injected */
extern int fake_fdatasync_calls;
extern int fake_fdatasync_errno;
extern int fake_uring_setup_errno;	/* io_uring_queue_init_params fails */

#endif /* FAKE_XEN_H */
