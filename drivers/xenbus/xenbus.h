/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the parts of drivers/xenbus. */
#ifndef _XPV_XENBUS_INTERNAL_H
#define _XPV_XENBUS_INTERNAL_H

/* Map the grant table and start the free list of references. */
int xpv_gnttab_init(void);

/* The grant table's counters, as attributes of the bus. */
extern const struct attribute_group xpv_gnttab_group;

/* Connect to xenstored; -ENODEV when this domain has no xenstore. */
int xpv_xenstore_init(void);

/*
 * The watch-event queue (see xenstore.c): bounded, without duplicates;
 * after a drop every watch fires once with its own path. Visible here for
 * the KUnit suite, which floods it.
 */
#define XPV_XS_EVENTS_MAX	256
void xpv_xs_queue_event(const char *path, const char *token, bool resync);
unsigned int xpv_xs_nr_queued_events(void);
unsigned long xpv_xs_nr_dropped_events(void);

/*
 * KUnit only: the reply to the next request this task makes is treated as
 * if copying it had failed (the caller must get -ENOMEM).
 */
extern struct task_struct *xpv_xs_test_nomem_task;

#endif /* _XPV_XENBUS_INTERNAL_H */
