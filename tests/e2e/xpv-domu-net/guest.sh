# SPDX-License-Identifier: GPL-2.0-only
# Guest side of our netfront, on either backend (xpv-domu-net and
# xpv-domu-net-kernel): two queues with split event channels; pings of every size
# (1472 bytes fills the MTU, 8000 goes as IP fragments); 64 MiB of TCP
# each way with checksums, GSO to dom0 seen as more TCP segments sent than
# packets (an skb of several segments is one packet to the driver; GSO
# from dom0 is counted by xpv-netback, in dom0.sh); 50 short HTTP
# fetches from dom0; then MTU 9000: pings of 8972 bytes that need no IP
# fragments either way, and 8 MiB of TCP each way; last the link down and
# up again at MTU 1500.
#
# First of all, dom0 detaches the vif while TCP streams run both ways and
# attaches a new one: the old eth0 goes, the grant table and netfront hold
# nothing then (/sys/bus/xpv-xenbus/grants_in_use, grants_deferred,
# drivers/xpv-netfront/pages), and everything above runs on the new eth0,
# which at the end, idle again, holds as many grants as the first did.

counter() { cat "/sys/class/net/eth0/statistics/$1"; }

# snmp_counter PROTO NAME: a counter of /proc/net/snmp (Ip, Tcp...) by name
snmp_counter() {
	awk -v p="$1:" -v k="$2" '$1 == p { if (!n) { for (i = 1; i <= NF; i++) if ($i == k) c = i; n = 1 }
		else print $c }' /proc/net/snmp
}
ip_counter() { snmp_counter Ip "$1"; }

# gt NEW OLD WHAT: NEW > OLD, said with both numbers
gt() { echo "$3: $1, packets $2"; [ "$1" -gt "$2" ]; }

# 8972-byte pings answered without IP fragments: dom0 raised its MTU too
ping_9000() {
	local t=60 reasm
	while [ "$t" -gt 0 ]; do
		reasm=$(ip_counter ReasmReqds)
		ping -c 3 -W 5 -s 8972 "$DOM0_IP" >/dev/null &&
			[ "$(ip_counter ReasmReqds)" = "$reasm" ] && return 0
		sleep 1
		t=$((t - 1))
	done
	return 1
}

XB=/sys/bus/xpv-xenbus

# held GRANTS DEFERRED PAGES: the counters are these, said either way
held() {
	local g d p
	g=$(cat $XB/grants_in_use) d=$(cat $XB/grants_deferred)
	p=$(cat $XB/drivers/xpv-netfront/pages)
	echo "grants in use $g, deferred $d; netfront pages $p"
	[ "$g" = "$1" ] && [ "$d" = "$2" ] && { [ -z "$3" ] || [ "$p" = "$3" ]; }
}

carrier() { [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ]; }

# grown RX TX: eth0 received and sent 1 MiB each since its byte counters were RX, TX
grown() {
	[ $(($(counter rx_bytes) - $1)) -gt 1048576 ] &&
		[ $(($(counter tx_bytes) - $2)) -gt 1048576 ]
}

# no_ifindex N: no network device has ifindex N (any more)
no_ifindex() { ! grep -qx "$1" /sys/class/net/*/ifindex; }

# Detached under load: dom0 streams to us while we stream to it (one
# connection, zeros both ways) and detaches once both directions moved.
replug() {
	local old rx tx pid
	old=$(cat /sys/class/net/eth0/ifindex)
	rx=$(counter rx_bytes) tx=$(counter tx_bytes)
	nc -l -p 5004 </dev/zero >/dev/null &
	pid=$!
	value replug-listening 1
	check stream-both-ways wait_until 120 grown "$rx" "$tx"
	value streaming 1
	check old-eth0-gone wait_until 120 no_ifindex "$old"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	check nothing-held wait_until 30 held 0 0 0
	held 0 0 0
	value detached 1
	check eth0-again wait_until 120 test -d /sys/class/net/eth0
	check net-up-again net_up
	check carrier-again wait_until 60 carrier
	check new-eth0 test "$(cat /sys/class/net/eth0/ifindex)" != "$old"
}

# idle_grants: grants in use with nothing in flight (the least of 3 looks
# a second apart: a packet sent meanwhile holds one until answered)
idle_grants() {
	local i
	for i in 1 2 3; do
		sleep 1
		cat $XB/grants_in_use
	done | sort -n | head -n 1
}

idle=$(idle_grants)
value idle-grants "$idle"
check_eq first-queues 2 "$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)"
replug
tcp_receive 5001 /tmp/rx.bin
# two queues (netfront.max_queues=2), each with a TX and an RX channel
check_eq queues 2 "$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)"
check_eq split-channels 4 "$(grep -c 'eth0-q[01]-[rt]x' /proc/interrupts)"
value net-ready 1
check ping-dom0 ping -c 3 -W 5 "$DOM0_IP"
check ping-dom0-mtu ping -c 3 -W 5 -s 1472 "$DOM0_IP"
check ping-dom0-frag ping -c 3 -W 5 -s 8000 "$DOM0_IP"
dd if=/dev/urandom of=/tmp/tx.bin bs=1M count=64 2>/dev/null
value tx-sha "$(sha /tmp/tx.bin)"
segs=$(snmp_counter Tcp OutSegs) p=$(counter tx_packets)
check tcp-to-dom0 nc -w 30 "$DOM0_IP" 5000 </tmp/tx.bin
check gso-to-dom0 gt $(($(snmp_counter Tcp OutSegs) - segs)) \
	$(($(counter tx_packets) - p)) "TCP segments sent"
rm -f /tmp/tx.bin
check tcp-from-dom0 tcp_receive_wait 600
value rx-sha "$(sha /tmp/rx.bin)"
rm -f /tmp/rx.bin
check small-flows small_flows 50

tcp_receive 5003 /tmp/rx.bin
check mtu-9000 ip link set eth0 mtu 9000
value mtu 9000
check ping-dom0-9000 ping_9000
dd if=/dev/urandom of=/tmp/tx.bin bs=1M count=8 2>/dev/null
value tx9000-sha "$(sha /tmp/tx.bin)"
check tcp-to-dom0-9000 nc -w 30 "$DOM0_IP" 5002 </tmp/tx.bin
rm -f /tmp/tx.bin
check tcp-from-dom0-9000 tcp_receive_wait 600
value rx9000-sha "$(sha /tmp/rx.bin)"
rm -f /tmp/rx.bin
grep eth0 /proc/interrupts

# down and up again, back to MTU 1500: the link comes back and carries
link_cycle() {
	ip link set eth0 down && ip link set eth0 mtu 1500 && ip link set eth0 up &&
		[ "$(cat /sys/class/net/eth0/carrier)" = 1 ] &&
		ping -c 3 -W 5 -s 1472 "$DOM0_IP"
}
check link-down-up link_cycle
check grants-as-first wait_until 30 held "$idle" 0
check net-done true
