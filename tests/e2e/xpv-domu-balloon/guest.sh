#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The guest's side: mm work checked page by page all along (a page given
# back while in use, or taken back with the wrong frame, shows as wrong
# data or a crash), and after each of dom0's mem-set the balloon's size
# and MemTotal.
kib() { cat "/sys/kernel/xpv_balloon/$1_kib"; }
memtotal() { awk '/^MemTotal:/ { print $2 }' /proc/meminfo; }

# at KIB: the balloon's target and size are both KIB.
at() {
	[ "$(kib target)" -eq "$1" ] && [ "$(kib current)" -eq "$1" ] && return 0
	echo "balloon: target $(kib target) KiB, at $(kib current) KiB; want $1"
	return 1
}

# memtotal_follows: MemTotal is down by exactly what was given back.
memtotal_follows() {
	local want=$((BOOT_TOTAL - (BOOT_KIB - $(kib current))))
	[ "$(memtotal)" -eq "$want" ] && return 0
	echo "MemTotal $(memtotal) KiB, want $want"
	return 1
}

BOOT_KIB=$(kib current)
BOOT_TOTAL=$(memtotal)
echo "balloon at boot: $BOOT_KIB KiB, MemTotal $BOOT_TOTAL KiB"
check balloon-sysfs wait_until 60 at "$BOOT_KIB"

rm -f /tmp/stop-load
bg load-a sh -c '. /xpv/lib.sh; mm_loop 48'
bg load-b sh -c '. /xpv/lib.sh; mm_loop 16'
value balloon-ready "$BOOT_KIB"
for r in 1 2 3 4 5; do
	check "down-$r" wait_until 300 at $((BOOT_KIB / 2)) && value "down-$r" "$(kib current)"
	check "memtotal-down-$r" memtotal_follows
	check "up-$r" wait_until 300 at "$BOOT_KIB" && value "up-$r" "$(kib current)"
	check "memtotal-up-$r" memtotal_follows
done
# dom0 reads Xen's count of our memory after the last "up": stay until then.
console_word balloon-checked
touch /tmp/stop-load
check load-under-balloon bg_wait
for f in /tmp/bg-load-*; do echo "$f: $(tail -n 1 "$f")"; done
