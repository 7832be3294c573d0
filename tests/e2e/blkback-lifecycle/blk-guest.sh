# SPDX-License-Identifier: GPL-2.0-only
# Guest helpers of the scenarios that write checksummed chunks while dom0
# takes the block backend away (sourced by their guest.sh, shipped as
# /usr/local/lib/blk-guest.sh with GUEST_FILES).
. /usr/local/lib/blk-chunks.sh

# write_chunk I: a random chunk I (from 1) at its place on xvdb,
# O_DIRECT and fsync'ed; once acknowledged, "I SHA" in /tmp/acked and
# "XPV-VALUE acked-I SHA" on the console (fd 3), which dom0 compares with
# the image (acked_on_image in blk-dom0.sh).
write_chunk() {
	dd if=/dev/urandom of=/tmp/chunk bs=$CHUNK count=1 2>/dev/null
	dd if=/tmp/chunk of=/dev/xvdb bs=$CHUNK seek=$(($1 - 1)) count=1 \
		oflag=direct conv=fsync,notrunc 2>/dev/null ||
		{ echo "chunk $1: write failed"; return 1; }
	set -- "$1" "$(sha /tmp/chunk)"
	echo "$1 $2" >>/tmp/acked
	value "acked-$1" "$2" >&3
}

# write_past FLAG MAX: chunk after chunk (write_chunk) until 10 were
# acknowledged after FLAG, a file, got contents (dom0's word that it took
# the backend away and gave it back), at most MAX; fails without that.
write_past() {
	local i=0 after=0
	: >/tmp/acked
	while [ $i -lt "$2" ] && [ $after -lt 10 ]; do
		i=$((i + 1))
		write_chunk $i || return 1
		[ ! -s "$1" ] || after=$((after + 1))
	done
	echo "$i chunks, $after after $1"
	[ $after -ge 10 ]
}
