# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: once the three guests have powered off, qemu-img reads each
# overlay over the shared base; what it reads must be what that guest read
# (its xvda's sha256), each overlay must check clean, the three must
# differ, and the base must be as dom0 wrote it.
. /scenario/base.sh
. /scenario/blk-dom0.sh

BASE=$(disk_image 1 0).base

same() { echo "$1 / $2"; [ "$1" = "$2" ]; }

# qemu_sha I: the sha256 of guest I's disk as qemu-img reads it
qemu_sha() {
	qemu-img convert -f qcow2 -O raw "$(disk_image "$1" 0)" /tmp/flat.raw &&
		sha /tmp/flat.raw && rm -f /tmp/flat.raw
}

all_done() {
	local i
	for i in 1 2 3; do guest_wait_on "$i" 'XPV-GUEST-POWEROFF' 600 >/dev/null || return 1; done
}

check no-kernel-blkback test ! -d /sys/module/xen_blkback
for i in 1 2 3; do eval "sha$i=\$(guest_value_on $i xvda-sha 600)"; done
check guests-done all_done
for i in 1 2 3; do
	check "qemu-img-check-$i" qemu-img check "$(disk_image "$i" 0)"
	eval "want=\$sha$i"
	check "guests-view-$i" same "$(qemu_sha "$i")" "$want"
done
check overlays-differ test "$sha1" != "$sha2" -a "$sha2" != "$sha3" -a "$sha1" != "$sha3"
check base-untouched same "$(sha "$BASE")" "$(base_sha)"
check daemon-alive kill -0 "$(cat "$PIDFILE")"
check no-errors-logged no_errors_logged "$LOG"
sed 's/^/[xpv-blkback] /' "$LOG"
