# SPDX-License-Identifier: GPL-2.0-only
# Guest side: the disks' queues, fstrim on xvda, 1 MiB requests on xvdb,
# then numbered 64 KiB chunks written to xvdb (O_DIRECT + fsync) while dom0
# takes the backend away twice; "XPV-VALUE acked-N SHA" is a write this
# guest saw acknowledged.

. /usr/local/lib/blk-guest.sh
exec 3>&1	# the console, for what must be seen while it happens

# Two rings (one vCPU: blk-mq sends every request through the first).
check two-queues sh -c 'dmesg | grep "xvdb: .*, 2 queue(s), ring of 4 pages, 256 pages per request"'
check persistent-grants sh -c 'dmesg | grep "xvdb: .*, persistent grants"'

# 16 MiB written and synced, removed, trimmed: dom0 finds the image sparse.
trim() {
	check mkfs mke2fs -F -b 4096 -i 65536 /dev/xvda || return
	mount -t ext4 /dev/xvda /mnt || return
	check fill dd if=/dev/urandom of=/mnt/big bs=1M count=16 conv=fsync
	sync
	rm /mnt/big
	sync
	check fstrim fstrim -v /mnt
	umount /mnt
	value phase trimmed
}

# read_stat DEV: "<read requests> <sectors read>" so far.
read_stat() { awk '{ print $1, $3 }' "/sys/block/$1/stat"; }

# One 1 MiB O_DIRECT read: one request of 2048 sectors (indirect: 256
# pages), not a split one.
one_request() {
	local before after
	before=$(read_stat xvdb)
	/usr/local/bin/xpv-blkbench /dev/xvdb randread 1048576 1 16 || return 1
	after=$(read_stat xvdb)
	echo "reads, sectors: $before before, $after after"
	[ "$((${after% *} - ${before% *})) $((${after#* } - ${before#* }))" = "1 2048" ]
}

# 8 MiB through 1 MiB requests, read back past the cache, compared.
big() {
	dd if=/dev/urandom of=/tmp/big.bin bs=1M count=8 2>/dev/null
	check big-write dd if=/tmp/big.bin of=/dev/xvdb bs=1M seek=16 conv=fsync
	echo 3 >/proc/sys/vm/drop_caches
	check big-read dd if=/dev/xvdb of=/tmp/back.bin bs=1M skip=16 count=8
	check_eq big-sha "$(sha /tmp/big.bin)" "$(sha /tmp/back.bin)"
	value phase big-done
}

# writer: chunks at the start of xvdb, each acknowledged after its fsync,
# until 10 more were after blkfront reconnected (dom0 takes the backend
# away meanwhile), at most 256 (16 MiB, before the 1 MiB requests' data).
writer() {
	local i=0 after=0
	while [ $i -lt 256 ] && [ $after -lt 10 ]; do
		i=$((i + 1))
		write_chunk $i || return 1
		! dmesg | grep -q "reconnected xvdb" || after=$((after + 1))
	done
	echo "$i chunks, $after after the reconnect"
	[ $after -ge 10 ]
}

trim
check one-1mib-request one_request
big
check writer writer
value phase writer-done
# blkfront said it held what was in flight, and connected to the new rings
check reconnected sh -c 'dmesg | grep "kept for the next connection" &&
	dmesg | grep "reconnected xvdb"'
