# SPDX-License-Identifier: GPL-2.0-only
# Both backends in one boot, in rounds: dom0 attaches the disk served by
# xpv-blkback as xvdb, then the one served by xen-blkback as xvdc, ROUNDS
# times; each is measured as it arrives and let go once measured, so the
# machine's noise falls on both alike (side: io.sh).
. /usr/local/lib/blk-bench.sh

value ready 1
for r in $(seq $ROUNDS); do
	side "ours-$r" xvdb ours: && side "base-$r" xvdc base: || break
done
