# SPDX-License-Identifier: GPL-2.0-only
# The blk-qemu bench's guest side: each disk dom0 attaches (steps.sh, ROUNDS
# times) is measured as it arrives and let go once measured (side: blk's
# io.sh), its metrics named after the base it is compared with and its
# image format (ours:qdisk-qcow2-seq-read, base:qdisk-qcow2-seq-read ...).
# Round 0 warms every backend up (its first connect fills what it keeps);
# its numbers go behind warmup:, which make bench does not count.
. /usr/local/lib/blk-bench.sh
. /usr/local/lib/blk-qemu-steps.sh

value ready 1
for r in 0 $(seq $ROUNDS); do
	w=warmup:
	[ "$r" = 0 ] || w=
	for s in $STEPS; do
		# shellcheck disable=SC2046 # the step's four words
		set -- $(step_words "$s")
		side "$3-$1-$2-$r" "$4" "$w$3:$1-$2-" || break 2
	done
done
