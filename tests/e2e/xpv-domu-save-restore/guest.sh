#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of xpv-domu-save-restore and xpv-domu-migrate: a writer of
# checksummed chunks on xvdb, a paced stream to dom0 and a clock watcher
# run in the background while dom0 moves the domain (xl save/restore or
# xl migrate), until dom0 types "stop N" into the console, N being how many
# new domains the guest was moved into; "spin SECS" keeps every CPU busy
# for SECS seconds (dom0 pauses the domain meanwhile); any other line typed
# is answered with "XPV-VALUE heard LINE" (console input works in each
# domain).
# CLOCK_MONOTONIC and the uptime are read once a second: neither may go
# back; steal time (/proc/stat) may not go back either (a steal clock that
# starts again from zero in a new domain makes the kernel add a negative
# amount) nor grow by more than the uptime did on each CPU, and must grow
# by most of the pause: a vCPU paused while it runs is offline, which is
# steal time. eth0's carrier never changes: a move is not a link change.
. /usr/local/lib/blk-guest.sh
exec 3>&1	# the console, for what must be seen while it happens
exec 4</dev/hvc0	# what dom0 types, held open so no line is missed
STREAM_PORT=5001

# writer: chunk after chunk, a second apart, until /tmp/stop-load (at most
# 1024: 64 MiB).
writer() {
	local i=0
	while [ ! -e /tmp/stop-load ] && [ $i -lt 1024 ]; do
		i=$((i + 1))
		write_chunk $i || return 1
		sleep 1
	done
	echo "$i chunks"
}

# stream: 16 KiB of random data a second to dom0 until /tmp/stop-load; a
# copy of what was sent in /tmp/sent.
stream() {
	while [ ! -e /tmp/stop-load ]; do
		head -c 16384 /dev/urandom
		sleep 1
	done | tee /tmp/sent | nc "$DOM0_IP" "$STREAM_PORT"
}

# console_line: the next line dom0 types (120 s at most).
console_line() {
	local line=''
	read -r -t 120 line <&4
	echo "$line" | tr -d '\r'
}

# job_ok PID: background job PID exited 0.
job_ok() { wait "$1"; }

mono_ns() { awk '/^now at/ { print $3; exit }' /proc/timer_list; }
uptime_cs() { awk '{ split($1, a, "."); print a[1] a[2] }' /proc/uptime; }
# all CPUs' steal time in USER_HZ (100) ticks, the same unit as uptime_cs
steal_ticks() { awk '/^cpu / { print $9; exit }' /proc/stat; }

cpus() { grep -c '^cpu[0-9]' /proc/stat; }

# spin SECS: every CPU busy for SECS seconds; the steal time meanwhile
# (ticks) into /tmp/spin-steal.
spin() {
	local end i st
	st=$(steal_ticks)
	end=$(($(uptime_cs) + $1 * 100))
	for i in $(seq "$(cpus)"); do
		while [ "$(uptime_cs)" -lt "$end" ]; do :; done &
	done
	wait
	echo $(($(steal_ticks) - st)) >/tmp/spin-steal
}

# clock: CLOCK_MONOTONIC, the uptime and steal time read once a second
# until /tmp/stop-load; prints how often each went wrong, and the steal
# time in all: "MONOTONIC UPTIME STEAL STEAL_TICKS". Steal time is read
# between two uptimes, so a pause between two reads cannot make it look
# faster than the clock.
clock() {
	local mono_back=0 uptime_back=0 steal_bad=0 mono up up0 st
	local last_mono last_up last_up0 last_st first_st cpus
	cpus=$(cpus)
	last_mono=$(mono_ns) last_up0=$(uptime_cs) last_st=$(steal_ticks) last_up=$(uptime_cs)
	first_st=$last_st
	while [ ! -e /tmp/stop-load ]; do
		sleep 1
		mono=$(mono_ns) up0=$(uptime_cs) st=$(steal_ticks) up=$(uptime_cs)
		[ "$mono" -ge "$last_mono" ] || mono_back=$((mono_back + 1))
		[ "$up0" -ge "$last_up" ] || uptime_back=$((uptime_back + 1))
		[ "$st" -ge "$last_st" ] &&
			[ $((st - last_st)) -le $(((up - last_up0 + 1) * cpus)) ] || {
			echo "steal time went from $last_st to $st ticks in $((up - last_up0)) cs" >&2
			steal_bad=$((steal_bad + 1))
		}
		last_mono=$mono last_up0=$up0 last_st=$st last_up=$up
	done
	echo "$mono_back $uptime_back $steal_bad $((last_st - first_st))"
}

# a second address, for dom0 to see the guest announce itself after a move
ANNOUNCE_IP=192.0.2.250
ip addr add "$ANNOUNCE_IP/24" dev eth0
value announce-ip "$ANNOUNCE_IP"
value mac "$(cat /sys/class/net/eth0/address)"
value stream-ready 1
# A move changes eth0's backend, not its link: the carrier stays on (turned
# off, linkwatch would empty the ARP table).
carrier_changes=$(cat /sys/class/net/eth0/carrier_changes)
check_eq go go "$(console_line)"	# dom0 listens
writer >/tmp/writer.out 2>&1 &
writer_pid=$!
stream >/tmp/stream.out 2>&1 &
stream_pid=$!
echo "XPV-CHECK writer-started ok"

clock >/tmp/clock.out &
clock_pid=$!

# Whole lines, no timeout: busybox's read -t drops what it has read of a
# line when its time runs out (it once turned "stop" into "top"). The
# run's timeout bounds the wait.
while read -r line <&4; do
	line=$(echo "$line" | tr -d '\r')
	case $line in
	stop\ *) break ;;
	spin\ [0-9]*) spin "${line#spin }" & value heard "$line" ;;
	?*) value heard "$line" ;;
	esac
done
moves=${line#stop }
touch /tmp/stop-load
wait "$clock_pid"
read -r mono_back uptime_back steal_bad steal_ticks </tmp/clock.out
check_eq monotonic 0 "$mono_back"
check_eq uptime 0 "$uptime_back"
check_eq steal 0 "$steal_bad"
check_eq carrier-kept "$carrier_changes" "$(cat /sys/class/net/eth0/carrier_changes)"
# dom0 paused the domain 12 s while both vCPUs spun: at least 10 s of it
echo "steal time: $steal_ticks ticks, $(cat /tmp/spin-steal) while spinning"
check steal-paused test "$(cat /tmp/spin-steal)" -ge 1000
check writer job_ok "$writer_pid"
cat /tmp/writer.out
check stream job_ok "$stream_pid"
cat /tmp/stream.out
value stream-sha "$(sha /tmp/sent)"
# reconnects N: both frontends connected again to each of N new domains'
# backends (eth0 once more: its first connection).
reconnects() {
	dmesg | grep -E "reconnected xvdb|eth0: connected" | sort | uniq -c
	[ "$(dmesg | grep -c "reconnected xvdb")" -ge "$1" ] &&
		[ "$(dmesg | grep -c "eth0: connected")" -gt "$1" ]
}
check reconnected reconnects "$moves"
