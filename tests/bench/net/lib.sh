# SPDX-License-Identifier: GPL-2.0-only
# The net bench's helpers for both ends (guest.sh and dom0.sh source it):
# a receiver timed from its first byte to its end, and a sender of zeros.
# Scratch files go to $XPV_RUN in dom0, /tmp in the guest.

MIB=64
SCRATCH=${XPV_RUN:-/tmp}
# the interleaved rounds (rounds-*.sh): a NIC per side per round, each
# side's own MAC and address (no ARP entry left from the other side)
ROUNDS=3
ROUND_MIB=32
OURS_MAC=00:16:3e:00:0a:01 OURS_IP=192.0.2.30
BASE_MAC=00:16:3e:00:0a:02 BASE_IP=192.0.2.31

# recv_timed PORT: one inbound connection, discarded; "START END" (uptime
# seconds of its first byte and of its end) in $SCRATCH/recv-PORT once done.
recv_timed() {
	mkfifo "$SCRATCH/recv-$1.fifo"
	nc -l -p "$1" <"$SCRATCH/recv-$1.fifo" | {
		dd bs=1 count=1 of=/dev/null 2>/dev/null
		s=$(cut -d' ' -f1 /proc/uptime)
		cat >/dev/null
		echo "$s $(cut -d' ' -f1 /proc/uptime)" >"$SCRATCH/recv-$1.tmp"
		mv "$SCRATCH/recv-$1.tmp" "$SCRATCH/recv-$1"
	} &
	exec 8>"$SCRATCH/recv-$1.fifo"
}

# recv_done PORT SECS: wait for the receiver to finish.
recv_done() {
	local t=$2
	while [ ! -f "$SCRATCH/recv-$1" ] && [ "$t" -gt 0 ]; do
		sleep 1
		t=$((t - 1))
	done
	exec 8>&-
	[ -f "$SCRATCH/recv-$1" ]
}

# recv_mbits PORT: the receiver's throughput in Mbit/s.
recv_mbits() {
	awk -v m="$MIB" '{ printf "%.1f\n", m * 8.388608 / ($2 - $1) }' "$SCRATCH/recv-$1"
}

send_zeros() { dd if=/dev/zero bs=64k count=$((MIB * 16)) 2>/dev/null | nc "$1" "$2"; }
