# SPDX-License-Identifier: GPL-2.0-only
# Guest side: a filesystem on xvda, served by xpv-blkback, whose files keep
# their checksums across umount and mount (each sync is a flush request).

disk_roundtrip /dev/xvda
