# SPDX-License-Identifier: GPL-2.0-only
# The checksummed chunks of the scenarios that write while dom0 takes the
# block backend away: their one size and one check, sourced by the guest's
# helpers (blk-guest.sh) and dom0's (blk-dom0.sh); shipped to both as
# /usr/local/lib/blk-chunks.sh.
CHUNK=65536

# chunks_match SRC LIST [DD-FLAG]: every chunk of LIST ("N SHA" lines, N
# from 1) read back from SRC (a disk, or dom0's image file) has its checksum.
chunks_match() {
	local n sum bad=0 count=0
	while read -r n sum; do
		count=$((count + 1))
		[ "$(dd if="$1" bs=$CHUNK skip=$((n - 1)) count=1 ${3:+"$3"} 2>/dev/null |
			sha256sum | cut -d' ' -f1)" = "$sum" ] ||
			{ echo "chunk $n differs"; bad=$((bad + 1)); }
	done <"$2"
	echo "$count chunks, $bad differ"
	[ "$count" -gt 0 ] && [ $bad -eq 0 ]
}
