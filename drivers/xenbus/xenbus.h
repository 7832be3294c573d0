/* SPDX-License-Identifier: GPL-2.0-only */
/* Between the parts of drivers/xenbus. */
#ifndef _XPV_XENBUS_INTERNAL_H
#define _XPV_XENBUS_INTERNAL_H

/* Map the grant table and start the free list of references. */
int xpv_gnttab_init(void);

/* Connect to xenstored; -ENODEV when this domain has no xenstore. */
int xpv_xenstore_init(void);

#endif /* _XPV_XENBUS_INTERNAL_H */
