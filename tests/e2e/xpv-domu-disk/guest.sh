# SPDX-License-Identifier: GPL-2.0-only
# Guest side: ext2 on xvda (each sync is a flush), then raw I/O on xvdb:
# 8 MiB of random data written, the cache dropped, read back and compared;
# the disk's size and logical sector size as the guest sees them (the
# sector size the command line's xpv.sector= names, 512 without it).
disk_roundtrip /dev/xvda

raw() {
	dd if=/dev/urandom of=/tmp/raw.bin bs=64k count=128 2>/dev/null
	check raw-write dd if=/tmp/raw.bin of=/dev/xvdb bs=64k conv=fsync
	sync
	echo 3 >/proc/sys/vm/drop_caches
	check raw-read dd if=/dev/xvdb of=/tmp/back.bin bs=64k count=128
	check_eq raw-sha "$(sha /tmp/raw.bin)" "$(sha /tmp/back.bin)"
	check_eq size 65536 "$(cat /sys/block/xvdb/size)"
	want=$(sed -n 's/.*xpv\.sector=\([0-9]*\).*/\1/p' /proc/cmdline)
	check_eq sector-size "${want:-512}" "$(cat /sys/block/xvdb/queue/logical_block_size)"
}
raw
cat /sys/bus/xpv-xenbus/devices/*/state
