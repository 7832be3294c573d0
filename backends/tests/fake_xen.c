// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake of Xen behind the transport vtable; see fake_xen.h. Plain
 * arrays, no cleverness: a test that overflows one fails loudly (abort is
 * fine here, this is test code, never the daemon).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fake_xen.h"

#define PAGE		4096
#define GNTST_bad_domain	(-2)
#define GNTST_bad_gntref	(-3)
#define GNTST_bad_copy_arg	(-10)

static struct fake_xen *fx_of(struct xpv_transport *t)
{
	return (struct fake_xen *)t;
}

static void must(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fake_xen: %s\n", what);
		abort();
	}
}

/* --- xenstore ------------------------------------------------------------ */

static struct fake_node *find(struct fake_xen *fx, const char *path)
{
	for (unsigned int i = 0; i < fx->nr_nodes; i++)
		if (fx->nodes[i].path && !strcmp(fx->nodes[i].path, path))
			return &fx->nodes[i];
	return NULL;
}

/* @a is @b or an ancestor of it */
static bool covers(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && (b[n] == '\0' || b[n] == '/');
}

static void queue_event(struct fake_xen *fx, const char *path, const char *token)
{
	unsigned int i = fx->ev_tail++ % FAKE_EVENTS;

	must(fx->ev_tail - fx->ev_head <= FAKE_EVENTS, "too many watch events");
	fx->events[i].path = strdup(path);
	fx->events[i].token = strdup(token);
	must(write(fx->xs_pipe[1], "w", 1) == 1, "pipe");
}

static void fire(struct fake_xen *fx, const char *path, bool removed)
{
	for (unsigned int i = 0; i < FAKE_WATCHES; i++) {
		const char *w = fx->watches[i].path;

		if (w && (covers(w, path) || (removed && covers(path, w))))
			queue_event(fx, removed && covers(path, w) ? w : path,
				    fx->watches[i].token);
	}
}

static void set_node(struct fake_xen *fx, const char *path, const char *val)
{
	struct fake_node *n = find(fx, path);

	for (unsigned int i = 0; !n && i < FAKE_NODES; i++)
		if (!fx->nodes[i].path) {
			n = &fx->nodes[i];
			n->path = strdup(path);
			if (i >= fx->nr_nodes)
				fx->nr_nodes = i + 1;
		}
	must(n != NULL, "xenstore full");
	free(n->val);
	n->val = strdup(val);
	fire(fx, path, false);
}

void fake_write(struct fake_xen *fx, const char *path, const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	set_node(fx, path, val);
}

void fake_dir_write(struct fake_xen *fx, const char *dir, const char *node,
		    const char *fmt, ...)
{
	char p[256], val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(p, sizeof(p), "%s/%s", dir, node);
	set_node(fx, p, val);
}

const char *fake_read(struct fake_xen *fx, const char *path)
{
	struct fake_node *n = find(fx, path);

	return n ? n->val : NULL;
}

void fake_rm(struct fake_xen *fx, const char *path)
{
	bool any = false;

	for (unsigned int i = 0; i < fx->nr_nodes; i++) {
		struct fake_node *n = &fx->nodes[i];

		if (n->path && covers(path, n->path)) {
			free(n->path);
			free(n->val);
			n->path = n->val = NULL;
			any = true;
		}
	}
	if (any)
		fire(fx, path, true);
}

unsigned int fake_pending_watches(struct fake_xen *fx)
{
	return fx->ev_tail - fx->ev_head;
}

static bool has_children(struct fake_xen *fx, const char *path)
{
	for (unsigned int i = 0; i < fx->nr_nodes; i++)
		if (fx->nodes[i].path && covers(path, fx->nodes[i].path) &&
		    strcmp(path, fx->nodes[i].path))
			return true;
	return false;
}

static char *xs_read(struct xpv_transport *t, const char *path)
{
	const char *v = fake_read(fx_of(t), path);

	if (v)
		return strdup(v);
	if (has_children(fx_of(t), path))
		return strdup("");
	errno = ENOENT;
	return NULL;
}

static int xs_write(struct xpv_transport *t, const char *path, const char *val)
{
	set_node(fx_of(t), path, val);
	return 0;
}

static int xs_rm(struct xpv_transport *t, const char *path)
{
	fake_rm(fx_of(t), path);
	return 0;
}

/* One malloc holding the array and the strings, like libxenstore's. */
static char **xs_directory(struct xpv_transport *t, const char *path,
			   unsigned int *num)
{
	struct fake_xen *fx = fx_of(t);
	char names[FAKE_NODES][64];
	size_t n = 0, len = strlen(path), bytes = 0;
	char **out, *p;

	for (unsigned int i = 0; i < fx->nr_nodes; i++) {
		const char *s = fx->nodes[i].path;
		size_t k, j;

		if (!s || !covers(path, s) || !s[len])
			continue;
		k = strcspn(s + len + 1, "/");
		for (j = 0; j < n; j++)
			if (strlen(names[j]) == k && !strncmp(names[j], s + len + 1, k))
				break;
		if (j == n && k < 64) {
			memcpy(names[n], s + len + 1, k);
			names[n++][k] = '\0';
			bytes += k + 1;
		}
	}
	if (!n && !find(fx, path)) {
		errno = ENOENT;
		return NULL;
	}
	out = malloc(n * sizeof(char *) + bytes + 1);
	p = (char *)(out + n);
	for (size_t j = 0; j < n; j++) {
		out[j] = strcpy(p, names[j]);
		p += strlen(p) + 1;
	}
	*num = (unsigned int)n;
	return out;
}

static int xs_watch(struct xpv_transport *t, const char *path, const char *token)
{
	struct fake_xen *fx = fx_of(t);

	for (unsigned int i = 0; i < FAKE_WATCHES; i++)
		if (!fx->watches[i].path) {
			fx->watches[i].path = strdup(path);
			fx->watches[i].token = strdup(token);
			queue_event(fx, path, token);	/* fires on registration */
			return 0;
		}
	return -ENOSPC;
}

static int xs_unwatch(struct xpv_transport *t, const char *path, const char *token)
{
	struct fake_xen *fx = fx_of(t);

	for (unsigned int i = 0; i < FAKE_WATCHES; i++)
		if (fx->watches[i].path && !strcmp(fx->watches[i].path, path) &&
		    !strcmp(fx->watches[i].token, token)) {
			free(fx->watches[i].path);
			free(fx->watches[i].token);
			fx->watches[i].path = fx->watches[i].token = NULL;
			return 0;
		}
	return -ENOENT;
}

static int xs_next_watch(struct xpv_transport *t, char *path, size_t path_len,
			 char *token, size_t token_len)
{
	struct fake_xen *fx = fx_of(t);
	unsigned int i;
	char c;

	if (fx->ev_head == fx->ev_tail)
		return 0;
	i = fx->ev_head++ % FAKE_EVENTS;
	snprintf(path, path_len, "%s", fx->events[i].path);
	snprintf(token, token_len, "%s", fx->events[i].token);
	free(fx->events[i].path);
	free(fx->events[i].token);
	must(read(fx->xs_pipe[0], &c, 1) == 1, "pipe");
	return 1;
}

static int xs_fd(struct xpv_transport *t)
{
	return fx_of(t)->xs_pipe[0];
}

/* --- grants --------------------------------------------------------------- */

uint32_t fake_alloc_page(struct fake_xen *fx)
{
	must(fx->next_page < FAKE_PAGES, "guest memory full");
	memset(fx->mem + (size_t)fx->next_page * PAGE, 0, PAGE);
	return fx->next_page++;
}

void *fake_page(struct fake_xen *fx, uint32_t page)
{
	return fx->mem + (size_t)page * PAGE;
}

uint32_t fake_grant(struct fake_xen *fx, uint16_t domid, uint32_t page)
{
	struct fake_grant *g;

	must(fx->nr_grants < FAKE_GRANTS, "grant table full");
	g = &fx->grants[fx->nr_grants];
	*g = (struct fake_grant){ domid, 100 + fx->nr_grants, page, true };
	fx->nr_grants++;
	return g->ref;
}

/* @path = a ref to a fresh page granted by @domid, unless @path is set */
void fake_grant_node(struct fake_xen *fx, uint16_t domid, const char *path)
{
	if (!fake_read(fx, path))
		fake_write(fx, path, "%u", fake_grant(fx, domid, fake_alloc_page(fx)));
}

static struct fake_grant *lookup(struct fake_xen *fx, uint16_t domid, uint32_t ref)
{
	if (ref < 100 || ref - 100 >= fx->nr_grants)
		return NULL;
	struct fake_grant *g = &fx->grants[ref - 100];

	return g->valid && g->domid == domid ? g : NULL;
}

static void *gnt_map(struct xpv_transport *t, uint16_t domid, uint32_t count,
		     const uint32_t *refs, bool writable)
{
	struct fake_xen *fx = fx_of(t);
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	uint8_t *base;

	fx->gnt_map_calls++;
	if (fx->fail_maps && fx->fail_maps--) {
		errno = ENOMEM;
		return NULL;
	}
	for (uint32_t i = 0; i < count; i++)
		if (!lookup(fx, domid, refs[i])) {
			errno = EINVAL;
			return NULL;
		}
	base = mmap(NULL, (size_t)count * PAGE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	must(base != MAP_FAILED, "mmap");
	for (uint32_t i = 0; i < count; i++)
		must(mmap(base + (size_t)i * PAGE, PAGE, prot, MAP_SHARED | MAP_FIXED,
			  fx->memfd, (off_t)lookup(fx, domid, refs[i])->page * PAGE)
		     != MAP_FAILED, "mmap grant");
	fx->live_pages += (int)count;
	return base;
}

static int gnt_unmap(struct xpv_transport *t, void *addr, uint32_t count)
{
	must(munmap(addr, (size_t)count * PAGE) == 0, "munmap");
	fx_of(t)->live_pages -= (int)count;
	return 0;
}

static int gnt_copy(struct xpv_transport *t, uint32_t count, struct xpv_gnt_copy *segs)
{
	struct fake_xen *fx = fx_of(t);

	fx->gnt_copy_calls++;
	for (uint32_t i = 0; i < count; i++) {
		struct xpv_gnt_copy *c = &segs[i];
		struct fake_grant *g = lookup(fx, c->domid, c->ref);
		uint8_t *page;

		if (c->domid < 64 && fx->dead[c->domid])
			c->status = GNTST_bad_domain;
		else if (!g)
			c->status = GNTST_bad_gntref;
		else if (c->offset + c->len > PAGE)
			c->status = GNTST_bad_copy_arg;
		else
			c->status = 0;
		if (c->status)
			continue;
		page = fx->mem + (size_t)g->page * PAGE + c->offset;
		if (c->to_guest)
			memcpy(page, c->local, c->len);
		else
			memcpy(c->local, page, c->len);
	}
	return 0;
}

/* --- event channels -------------------------------------------------------- */

uint32_t fake_offer_port(struct fake_xen *fx, uint16_t domid)
{
	for (unsigned int i = 1; i < FAKE_PORTS; i++)
		if (!fx->ports[i].offered) {
			fx->ports[i] = (struct fake_port){ .offered = true,
				.domid = domid, .remote = 1000 + i };
			return 1000 + i;
		}
	must(false, "ports full");
	return 0;
}

int fake_local_port(struct fake_xen *fx, uint16_t domid, uint32_t remote)
{
	for (int i = 1; i < FAKE_PORTS; i++)
		if (fx->ports[i].bound && fx->ports[i].domid == domid &&
		    fx->ports[i].remote == remote)
			return i;
	return -1;
}

void fake_kick(struct fake_xen *fx, int port)
{
	must(port > 0 && port < FAKE_PORTS, "kick: no such port");
	fx->pending[fx->pend_tail++ % (FAKE_PORTS * 4)] = port;
	must(write(fx->evt_pipe[1], "e", 1) == 1, "pipe");
}

unsigned int fake_notified(struct fake_xen *fx, uint16_t domid, uint32_t remote)
{
	for (int i = 1; i < FAKE_PORTS; i++)
		if (fx->ports[i].offered && fx->ports[i].domid == domid &&
		    fx->ports[i].remote == remote)
			return fx->ports[i].notified;
	return 0;
}

static int evt_bind(struct xpv_transport *t, uint16_t domid, uint32_t remote)
{
	struct fake_xen *fx = fx_of(t);

	for (int i = 1; i < FAKE_PORTS; i++) {
		struct fake_port *p = &fx->ports[i];

		if (p->offered && !p->bound && p->domid == domid && p->remote == remote &&
		    !(domid < 64 && fx->dead[domid])) {
			p->bound = true;
			return i;
		}
	}
	return -EINVAL;
}

static int evt_unbind(struct xpv_transport *t, uint32_t port)
{
	struct fake_xen *fx = fx_of(t);

	must(port < FAKE_PORTS && fx->ports[port].bound, "unbind of an unbound port");
	fx->ports[port].bound = false;
	return 0;
}

static int evt_notify(struct xpv_transport *t, uint32_t port)
{
	struct fake_xen *fx = fx_of(t);

	must(port < FAKE_PORTS && fx->ports[port].bound, "notify of an unbound port");
	fx->ports[port].notified++;
	return 0;
}

static int evt_pending(struct xpv_transport *t)
{
	struct fake_xen *fx = fx_of(t);
	char c;

	if (fx->pend_head == fx->pend_tail)
		return -EAGAIN;
	must(read(fx->evt_pipe[0], &c, 1) == 1, "pipe");
	return fx->pending[fx->pend_head++ % (FAKE_PORTS * 4)];
}

static int evt_unmask(struct xpv_transport *t, uint32_t port)
{
	(void)t;
	(void)port;
	return 0;
}

static int evt_fd(struct xpv_transport *t)
{
	return fx_of(t)->evt_pipe[0];
}

void fake_destroy_domain(struct fake_xen *fx, uint16_t domid)
{
	char path[64];

	must(domid < 64, "domid");
	fx->dead[domid] = true;
	for (unsigned int i = 0; i < fx->nr_grants; i++)
		if (fx->grants[i].domid == domid)
			fx->grants[i].valid = false;
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	fake_rm(fx, path);
}

/* --- libc, wrapped at link time (-Wl,--wrap=fdatasync) --------------------- */

int fake_fdatasync_calls;
int fake_fdatasync_errno;	/* non-zero: the next fdatasync fails with it */

int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd)
{
	fake_fdatasync_calls++;
	if (fake_fdatasync_errno) {
		errno = fake_fdatasync_errno;
		fake_fdatasync_errno = 0;
		return -1;
	}
	return __real_fdatasync(fd);
}

static void fake_close(struct xpv_transport *t)
{
	(void)t;
}

static const struct xpv_transport_ops fake_ops = {
	.xs_read = xs_read, .xs_write = xs_write, .xs_rm = xs_rm,
	.xs_directory = xs_directory, .xs_watch = xs_watch,
	.xs_unwatch = xs_unwatch, .xs_next_watch = xs_next_watch, .xs_fd = xs_fd,
	.gnt_map = gnt_map, .gnt_unmap = gnt_unmap, .gnt_copy = gnt_copy,
	.evt_bind = evt_bind, .evt_unbind = evt_unbind, .evt_notify = evt_notify,
	.evt_pending = evt_pending, .evt_unmask = evt_unmask, .evt_fd = evt_fd,
	.close = fake_close,
};

struct fake_xen *fake_xen_new(void)
{
	struct fake_xen *fx = calloc(1, sizeof(*fx));

	must(fx != NULL, "calloc");
	fx->t.ops = &fake_ops;
	must(pipe2(fx->xs_pipe, O_NONBLOCK) == 0 && pipe2(fx->evt_pipe, O_NONBLOCK) == 0,
	     "pipe");
	fx->memfd = memfd_create("fake-guest-memory", 0);
	must(fx->memfd >= 0 && ftruncate(fx->memfd, (off_t)FAKE_PAGES * PAGE) == 0,
	     "memfd");
	fx->mem = mmap(NULL, (size_t)FAKE_PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fx->memfd, 0);
	must(fx->mem != MAP_FAILED, "mmap memfd");
	return fx;
}

void fake_xen_free(struct fake_xen *fx)
{
	char path[256], token[64];

	while (xs_next_watch(&fx->t, path, sizeof(path), token, sizeof(token)) > 0)
		;
	for (unsigned int i = 0; i < FAKE_NODES; i++) {
		free(fx->nodes[i].path);
		free(fx->nodes[i].val);
	}
	for (unsigned int i = 0; i < FAKE_WATCHES; i++) {
		free(fx->watches[i].path);
		free(fx->watches[i].token);
	}
	munmap(fx->mem, (size_t)FAKE_PAGES * PAGE);
	close(fx->memfd);
	close(fx->xs_pipe[0]);
	close(fx->xs_pipe[1]);
	close(fx->evt_pipe[0]);
	close(fx->evt_pipe[1]);
	free(fx);
}

/* -Wl,--wrap=io_uring_queue_init_params: a kernel without io_uring */
struct io_uring;
struct io_uring_params;
int fake_uring_setup_errno;	/* non-zero: every setup fails with it */
int __real_io_uring_queue_init_params(unsigned int entries, struct io_uring *ring,
				      struct io_uring_params *p);
int __wrap_io_uring_queue_init_params(unsigned int entries, struct io_uring *ring,
				      struct io_uring_params *p)
{
	if (fake_uring_setup_errno)
		return -fake_uring_setup_errno;
	return __real_io_uring_queue_init_params(entries, ring, p);
}
