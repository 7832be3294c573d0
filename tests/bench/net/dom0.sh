# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: receive the guest's 64 MiB and time it from its first byte to
# its end, then send as much the other way (the guest times that).

MIB=64
uptime_s() { cut -d' ' -f1 /proc/uptime; }

recv_timed() {
	mkfifo "$XPV_RUN/recv-$1.fifo"
	nc -l -p "$1" <"$XPV_RUN/recv-$1.fifo" | {
		dd bs=1 count=1 of=/dev/null 2>/dev/null
		s=$(uptime_s)
		cat >/dev/null
		echo "$s $(uptime_s)" >"$XPV_RUN/recv-$1.tmp"
		mv "$XPV_RUN/recv-$1.tmp" "$XPV_RUN/recv-$1"
	} &
	exec 8>"$XPV_RUN/recv-$1.fifo"
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

recv_timed 5000
guest_wait 'XPV-VALUE net-ready' 300 >/dev/null || exit 1
check tcp-from-guest wait_file "$XPV_RUN/recv-5000" 300
exec 8>&-
set -- $(cat "$XPV_RUN/recv-5000")
bench tcp-domU-to-dom0 "$(mbits "$1" "$2")" Mbit/s
check tcp-to-guest send_zeros "$GUEST_IP" 5001
