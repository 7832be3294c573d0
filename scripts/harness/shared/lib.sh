# SPDX-License-Identifier: GPL-2.0-only
# Sourced by both dom0's and the guest's lib.sh (busybox sh): what the two
# sides of a scenario must do alike.

# wait_until SECS CMD...: CMD holds within SECS seconds (tried once a second).
wait_until() {
	local t=$1
	shift
	until "$@"; do
		[ "$t" -gt 0 ] || return 1
		sleep 1
		t=$((t - 1))
	done
}

# sha FILE: the sha256 of FILE alone.
sha() { sha256sum "$1" | cut -d' ' -f1; }

# read_only_pattern MIB: the content of a read-only disk (DISKS
# "KIND:MIB:ro"), MIB MiB, which dom0 writes and the guest checks.
read_only_pattern() {
	yes 'xpv read-only disk' | head -c $(($1 * 1048576))
}

# bench METRIC VALUE UNIT: a measurement for make bench (scripts/bench/run.sh).
bench() { echo "XPV-BENCH $1 $2 $3"; }

# tcp_receive PORT FILE / tcp_receive_wait [TIMEOUT]: one inbound TCP
# connection into FILE, in the background. busybox nc quits when its stdin
# ends, so stdin is a FIFO (in XPV_RUN, else /tmp) held open on fd 8 until
# the wait. The wait gives the connection TIMEOUT seconds (120) to close,
# each second's count cut by the side's peer_gone_cap T (T while the peer
# may still send), then kills nc: 1.
tcp_receive() {
	local fifo=${XPV_RUN:-/tmp}/nc-$1.fifo
	mkfifo "$fifo"
	nc -l -p "$1" <"$fifo" >"$2" &
	TCP_RX_PID=$!
	exec 8>"$fifo"
}

tcp_receive_wait() {
	local t=${1:-120} rc=0
	while kill -0 "$TCP_RX_PID" 2>/dev/null && [ "$t" -gt 0 ]; do
		sleep 1
		t=$(($(peer_gone_cap "$t") - 1))
	done
	if kill -0 "$TCP_RX_PID" 2>/dev/null; then
		kill "$TCP_RX_PID"
		rc=1
	fi
	exec 8>&-
	wait "$TCP_RX_PID" 2>/dev/null
	return "$rc"
}
