# SPDX-License-Identifier: GPL-2.0-only
# The block bench's I/O, shipped to the guest as /usr/local/lib/blk-bench.sh
# (blk's, blk-front's and blk-qemu's guest.sh) and to dom0 (blk's and
# blk-qemu's dom0.sh: ROUNDS, and one disk's round as dom0 plays it).
# Every step is a check (a failed or short I/O fails the run) timed by the
# guest's clock. The disk is written before it is read, so reads find
# data, not holes.

MIB=128
ROUNDS=3	# blk: rounds of ours then upstream in one boot

# rate NAME CMD...: MIB MiB moved by CMD, as MB/s.
rate() {
	local name=$1 start secs
	shift
	start=$(uptime_s)
	check "$name" "$@" || return
	secs=$(seconds_between "$start" "$(uptime_s)")
	bench "$name" "$(awk -v m=$MIB -v s="$secs" 'BEGIN { printf "%.1f", m * 1.048576 / s }')" MB/s
}

# iops NAME DEV MODE: 4 KiB random I/O over the first MIB MiB of DEV.
iops() {
	check "$1" /usr/local/bin/xpv-blkbench "$2" "$3" 4096 3000 $MIB || return
	bench "$1" "$(sed -n 's/.*: \([0-9.]*\) IOPS$/\1/p' "/tmp/check-$1.out")" ops/s
}

# blk_bench DEV [PREFIX]: the four measurements on DEV, each metric's name
# behind PREFIX ("ours:" or "base:" when both sides share a boot).
blk_bench() {
	local dev=$1 p=${2:-}
	rate "${p}seq-write" dd if=/dev/zero of="$dev" bs=1M count=$MIB oflag=direct conv=fsync &&
		rate "${p}seq-read" dd if="$dev" of=/dev/null bs=1M count=$MIB iflag=direct &&
		iops "${p}rand-write-4k" "$dev" randwrite &&
		iops "${p}rand-read-4k" "$dev" randread
}

# Rounds, one disk at a time: dom0 attaches a disk (measure), the guest
# measures it as it arrives (side), says so, and dom0 takes it away before
# the next, so the machine's noise falls on every side alike.

gone() { [ ! -e "$1" ]; }

# side TAG VDEV PREFIX (guest): wait for /dev/VDEV, measure it with its
# metrics named PREFIX..., tell dom0 (XPV-VALUE measured-TAG), wait until
# dom0 has taken it away.
side() {
	check "$1-attached" wait_until 300 test -b "/dev/$2" || return
	blk_bench "/dev/$2" "$3"
	value "measured-$1" 1
	check "$1-detached" wait_until 300 gone "/dev/$2"
}

# measure TAG VDEV SPEC (dom0): attach the xl disk SPEC as VDEV, wait for
# the guest to measure it, say what the two ends agreed (for the side TAG
# begins with), detach it.
measure() {
	xl block-attach "$GUEST_NAME" "$3" &&
		guest_wait "XPV-VALUE measured-$1 " 900 >/dev/null &&
		bench_features "${1%%-*}:" "$2" >&3 &&
		timeout 120 xl block-detach "$GUEST_NAME" "$2"
}
