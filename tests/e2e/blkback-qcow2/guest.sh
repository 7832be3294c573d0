# SPDX-License-Identifier: GPL-2.0-only
# Guest side: xvda is a qcow2 overlay of a raw base holding a pattern,
# xvdb a raw disk. Boot 1 reads the base through the overlay, then builds
# a filesystem with checksummed files and trims a removed 8 MiB file.
# Boot 2 checks the files, copies xvda whole onto xvdb for dom0 to compare
# with the overlay, and says the sha256 it read.
. /usr/local/lib/base.sh

trim() {
	dd if=/dev/urandom of=/mnt/big bs=1M count=8 conv=fsync 2>/dev/null &&
		sync && rm /mnt/big && sync && fstrim -v /mnt
}

boot1() {
	check base-through-overlay base_shows
	check mkfs mke2fs -F -b 4096 -i 65536 /dev/xvda || return
	check mount mount -t ext4 /dev/xvda /mnt || return
	check write-files write_files || return
	cp /tmp/sums /mnt/sums
	check trim trim
	umount /mnt
	check remount mount -t ext4 /dev/xvda /mnt || return
	check checksums sha256sum -c /mnt/sums
	umount /mnt
}

copy_out() { dd if=/dev/xvda of=/dev/xvdb bs=1M conv=fsync 2>&1; }

boot2() {
	check mount mount -t ext4 /dev/xvda /mnt || return
	check checksums sha256sum -c /mnt/sums
	umount /mnt
	check copy-out copy_out
	value xvda-sha "$(sha256sum </dev/xvda | cut -d' ' -f1)"
}

if [ "$GUEST_BOOT" -eq 1 ]; then boot1; else boot2; fi
