# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the guest's /init and a scenario's guest.sh (busybox sh).
# Output goes to hvc0; dom0 reads these lines from the console log:
#   XPV-CHECK <name> ok|fail [detail]   one result (prefixed guest: by dom0)
#   XPV-VALUE <key> <value>             a value dom0.sh waits for
#   XPV-BENCH <metric> <value> <unit>   a number for make bench
# The network: dom0 is $DOM0_IP on xenbr0, the guest $GUEST_IP on eth0.
# With several guests (GUESTS > 1) this one is number $GUEST_INDEX; all of
# them are $GUEST_IPS (guest I is word I). $GUEST_BOOT counts its boots
# (GUEST_BOOTS > 1: dom0 creates it again after each `reboot -f`).

. /xpv/shared.sh

# check NAME CMD...: run CMD and report; its output is shown on failure.
check() {
	local name=$1 out rc=0
	shift
	out=/tmp/check-$name.out
	"$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "XPV-CHECK $name ok"
	else
		sed "s/^/  $name: /" "$out" | tail -n 20
		echo "XPV-CHECK $name fail (exit $rc: $*)"
	fi
	return "$rc"
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		echo "XPV-CHECK $1 ok"
	else
		echo "XPV-CHECK $1 fail (expected '$2', got '$3')"
		return 1
	fi
}

value() { echo "XPV-VALUE $1 $2"; }

# console_word WORD [TIMEOUT]: wait until dom0 types the line WORD into the
# console (dom0's console_type), at most TIMEOUT (300) seconds; other lines
# are dropped. The console stays open (init's output), so a line typed
# before we read waits in the tty. Lets dom0 finish what it reads of this
# domain (xl list, say) before the guest powers off.
console_word() {
	local line
	while read -r -t "${2:-300}" line </dev/hvc0; do
		[ "$line" = "$1" ] && return 0
	done
	echo "xpv: dom0 did not type \"$1\""
	return 1
}

# guest_identity: GUEST_INDEX, GUEST_BOOT and GUEST_IP from the command line
# dom0's runner wrote (xpv.guest=I xpv.boot=B, xpv.ip=ADDR for a domain a
# scenario created itself; else word I of GUEST_IPS).
guest_identity() {
	local w ip=
	GUEST_INDEX=1 GUEST_BOOT=1
	for w in $(cat /proc/cmdline); do
		case $w in
		xpv.guest=*) GUEST_INDEX=${w#*=} ;;
		xpv.boot=*) GUEST_BOOT=${w#*=} ;;
		xpv.ip=*) ip=${w#*=} ;;
		esac
	done
	GUEST_IP=${ip:-$(echo "$GUEST_IPS" | awk -v i="$GUEST_INDEX" '{ print $i }')}
}

# mem_used_kib: memory in use now, MemTotal - MemAvailable, in KiB.
mem_used_kib() {
	awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { print t - a }' /proc/meminfo
}

# small_flows N: N short HTTP fetches of http://$DOM0_IP:8080/small, each
# its own TCP connection, each checked (dom0.sh serves `seq 1 3000` there).
small_flows() {
	local i want got
	want=$(seq 1 3000 | sha256sum | cut -d' ' -f1)
	for i in $(seq 1 "$1"); do
		got=$(wget -q -O - "http://$DOM0_IP:8080/small" | sha256sum | cut -d' ' -f1)
		[ "$got" = "$want" ] || { echo "flow $i: got $got"; return 1; }
	done
	echo "$1 flows, each $want"
}

# uptime_s: seconds since the kernel booted, to 10 ms.
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# seconds_between START END: END - START, both from uptime_s.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'; }

# hypercalls WHAT: with a kernel that counts its hypercalls
# (CONFIG_XPV_HYPERCALL_STATS, e.g. the debug kernel), print those made
# since the last call, headed "hypercalls of WHAT", and start again from
# zero; with any other kernel, nothing. For profiling a bench by hand:
# scenario.sh --set GUEST_KERNEL=$XPV_BUILD/xenU-debug/vmlinux tests/bench/NAME
hypercalls() {
	local f=/sys/kernel/debug/xpv/hypercalls
	[ -e /sys/kernel/debug/xpv ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -w "$f" ] || return 0
	echo "== hypercalls of $1"
	cat "$f"
	echo 0 >"$f"
}

# disk_roundtrip DEV: an ext2 filesystem on DEV whose files keep their
# checksums across umount and mount (checks mkfs, mount, write-files,
# umount, remount, checksums; each sync is a flush for the backend).
# mke2fs gets 4 KiB blocks and few inodes: with busybox's 1 KiB default it
# takes ~20 s under TCG.
disk_roundtrip() {
	check mkfs mke2fs -F -b 4096 -i 65536 "$1" || return
	check mount mount -t ext2 "$1" /mnt || return
	check write-files write_files || return
	sync
	check umount umount /mnt || return
	check remount mount -t ext2 "$1" /mnt || return
	check checksums sha256sum -c /tmp/sums
	umount /mnt
}

write_files() {
	local i
	for i in 1 2 3 4; do
		dd if=/dev/urandom of=/mnt/file$i bs=64k count=$((i * 8)) 2>/dev/null || return 1
	done
	sha256sum /mnt/file* >/tmp/sums
	cat /tmp/sums
}

# bg NAME CMD...: CMD in the background, its output in /tmp/bg-NAME.
BG=
bg() {
	local name=$1
	shift
	"$@" >"/tmp/bg-$name" 2>&1 &
	BG="$BG $name:$!"
}

# bg_wait: every job of bg must have exited 0; the output of those that did not.
bg_wait() {
	local job rc=0
	for job in $BG; do
		wait "${job#*:}" && continue
		rc=1
		echo "${job%%:*} failed:"
		tail -n 5 "/tmp/bg-${job%%:*}"
	done
	BG=
	return "$rc"
}

# mm_loop MIB: xpv-mmtest's mmap and fork checks over MIB MiB, round after
# round until /tmp/stop-load exists; says "N rounds", or the round that
# failed (status 1). A command of its own (for taskset and bg):
# sh -c '. /xpv/lib.sh; mm_loop 2'.
mm_loop() {
	local n=0
	while [ ! -e /tmp/stop-load ]; do
		xpv-mmtest mmap 4 "$1" >/dev/null || { echo "mmap, round $n"; return 1; }
		xpv-mmtest fork 4 "$((($1 + 1) / 2))" >/dev/null || { echo "fork, round $n"; return 1; }
		n=$((n + 1))
	done
	echo "$n rounds"
}

# peer_gone_cap T: for shared.sh's tcp_receive_wait; the guest cannot tell
# that dom0's sender has gone, so it waits the whole time.
peer_gone_cap() { echo "$1"; }
