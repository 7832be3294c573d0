# SPDX-License-Identifier: GPL-2.0-only
# Each guest: ping the other, send it 2.6 MB it can check (seq output),
# receive as much from it and check it.

stream() { seq 1 400000; }

other_ip() { echo "$GUEST_IPS" | awk -v i="$1" '{ print $i }'; }

# send_to J: retry until guest J listens (it may boot later than we do).
send_to() {
	local t=120
	while [ "$t" -gt 0 ]; do
		stream | nc -w 10 "$(other_ip "$1")" $((5100 + GUEST_INDEX)) && return 0
		sleep 1
		t=$((t - 1))
	done
	return 1
}

ping_other() {
	local t=60
	while [ "$t" -gt 0 ]; do
		ping -c 3 -W 5 "$(other_ip "$1")" && return 0
		t=$((t - 5))
	done
	return 1
}

want=$(stream | sha256sum | cut -d' ' -f1)
for j in $(seq "$GUESTS"); do
	[ "$j" -ne "$GUEST_INDEX" ] || continue
	tcp_receive $((5100 + j)) "/tmp/from-$j"
	check "ping-$j" ping_other "$j"
	check "sent-to-$j" send_to "$j"
	check "heard-from-$j" tcp_receive_wait 300
	check_eq "data-from-$j" "$want" "$(sha "/tmp/from-$j")"
done
