# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the baseline: a filesystem on xvda whose files keep their
# checksums across umount/mount, ping to dom0, TCP both ways with checksums
# (dom0.sh is the other end), and the user-visible CPU state.

net() {
	tcp_receive 5001 /tmp/rx.bin
	value net-ready 1
	check ping-dom0 ping -c 3 -W 5 "$DOM0_IP"
	dd if=/dev/urandom of=/tmp/tx.bin bs=64k count=64 2>/dev/null
	value tx-sha "$(sha /tmp/tx.bin)"
	check tcp-to-dom0 nc -w 10 "$DOM0_IP" 5000 </tmp/tx.bin
	check tcp-from-dom0 tcp_receive_wait 120
	value rx-sha "$(sha /tmp/rx.bin)"
}

disk_roundtrip /dev/xvda
net
# What xpv-domu-boot asks of our kernel, asked of upstream's: faults,
# FPU, FS/GS bases, signals (tests/guest/xpv-cputest.c).
check cpu-state xpv-cputest
