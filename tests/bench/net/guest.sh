# SPDX-License-Identifier: GPL-2.0-only
# Guest side: send 64 MiB of zeros to dom0, then receive as much and time
# it from its first byte to its end (dom0.sh times the other direction).

MIB=64

# recv_timed PORT: one inbound connection, discarded; "START END" (uptime
# seconds of its first byte and of its end) in /tmp/recv-PORT once done.
recv_timed() {
	mkfifo "/tmp/recv-$1.fifo"
	nc -l -p "$1" <"/tmp/recv-$1.fifo" | {
		dd bs=1 count=1 of=/dev/null 2>/dev/null
		s=$(uptime_s)
		cat >/dev/null
		echo "$s $(uptime_s)" >"/tmp/recv-$1.tmp"
		mv "/tmp/recv-$1.tmp" "/tmp/recv-$1"
	} &
	exec 8>"/tmp/recv-$1.fifo"
}

wait_file() {
	local t=$2
	while [ ! -f "$1" ] && [ "$t" -gt 0 ]; do
		sleep 1
		t=$((t - 1))
	done
	[ -f "$1" ]
}

send_zeros() { dd if=/dev/zero bs=64k count=$((MIB * 16)) 2>/dev/null | nc "$1" "$2"; }

mbits() { awk -v a="$1" -v b="$2" -v m="$MIB" 'BEGIN { printf "%.1f\n", m * 8.388608 / (b - a) }'; }

recv_timed 5001
value net-ready 1
check tcp-to-dom0 send_zeros "$DOM0_IP" 5000
check tcp-from-dom0 wait_file /tmp/recv-5001 300
exec 8>&-
set -- $(cat /tmp/recv-5001)
bench tcp-dom0-to-domU "$(mbits "$1" "$2")" Mbit/s
