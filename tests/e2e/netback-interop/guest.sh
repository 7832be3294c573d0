# SPDX-License-Identifier: GPL-2.0-only
# Guest side: Debian's netfront against xpv-netback. Pings of every size
# (1472 bytes fills the MTU, 8000 goes as IP fragments), 64 MiB of TCP
# each way with checksums (bulk TCP goes as GSO both ways), then 50 short
# HTTP fetches from dom0, each its own TCP connection.

tcp_receive 5001 /tmp/rx.bin
value net-ready 1
check ping-dom0 ping -c 3 -W 5 "$DOM0_IP"
check ping-dom0-mtu ping -c 3 -W 5 -s 1472 "$DOM0_IP"
check ping-dom0-frag ping -c 3 -W 5 -s 8000 "$DOM0_IP"
dd if=/dev/urandom of=/tmp/tx.bin bs=1M count=64 2>/dev/null
value tx-sha "$(sha /tmp/tx.bin)"
check tcp-to-dom0 nc -w 30 "$DOM0_IP" 5000 </tmp/tx.bin
rm -f /tmp/tx.bin
check tcp-from-dom0 tcp_receive_wait 600
value rx-sha "$(sha /tmp/rx.bin)"
rm -f /tmp/rx.bin
check small-flows small_flows 50
