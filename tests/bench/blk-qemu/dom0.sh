# SPDX-License-Identifier: GPL-2.0-only
# The blk-qemu bench's dom0 side: ROUNDS times the steps of steps.sh, each
# one disk attached to the guest, measured by it and detached (measure:
# blk's io.sh). Images on tmpfs, MIB MiB: one raw image, written through
# once here so that no side pays for tmpfs allocating its pages; a qcow2
# image made afresh by qemu-img for each qcow2 step (version 3, 64 KiB
# clusters, no preallocation: each side allocates every cluster with its
# own sequential write, then overwrites them at random).
. /usr/local/lib/blk-bench.sh
. /usr/local/lib/blk-qemu-steps.sh
RAW=/var/lib/xpv/bench.img
QCOW2=/var/lib/xpv/bench.qcow2
exec 3>&1	# the console: check keeps a command's output in a file

# kind SIDE BASE: who serves a step's disk (xl_disk's KIND).
kind() {
	case $1:$2 in
	ours:*) echo xpv ;;
	base:qdisk) echo qemu ;;
	base:xen-blkback) echo kernel ;;
	esac
}

# serve KIND: that backend ready for the next attach. xpv-blkback and
# xen-blkback both watch backend/vbd, so one runs at a time; QEMU serves
# backend/qdisk from the device model libxl started with the guest (its
# xvda is a qdisk disk for that reason: scenario.conf).
serve() {
	case $1 in
	xpv) pidof xpv-blkback >/dev/null || /usr/local/sbin/start-xpv-blkback ;;
	kernel) [ -d /sys/module/xen_blkback ] || kernel_backend_instead blkback ;;
	esac
}

# target FORMAT: the next step's image, in xl_disk's spelling.
target() {
	case $1 in
	raw) echo "$RAW" ;;
	qcow2) rm -f "$QCOW2" && qemu-img create -q -f qcow2 "$QCOW2" ${MIB}M &&
		echo "qcow2:$QCOW2" ;;
	esac
}

# step ROUND BASE FORMAT SIDE VDEV
step() {
	local tag=$4-$2-$3-$1 k t
	k=$(kind "$4" "$2")
	check "$tag-backend" serve "$k" &&
		t=$(target "$3") &&
		check "$tag" measure "$tag" "$5" "$(xl_disk "$k" "$5" rw "$t")"
}

# /var/lib/xpv: the runner's tmpfs, which holds xvda's image (DISKS)
check raw-image dd if=/dev/zero of="$RAW" bs=1M count=$MIB
guest_wait 'XPV-VALUE ready ' 300 >/dev/null || exit 1
for r in 0 $(seq $ROUNDS); do	# 0: warm-up (guest.sh)
	for s in $STEPS; do
		# shellcheck disable=SC2046 # the step's four words
		step "$r" $(step_words "$s") || break 2
	done
done
