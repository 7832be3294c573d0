# SPDX-License-Identifier: GPL-2.0-only
# The block bench's I/O, shipped to the guest as /usr/local/lib/blk-bench.sh
# (blk's and blk-front's guest.sh) and to dom0 (blk's dom0.sh, for ROUNDS).
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
