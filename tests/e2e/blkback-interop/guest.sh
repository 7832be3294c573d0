# SPDX-License-Identifier: GPL-2.0-only
# Guest side: a filesystem on xvda, served by xpv-blkback, whose files keep
# their checksums across umount and mount (each sync is a flush request).

write_files() {
	local i
	for i in 1 2 3 4; do
		dd if=/dev/urandom of=/mnt/file$i bs=64k count=$((i * 8)) 2>/dev/null || return 1
	done
	sha256sum /mnt/file* >/tmp/sums
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

disk
