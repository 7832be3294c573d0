// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event channels of a backend: bind a frontend's port, remember what to
 * run when it fires, notify it. The loop (backend.c) reads pending ports
 * from the one /dev/xen/evtchn fd, sets ->work on the matching binding and
 * runs handlers until they report no work left.
 *
 * An unbound channel is only marked (port -1) and reaped by the loop
 * between handler runs, so a handler may unbind itself or its device.
 */
#include <errno.h>
#include <stdlib.h>

#include <xpvback/backend.h>

/**
 * xpv_evt_bind() - bind the frontend's @remote_port of @domid
 *
 * Return: the binding, or NULL with errno set (a port the guest never
 * offered us gives EINVAL from Xen).
 */
struct xpv_evt *xpv_evt_bind(struct xpv_backend *be, uint16_t domid,
			     uint32_t remote_port,
			     bool (*handler)(struct xpv_evt *e), void *arg)
{
	struct xpv_evt *e = calloc(1, sizeof(*e));
	int port;

	if (!e)
		return NULL;
	port = be->t->ops->evt_bind(be->t, domid, remote_port);
	if (port < 0) {
		free(e);
		errno = -port;
		return NULL;
	}
	e->be = be;
	e->domid = domid;
	e->port = port;
	e->handler = handler;
	e->arg = arg;
	/* the frontend may have produced before we bound: look once */
	e->work = true;
	e->next = be->evts;
	be->evts = e;
	return e;
}

void xpv_evt_unbind(struct xpv_evt *e)
{
	if (!e || e->port < 0)
		return;
	e->be->t->ops->evt_unbind(e->be->t, (uint32_t)e->port);
	e->port = -1;
	e->work = false;
}

int xpv_evt_notify(struct xpv_evt *e)
{
	if (e->port < 0)
		return -ENOTCONN;
	return e->be->t->ops->evt_notify(e->be->t, (uint32_t)e->port);
}
