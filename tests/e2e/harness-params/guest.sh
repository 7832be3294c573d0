# SPDX-License-Identifier: GPL-2.0-only
# The guest side of harness-params: each setting is visible from inside.

mem_in_range() {
	local kb
	kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	echo "MemTotal ${kb} kB"
	[ "$kb" -gt $((128 * 1024)) ] && [ "$kb" -le $((192 * 1024)) ]
}

disk_sizes() {
	# 512-byte sectors: 16 MiB and 8 MiB.
	[ "$(cat /sys/block/xvda/size)" = 32768 ] &&
		[ "$(cat /sys/block/xvdb/size)" = 16384 ]
}

check cmdline grep -qw 'xpv.test=42' /proc/cmdline
check memory mem_in_range
check_eq vcpus 2 "$(nproc)"
check_eq guest-file "hello from a guest file" "$(hello)"
check disk-sizes disk_sizes
check nics test -d /sys/class/net/eth1

# Stay up until dom0 has looked at the running domain (xl list), or it races
# with the poweroff.
tcp_receive 5001 /tmp/go
value hold 1
check released tcp_receive_wait 120
