# SPDX-License-Identifier: GPL-2.0-only
# Each guest (the same script for all three): the shared base through its
# own overlay, then its own filesystem and files (disk_roundtrip: mkfs,
# files, umount, remount, checksums), then the sha256 of its whole xvda.
. /usr/local/lib/base.sh

check base-through-overlay base_shows
disk_roundtrip /dev/xvda
value xvda-sha "$(sha256sum </dev/xvda | cut -d' ' -f1)"
