# SPDX-License-Identifier: GPL-2.0-only
# The blk-qemu bench's guest side: each disk dom0 attaches (steps.sh, ROUNDS
# times) is measured as it arrives and let go once measured (side: blk's
# io.sh), its metrics named after the base it is compared with and its
# image format (ours:qdisk-qcow2-seq-read, base:qdisk-qcow2-seq-read ...).
. /usr/local/lib/blk-bench.sh
. /usr/local/lib/blk-qemu-steps.sh

value ready 1
for r in $(seq $ROUNDS); do
	for s in $STEPS; do
		# shellcheck disable=SC2046 # the step's four words
		set -- $(step_words "$s")
		side "$3-$1-$2-$r" "$4" "$3:$1-$2-" || break 2
	done
done
