# SPDX-License-Identifier: GPL-2.0-only
# Each guest: the shared base through its own overlay. Guests 2 and 3 then
# build their own filesystem and files (disk_roundtrip: mkfs, files,
# umount, remount, checksums); guest 1 writes while dom0 snapshots its
# disk (snapshot_writes). Last, each says the sha256 of its whole xvda.
. /usr/local/lib/base.sh
exec 3>&1	# the console: values dom0 waits for while a check runs
exec 4</dev/hvc0	# what dom0 types, held open so no line is missed

MIB=1048576
BLOCKS=1792	# 16 KiB writes from 4 MiB to the end of the 32 MiB disk
AFTER=64	# 16 KiB writes after dom0 said the snapshot is taken

# same_sha GOT WANT: two sha256sum lines, said and compared.
same_sha() { echo "read back ${1%% *}, wrote ${2%% *}"; [ "$1" = "$2" ]; }

# snapped_when_told: /tmp/snapped once dom0 types "snapped" into the console.
snapped_when_told() {
	local line
	while read -r line <&4; do
		case $line in *snapped*) : >/tmp/snapped && return ;; esac
	done
}

# snapshot_writes: 4 MiB at the start of xvda, flushed (all of it must be
# in the frozen image), then the pattern B from 4 MiB on, 16 KiB per dd in
# 4 KiB O_DIRECT requests, one after the other, the snapshot falling
# between two. "writing" once 16 are acknowledged: dom0 then snapshots
# and types "snapped"; AFTER more go to the new overlay, then it stops
# (says how many it wrote). Reaching the disk's end before "snapped" is a
# failure, not a wait: the snapshot must fall mid-write however slow
# either side runs. Patterns from `yes`, unlike the base's: /dev/urandom
# under TCG takes minutes.
snapshot_writes() {
	local i=0 left=$AFTER
	yes xpv-frozen-a | head -c $((4 * MIB)) >/tmp/a &&
		yes xpv-after-b | head -c $((BLOCKS * 16384)) >/tmp/b &&
		dd if=/tmp/a of=/dev/xvda bs=64k oflag=direct conv=fsync 2>/dev/null &&
		value phase-a-sha "$(sha256sum </tmp/a | cut -d' ' -f1)" >&3 || return
	snapped_when_told &
	while [ ! -e /tmp/snapped ] || [ $left -gt 0 ]; do
		[ $i -lt $BLOCKS ] || { echo "disk full after $i writes, not told snapped"; return 1; }
		dd if=/tmp/b of=/dev/xvda bs=4k count=4 skip=$((i * 4)) \
			seek=$((1024 + i * 4)) oflag=direct 2>/dev/null || return
		i=$((i + 1))
		[ $i -ne 16 ] || value writing 1 >&3
		[ ! -e /tmp/snapped ] || left=$((left - 1))
	done
	value written-blocks $i >&3
	echo "$i writes of 16 KiB, the last $AFTER after the snapshot"
	sync
	same_sha "$(dd if=/dev/xvda bs=16k skip=256 count=$i iflag=direct 2>/dev/null | sha256sum)" \
		"$(head -c $((i * 16384)) /tmp/b | sha256sum)"
}

check base-through-overlay base_shows
if [ "$GUEST_INDEX" -eq 1 ]; then
	check writes-during-snapshot snapshot_writes
else
	disk_roundtrip /dev/xvda
fi
value xvda-sha "$(sha256sum </dev/xvda | cut -d' ' -f1)"
