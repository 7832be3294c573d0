# SPDX-License-Identifier: GPL-2.0-only
# Guest side: ext2 on xvda (each sync is a flush), then raw I/O on xvdb:
# 8 MiB of random data written, the cache dropped, read back and compared;
# the disk's size and logical sector size as the guest sees them (the
# sector size the command line's xpv.sector= names, 512 without it); and
# xvdc, given read-only: flagged so, holding the pattern dom0 wrote, a
# write refused, the disk still readable after it.
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

# direct_sha DEV: the sha256 of DEV's content, read around the page cache.
direct_sha() { dd if="$1" bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1; }

# write_refused DEV: a write to DEV fails.
write_refused() { ! dd if=/dev/zero of="$1" bs=4k count=1 oflag=direct; }

read_only() {
	read_only_pattern 8 >/tmp/ro.bin
	check_eq ro-flag 1 "$(cat /sys/block/xvdc/ro)"
	check_eq ro-content "$(sha /tmp/ro.bin)" "$(direct_sha /dev/xvdc)"
	check ro-write-refused write_refused /dev/xvdc
	check_eq ro-content-after "$(sha /tmp/ro.bin)" "$(direct_sha /dev/xvdc)"
}
read_only
cat /sys/bus/xpv-xenbus/devices/*/state
