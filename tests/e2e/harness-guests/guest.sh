# SPDX-License-Identifier: GPL-2.0-only
# Each guest: who it is, its own MAC, a mark on its own disk; in boot 1 a
# message to every other guest and one from each (ports 5100 + sender);
# in boot 2 the mark of boot 1 is still on the disk.

identity() {
	echo "guest $GUEST_INDEX of $GUESTS, boot $GUEST_BOOT, $GUEST_IP of $GUEST_IPS"
	[ "$(hostname)" = "$(if [ "$GUEST_INDEX" -eq 1 ]; then echo guest; else echo "guest$GUEST_INDEX"; fi)" ] &&
		[ "$GUEST_IP" = "192.0.2.$((GUEST_INDEX + 1))" ] &&
		ip -4 addr show eth0 | grep -q "inet $GUEST_IP/24"
}

# send_to J: retry until guest J listens (it may boot later than we do).
send_to() {
	local ip t=90
	ip=$(echo "$GUEST_IPS" | awk -v i="$1" '{ print $i }')
	while [ "$t" -gt 0 ]; do
		echo "hello from $GUEST_INDEX" | nc -w 5 "$ip" $((5100 + GUEST_INDEX)) && return 0
		sleep 1
		t=$((t - 1))
	done
	return 1
}

mark() { echo "guest $GUEST_INDEX was here" | dd of=/dev/xvda conv=fsync 2>/dev/null; }

talk() {
	local j
	for j in $(seq "$GUESTS"); do
		[ "$j" -ne "$GUEST_INDEX" ] || continue
		tcp_receive $((5100 + j)) "/tmp/from-$j"
		check "sent-to-$j" send_to "$j"
		check "heard-from-$j" tcp_receive_wait 120
		check_eq "said-$j" "hello from $j" "$(cat "/tmp/from-$j")"
	done
}

check identity identity
check_eq mac "00:16:3e:00:0$((GUEST_INDEX - 1)):02" "$(cat /sys/class/net/eth0/address)"
if [ "$GUEST_BOOT" -eq 1 ]; then
	check mark-disk mark
	talk
else
	check_eq disk-kept "guest $GUEST_INDEX was here" "$(head -c 17 /dev/xvda)"
fi
