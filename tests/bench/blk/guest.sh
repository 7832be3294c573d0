# SPDX-License-Identifier: GPL-2.0-only
# The same I/O whichever backend serves xvda; every step is a check (a
# failed or short I/O fails the run) timed by the guest's clock. The disk
# is written before it is read, so reads find data, not holes.

MIB=128

# rate NAME CMD...: MIB MiB moved by CMD, as MB/s.
rate() {
	local name=$1 start secs
	shift
	start=$(uptime_s)
	check "$name" "$@" || return
	secs=$(seconds_between "$start" "$(uptime_s)")
	bench "$name" "$(awk -v m=$MIB -v s="$secs" 'BEGIN { printf "%.1f", m * 1.048576 / s }')" MB/s
}

# iops NAME MODE: 4 KiB random I/O over the first MIB MiB.
iops() {
	check "$1" /usr/local/bin/xpv-blkbench /dev/xvda "$2" 4096 3000 $MIB || return
	bench "$1" "$(sed -n 's/.*: \([0-9.]*\) IOPS$/\1/p' "/tmp/check-$1.out")" ops/s
}

rate seq-write dd if=/dev/zero of=/dev/xvda bs=1M count=$MIB oflag=direct conv=fsync
rate seq-read dd if=/dev/xvda of=/dev/null bs=1M count=$MIB iflag=direct
iops rand-write-4k randwrite
iops rand-read-4k randread
