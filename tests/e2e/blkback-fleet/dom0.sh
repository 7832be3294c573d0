# SPDX-License-Identifier: GPL-2.0-only
# dom0 side. Once guest 1 says it is writing, `xpv-img snapshot` freezes
# its overlay and moves it onto a new one, and dom0 types "snapped" into
# its console: the guest writes 1 MiB more, then stops (guest.sh). Once
# the three guests have powered off, qemu-img reads each disk over the
# shared base; what it reads must be what that guest read (its xvda's
# sha256), each image must check clean (guest 1's frozen one and its new
# one too), the three must differ, and the base must be as dom0 wrote it.
# Guest 1's frozen image: unchanged since the snapshot, its first 4 MiB
# what the guest flushed before saying "writing", then a prefix of the
# blocks written after (the 16 acknowledged before "writing" at least,
# none of those written after "snapped"), then the base.
. /scenario/base.sh
. /scenario/blk-dom0.sh

BASE=$(disk_image 1 0).base
FROZEN=$(disk_image 1 0)
NEW=/var/lib/xpv/disk0-after-snapshot.qcow2
MIB=1048576

same() { echo "$1 / $2"; [ "$1" = "$2" ]; }

# flat IMAGE OUT: IMAGE's disk, read by qemu-img over its chain, as raw OUT.
flat() { qemu-img convert -f qcow2 -O raw "$1" "$2"; }

# qemu_sha I: the sha256 of guest I's disk as qemu-img reads it
qemu_sha() {
	local image
	image=$(disk_image "$1" 0)
	[ "$1" -ne 1 ] || image=$NEW
	flat "$image" /tmp/flat.raw && sha /tmp/flat.raw && rm -f /tmp/flat.raw
}

all_done() {
	local i
	for i in 1 2 3; do guest_wait_on "$i" 'XPV-GUEST-POWEROFF' 600 >/dev/null || return 1; done
}

# take_snapshot: guest 1's disk frozen, the daemon serving it from NEW.
take_snapshot() {
	guest_value_on 1 writing 600 >/dev/null &&
		/usr/local/sbin/xpv-img snapshot "$(guest_name 1)" xvda "$NEW" 60 &&
		same "$(xenstore-read "/local/domain/0/backend/vbd/$(xl domid "$(guest_name 1)")/51712/xpv-image")" \
			"qcow2:$NEW"
}

# tail_sha FILE OFFSET: the sha256 of FILE from byte OFFSET on.
tail_sha() { tail -c +$(($2 + 1)) "$1" | sha256sum | cut -d' ' -f1; }

# frozen_prefix WRITTEN: the frozen disk is the final one up to a 4 KiB
# block past 4 MiB, and the base from that block on. Of guest 1's WRITTEN
# 16 KiB writes from 4 MiB on, the 16 before "writing" came before the
# snapshot, the last 63 after it (the 64th may have been under way).
frozen_prefix() {
	local d cut lo=$((4 * MIB + 16 * 16384)) hi=$((4 * MIB + ($1 - 63) * 16384))
	flat "$FROZEN" /tmp/frozen.raw && flat "$NEW" /tmp/new.raw || return 1
	d=$(cmp /tmp/frozen.raw /tmp/new.raw | sed -n 's/.*differ: [a-z]* \([0-9]*\).*/\1/p')
	rm -f /tmp/new.raw
	[ -n "$d" ] || { echo "no difference: the snapshot came after the writes"; return 1; }
	cut=$(((d - 1) / 4096 * 4096))
	echo "first difference at byte $d: $(((cut - 4 * MIB) / 4096)) of $(($1 * 4)) blocks frozen"
	[ "$cut" -ge "$lo" ] && [ "$cut" -le "$hi" ] &&
		same "$(tail_sha /tmp/frozen.raw "$cut")" "$(tail_sha "$BASE" "$cut")"
}

frozen_phase_a() {
	same "$(head -c $((4 * MIB)) /tmp/frozen.raw | sha256sum | cut -d' ' -f1)" "$1"
}

check no-kernel-blkback test ! -d /sys/module/xen_blkback
check snapshot-taken take_snapshot
frozen_sha=$(sha "$FROZEN")
console_type snapped >/dev/null	# even after a failure: the guest ends sooner
for i in 1 2 3; do eval "sha$i=\$(guest_value_on $i xvda-sha 600)"; done
phase_a=$(guest_value_on 1 phase-a-sha 10)
written=$(guest_value_on 1 written-blocks 10)
check guests-done all_done
for i in 1 2 3; do
	check "qemu-img-check-$i" qemu-img check "$(disk_image "$i" 0)"
	eval "want=\$sha$i"
	check "guests-view-$i" same "$(qemu_sha "$i")" "$want"
done
check qemu-img-check-new qemu-img check "$NEW"
check frozen-unchanged same "$(sha "$FROZEN")" "$frozen_sha"
check frozen-mid-write frozen_prefix "${written:-0}"
sed 's/^/[frozen] /' "$XPV_RUN/check-frozen-mid-write.out"
check frozen-phase-a frozen_phase_a "$phase_a"
rm -f /tmp/frozen.raw
check overlays-differ test "$sha1" != "$sha2" -a "$sha2" != "$sha3" -a "$sha1" != "$sha3"
check base-untouched same "$(sha "$BASE")" "$(base_sha)"
check daemon-alive kill -0 "$(cat "$PIDFILE")"
check no-errors-logged no_errors_logged "$LOG"
sed 's/^/[xpv-blkback] /' "$LOG"
