# SPDX-License-Identifier: GPL-2.0-only
# Both backends in one boot, in rounds: dom0 attaches the disk served by
# xpv-blkback as xvdb, then the one served by xen-blkback as xvdc, ROUNDS
# times after a warm-up round (not counted: each backend's first connect
# in a dom0 fills the pools it keeps, gntdev's page region for ours); each
# is measured as it arrives and let go once measured, so the machine's
# noise falls on both alike (side: io.sh).
. /usr/local/lib/blk-bench.sh

value ready 1
side ours-0 xvdb warmup:ours: && side base-0 xvdc warmup:base: &&
	for r in $(seq $ROUNDS); do
		side "ours-$r" xvdb ours: && side "base-$r" xvdc base: || break
	done
