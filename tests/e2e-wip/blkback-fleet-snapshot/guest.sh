# SPDX-License-Identifier: GPL-2.0-only
# Each guest: the shared base through its own overlay. Guests 2 and 3 then
# build their own filesystem and files (disk_roundtrip: mkfs, files,
# umount, remount, checksums); guest 1 writes while dom0 snapshots its
# disk (snapshot_writes). Last, each says the sha256 of its whole xvda.
. /usr/local/lib/base.sh

# snapshot_writes: 4 MiB at the start of xvda, flushed (all of it must be
# in the frozen image), then 10 MiB more from 4 MiB on, 16 KiB per dd in
# 4 KiB O_DIRECT requests, one after the other (the snapshot falls
# between two), for long enough under TCG (a process per 16 KiB) that
# dom0, told "writing" early on, snapshots mid-way. Patterns from `yes`,
# each unlike the base's: /dev/urandom under TCG takes minutes.
snapshot_writes() {
	local i=0
	yes xpv-frozen-a | head -c 4194304 >/tmp/a && yes xpv-after-b | head -c 10485760 >/tmp/b &&
		dd if=/tmp/a of=/dev/xvda bs=64k oflag=direct conv=fsync 2>/dev/null &&
		value phase-a-sha "$(sha256sum </tmp/a | cut -d' ' -f1)" || return
	while [ $i -lt 640 ]; do
		dd if=/tmp/b of=/dev/xvda bs=4k count=4 skip=$((i * 4)) \
			seek=$((1024 + i * 4)) oflag=direct 2>/dev/null || return
		i=$((i + 1))
		[ $i -ne 16 ] || value writing 1
	done
	sync && dd if=/dev/xvda bs=4k skip=1024 count=2560 iflag=direct 2>/dev/null |
		cmp - /tmp/b
}

check base-through-overlay base_shows
if [ "$GUEST_INDEX" -eq 1 ]; then
	check writes-during-snapshot snapshot_writes
else
	disk_roundtrip /dev/xvda
fi
value xvda-sha "$(sha256sum </dev/xvda | cut -d' ' -f1)"
