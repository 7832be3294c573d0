# SPDX-License-Identifier: GPL-2.0-only
# Guest side: Debian's blkfront and netfront on the daemons dom0 installed
# from the package. Numbered 64 KiB chunks go to xvdb with O_DIRECT + fsync
# while dom0 upgrades the package (each "XPV-VALUE acked-N SHA" is a write
# this guest saw acknowledged) until dom0 says stop; then every one of
# them is read back past the page cache, and dom0 answers pings again.

. /usr/local/lib/blk-guest.sh
# The console, for what must be seen while it happens.
exec 3>&1

# writer: chunk after chunk until dom0 says stop (at most 400: ~0.4 s
# each under TCG)
writer() {
	local i=0
	: >/tmp/acked
	while [ $i -lt 400 ] && [ ! -s /tmp/stop ]; do
		i=$((i + 1))
		write_chunk $i || return 1
	done
	echo "$i chunks"
	[ -s /tmp/stop ]
}

check ping-dom0 ping -c 3 -W 5 "$DOM0_IP"
tcp_receive 5310 /tmp/stop
check writer writer
tcp_receive_wait 10
echo 3 >/proc/sys/vm/drop_caches
check chunks-read-back chunks_match /dev/xvdb /tmp/acked iflag=direct
check ping-dom0-after ping -c 3 -W 5 "$DOM0_IP"
