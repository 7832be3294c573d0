# SPDX-License-Identifier: GPL-2.0-only
# Guest side of the baseline: a filesystem on xvda whose files keep their
# checksums across umount/mount, ping to dom0, TCP both ways with checksums
# (dom0.sh is the other end). mke2fs gets 4 KiB blocks and few inodes: with
# busybox's 1 KiB default it takes ~20 s under TCG.

write_files() {
	local i
	for i in 1 2 3 4; do
		dd if=/dev/urandom of=/mnt/file$i bs=64k count=$((i * 8)) 2>/dev/null || return 1
	done
	sha256sum /mnt/file* >/tmp/sums
	cat /tmp/sums
}

disk() {
	check mkfs mke2fs -F -b 4096 -i 65536 /dev/xvda || return
	check mount mount -t ext2 /dev/xvda /mnt || return
	check write-files write_files || return
	sync
	check umount umount /mnt || return
	check remount mount -t ext2 /dev/xvda /mnt || return
	check checksums sha256sum -c /tmp/sums
	umount /mnt
}

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

disk
net
