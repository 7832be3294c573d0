#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side of blkback-nbd: numbered 64 KiB chunks written to xvdb (on
# qemu-nbd, through xpv-blkback) with O_DIRECT + fsync, on and on while
# dom0 kills the server and starts it again, and 10 more once dom0 types
# "nbd-restarted"; each "XPV-VALUE acked-N SHA" is a write this guest saw
# acknowledged. Beside the writer, 4 readers keep a request each in flight
# (so several wait when the server dies); none of their reads may fail.
# Then all the chunks are read back past the page cache.
. /usr/local/lib/blk-guest.sh
exec 3>&1	# the console, for the acks as they happen

# reader R: O_DIRECT reads of xvdb's MiB R, 4 KiB at a time, until
# /tmp/done exists; a failed read is noted in /tmp/read-errors.
reader() {
	while [ ! -e /tmp/done ]; do
		dd if=/dev/xvdb of=/dev/null bs=4k count=256 skip=$(($1 * 256)) \
			iflag=direct 2>/dev/null || echo "reader $1 failed" >>/tmp/read-errors
	done
}

check disks-present test -b /dev/xvda -a -b /dev/xvdb
(console_word nbd-restarted 300 && echo yes >/tmp/restarted) &
readers=""
for r in 1 2 3 4; do
	reader $r &
	readers="$readers $!"
done
# at most 300 chunks: ~0.4 s each under TCG
check writer write_past /tmp/restarted 300
touch /tmp/done
# shellcheck disable=SC2086 # one pid per word
wait $readers
check reads-answered test ! -s /tmp/read-errors
echo 3 >/proc/sys/vm/drop_caches
check chunks-read-back chunks_match /dev/xvdb /tmp/acked iflag=direct
