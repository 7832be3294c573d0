#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of blkback-nbd: numbered 64 KiB chunks written to xvdb (on
# qemu-nbd, through xpv-blkback) with O_DIRECT + fsync, on and on while
# dom0 kills the server and starts it again, and 10 more once dom0 types
# "nbd-restarted"; each "XPV-VALUE acked-N SHA" is a write this guest saw
# acknowledged. Then all of them are read back past the page cache.
. /usr/local/lib/blk-guest.sh
exec 3>&1	# the console, for the acks as they happen

check disks-present test -b /dev/xvda -a -b /dev/xvdb
(console_word nbd-restarted 300 && echo yes >/tmp/restarted) &
# at most 300 chunks: ~0.4 s each under TCG
check writer write_past /tmp/restarted 300
echo 3 >/proc/sys/vm/drop_caches
check chunks-read-back chunks_match /dev/xvdb /tmp/acked iflag=direct
