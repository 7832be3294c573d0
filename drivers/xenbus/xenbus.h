/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the parts of drivers/xenbus. */
#ifndef _XPV_XENBUS_INTERNAL_H
#define _XPV_XENBUS_INTERNAL_H

/* Map the grant table and start the free list of references. */
int xpv_gnttab_init(void);
/* Unmap Xen's frames of it around a suspend, map them again after. */
int xpv_gnttab_suspend(void);
int xpv_gnttab_resume(void);

/* The grant table's counters, as attributes of the bus. */
extern const struct attribute_group xpv_gnttab_group;

/* Connect to xenstored; -ENODEV when this domain has no xenstore. */
int xpv_xenstore_init(void);
/*
 * Around a suspend: no request on the ring from suspend to resume; after
 * a resume in a new domain (@new_domain) the store's new event channel,
 * and every watch registered again (each fires once).
 */
void xpv_xs_suspend(void);
void xpv_xs_resume(bool new_domain);

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

/* bus.c: a device's backend and backend-id are usable (KUnit table). */
bool xpv_xenbus_backend_ok(const char *path, unsigned long long id);
size_t xpv_xenbus_device_prefix(const char *path);

/* bus.c: around a suspend (suspend.c) */
void xpv_xenbus_bus_suspend(void);
void xpv_xenbus_bus_resume(bool new_domain);

/*
 * suspend.c: suspend this domain for the toolstack (save, migration).
 * 0: resumed in a new domain; 1: cancelled, the same domain goes on;
 * -errno: not suspended.
 */
int xpv_xenbus_suspend(void);

/*
 * control/ (control.c): what the toolstack asks for in control/shutdown,
 * and the key in control/sysrq (0: none; -EINVAL: not one printable key).
 */
enum xpv_control_req {
	XPV_CONTROL_NONE,		/* empty or missing: nothing asked */
	XPV_CONTROL_POWEROFF,
	XPV_CONTROL_HALT,
	XPV_CONTROL_REBOOT,
	XPV_CONTROL_SUSPEND,
	XPV_CONTROL_UNKNOWN,		/* a word we do not know */
};
enum xpv_control_req xpv_control_parse(const char *val);
int xpv_control_sysrq_key(const char *val);

/*
 * The balloon (balloon.c): memory/target in pages, and that target within
 * what the domain can be (never below a floor, never past its boot size).
 */
int xpv_balloon_parse_target(const char *val, unsigned long *pages);
unsigned long xpv_balloon_clamp(unsigned long pages, unsigned long boot_pages);

#endif /* _XPV_XENBUS_INTERNAL_H */
