/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xpv-hostile: a backend that misbehaves on purpose, to test our
 * frontends (blkfront, netfront) against the backend they must not trust.
 * Test-only: built with the daemons, never installed.
 *
 * It serves one device type on libxpvback, like the daemons, and plays
 * one script per device, named by a node the toolstack writes from the xl
 * device line: the file name of a disk's "params" (target=/run/xpv/hostile/
 * bad-id serves script "bad-id"), a vif's "vifname". A script misbehaves
 * in one way only, so a frontend that survives it survived that one thing.
 *
 * vbd: xpv-blkback itself (blkback/), with the request handler of every
 * queue replaced by one that answers through the script; "good" is
 * xpv-blkback unchanged, the control that shows the other scripts fail for
 * their own reason.
 * vif: rings and event channel only, no packets anywhere: TX requests are
 * answered (or not) by the script, RX buffers are filled by it.
 */
#ifndef XPV_HOSTILE_H
#define XPV_HOSTILE_H

#include <stdbool.h>
#include <stdint.h>

#include <xpv/ring.h>
#include <xpvback/backend.h>

/* What a script writes into a page it keeps mapped, for the guest to look for. */
#define HOSTILE_STALE	"XPV-STALE-DATA"
/* Events a storm sends; how far a lying rsp_prod runs ahead. */
#define HOSTILE_STORM_EVENTS	20000u
#define HOSTILE_LIE		64u

int hostile_script(struct xpv_bdev *d, const char *node,
		   const char *const names[], unsigned int n);
void *hostile_produce(struct xpv_ring *r);
void hostile_lie(struct xpv_ring *r);
void hostile_storm(struct xpv_evt *e);
void *hostile_keep_mapped(struct xpv_bdev *d, uint32_t ref);
void hostile_flap(struct xpv_bdev *d);

extern const struct xpv_bdev_ops hostile_vbd_ops;
extern const struct xpv_bdev_ops hostile_vif_ops;

#endif /* XPV_HOSTILE_H */
