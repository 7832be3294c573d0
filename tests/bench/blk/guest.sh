# SPDX-License-Identifier: GPL-2.0-only
# Both backends in one boot, in rounds: dom0 attaches the disk served by
# xpv-blkback as xvdb, then the one served by xen-blkback as xvdc, ROUNDS
# times; each is measured as it arrives and let go once measured, so the
# machine's noise falls on both alike.
. /usr/local/lib/blk-bench.sh

gone() { [ ! -e "$1" ]; }

# side ROUND SIDE VDEV: wait for the disk, measure it, tell dom0, wait
# until dom0 has taken it away.
side() {
	check "$2-$1-attached" wait_until 300 test -b "/dev/$3" || return
	blk_bench "/dev/$3" "$2:"
	value "measured-$2-$1" 1
	check "$2-$1-detached" wait_until 300 gone "/dev/$3"
}

value ready 1
for r in $(seq $ROUNDS); do
	side "$r" ours xvdb && side "$r" base xvdc || break
done
