# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: once the guest has powered off after boot 2, qemu-img judges
# the overlay our daemon wrote: no error and no leak, identical to the
# guest's own copy of what it read (xvdb), zero clusters where the guest
# trimmed (over a base that would otherwise show), and the base unchanged.
. /scenario/base.sh
. /scenario/blk-dom0.sh

OVERLAY=$(disk_image 1 0)
COPY=$(disk_image 1 1)

same() { echo "$1 / $2"; [ "$1" = "$2" ]; }

# a zero cluster of the overlay itself, not the base's (depth 1) bytes
zero_clusters() {
	qemu-img map --output=json "$OVERLAY" |
		grep '"depth": 0, "present": true, "zero": true, "data": false'
}

check no-kernel-blkback test ! -d /sys/module/xen_blkback
sha=$(guest_value xvda-sha 600)
check guest-done guest_wait 'XPV-GUEST-POWEROFF' 120
check qemu-img-check qemu-img check "$OVERLAY"
check qemu-img-compare qemu-img compare -f raw -F qcow2 "$COPY" "$OVERLAY"
check copy-is-guests-view same "$(sha "$COPY")" "$sha"
check zero-clusters zero_clusters
check base-untouched same "$(sha "$OVERLAY.base")" "$(base_sha)"
check daemon-alive kill -0 "$(cat "$PIDFILE")"
check no-errors-logged no_errors_logged "$LOG"
qemu-img info "$OVERLAY"
sed 's/^/[xpv-blkback] /' "$LOG"
