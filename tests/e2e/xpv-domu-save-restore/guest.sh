#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side: a writer of checksummed chunks on xvdb and a paced stream to
# dom0 run in the background across dom0's saves and restores, until dom0
# types "stop" into the console; any other line typed is answered with
# "XPV-VALUE heard LINE" (console input works in each domain). Meanwhile
# CLOCK_MONOTONIC and the uptime are read once a second: neither may go
# back.
. /usr/local/lib/blk-guest.sh
exec 3>&1	# the console, for what must be seen while it happens
exec 4</dev/hvc0	# what dom0 types, held open so no line is missed
STREAM_PORT=5001
CYCLES=10

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
	read -r -t "${1:-120}" line <&4
	echo "$line" | tr -d '\r'
}

# job_ok PID: background job PID exited 0.
job_ok() { wait "$1"; }

mono_ns() { awk '/^now at/ { print $3; exit }' /proc/timer_list; }
uptime_cs() { awk '{ split($1, a, "."); print a[1] a[2] }' /proc/uptime; }

value stream-ready 1
check_eq go go "$(console_line)"	# dom0 listens
writer >/tmp/writer.out 2>&1 &
writer_pid=$!
stream >/tmp/stream.out 2>&1 &
stream_pid=$!
echo "XPV-CHECK writer-started ok"

mono_back=0 uptime_back=0
last_mono=$(mono_ns) last_up=$(uptime_cs)
while :; do
	line=$(console_line 1)
	[ "$line" = stop ] && break
	[ -z "$line" ] || value heard "$line"
	mono=$(mono_ns) up=$(uptime_cs)
	[ "$mono" -ge "$last_mono" ] || mono_back=$((mono_back + 1))
	[ "$up" -ge "$last_up" ] || uptime_back=$((uptime_back + 1))
	last_mono=$mono last_up=$up
done
touch /tmp/stop-load
check_eq monotonic 0 "$mono_back"
check_eq uptime 0 "$uptime_back"
check writer job_ok "$writer_pid"
cat /tmp/writer.out
check stream job_ok "$stream_pid"
cat /tmp/stream.out
value stream-sha "$(sha /tmp/sent)"
# both frontends connected again to each new domain's backends
reconnects() {
	dmesg | grep -E "reconnected xvdb|eth0: connected" | sort | uniq -c
	[ "$(dmesg | grep -c "reconnected xvdb")" -ge $CYCLES ] &&
		[ "$(dmesg | grep -c "eth0: connected")" -gt $CYCLES ]
}
check reconnected reconnects
