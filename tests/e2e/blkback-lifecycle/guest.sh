# SPDX-License-Identifier: GPL-2.0-only
# Each guest (the same script for both): in boot 1 files with checksums on
# an ext2 filesystem (the ext4 driver) on xvda, a sync and an fstrim that
# dom0 looks for in the daemon's counters, then numbered 64 KiB chunks
# written to xvdb with O_DIRECT + fsync while dom0 kills and restarts the
# daemon; each "XPV-VALUE acked-N SHA" is a write this guest saw
# acknowledged. Boot 2 checks that all of it survived.

. /usr/local/lib/blk-guest.sh
# The console, for what must be seen while it happens (check keeps a
# command's output until it ends).
exec 3>&1

# handshake PHASE PORT: tell dom0 this guest reached PHASE; go on when it
# answers (it reads the daemon's counters and the image in between).
handshake() {
	tcp_receive "$2" "/tmp/go-$1"
	value phase "$1"
	check "dom0-at-$1" tcp_receive_wait 120
}

fs_write() {
	mke2fs -F -b 4096 -i 65536 /dev/xvda &&
		mount -t ext4 /dev/xvda /mnt &&
		write_files &&
		cp /tmp/sums /mnt/sums &&
		sync
}

# A file written and synced: the sync must reach the daemon as a flush.
# (Not the file's fsync alone: ext4 without a journal in 6.1 skips the
# flush when writeback has already cleaned the inode. sync flushes always;
# fsync of the block device too, which the writer below does per chunk.)
sync_big() { dd if=/dev/urandom of=/mnt/big bs=1M count=16 conv=fsync && sync; }

trim() { rm /mnt/big && sync && fstrim -v /mnt; }

# writer: chunks until 10 more were acknowledged after dom0 said the
# daemon was restarted (at most 200: ~0.4 s each under TCG).
writer() { write_past /tmp/restarted 200; }

# acked_read_back LIST: the chunks of LIST read back from xvdb past the
# page cache.
acked_read_back() { chunks_match /dev/xvdb "$1" iflag=direct; }

boot1() {
	check fs-written fs_write || return
	handshake sync-before 5301
	check sync-big sync_big
	handshake sync-after 5302
	check fstrim trim
	handshake trimmed 5303
	umount /mnt
	tcp_receive 5310 /tmp/restarted
	check writer writer
	tcp_receive_wait 10
	# held until dom0 has read this disk's counters (the device goes at reboot)
	handshake writer-done 5304
	echo 3 >/proc/sys/vm/drop_caches
	check chunks-read-back acked_read_back /tmp/acked
	mount -t ext4 /dev/xvda /mnt &&
		check fs-checksums sha256sum -c /tmp/sums
	cp /tmp/acked /mnt/acked
	umount /mnt
}

boot2() {
	check mount mount -t ext4 /dev/xvda /mnt || return
	check fs-checksums sha256sum -c /mnt/sums
	check chunks-kept acked_read_back /mnt/acked
	umount /mnt
}

if [ "$GUEST_BOOT" -eq 1 ]; then boot1; else boot2; fi
