# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the interleaved net bench: for each NIC dom0 attaches (ours
# then upstream's, ROUNDS times), bring it up with its side's address,
# send ROUND_MIB MiB to dom0, receive as much and time it (dom0 times the
# other way), tell dom0, wait until it took the NIC away.
. /usr/local/lib/net-bench.sh
MIB=$ROUND_MIB

# nic_of MAC: the interface with MAC, if there is one.
nic_of() {
	local n
	for n in /sys/class/net/*; do
		[ "$(cat "$n/address" 2>/dev/null)" = "$1" ] && { basename "$n"; return 0; }
	done
	return 1
}

gone() { ! nic_of "$1" >/dev/null; }

# side ROUND SIDE MAC IP: one NIC's round.
side() {
	local nic
	check "$2-$1-attached" wait_until 300 nic_of "$3" || return
	nic=$(nic_of "$3")
	ip addr add "$4/24" dev "$nic" && ip link set "$nic" up || return
	recv_timed 5001
	check "$2-$1-to-dom0" wait_until 60 send_zeros "$DOM0_IP" 5000 || return
	check "$2-$1-from-dom0" recv_done 5001 600 || return
	bench "$2:tcp-dom0-to-domU" "$(recv_mbits 5001)" Mbit/s
	rm -f "$SCRATCH/recv-5001" "$SCRATCH/recv-5001.fifo"
	value "measured-$2-$1" 1
	check "$2-$1-detached" wait_until 300 gone "$3"
}

value ready 1
for r in $(seq $ROUNDS); do
	side "$r" ours "$OURS_MAC" "$OURS_IP" && side "$r" base "$BASE_MAC" "$BASE_IP" || break
done
