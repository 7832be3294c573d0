# SPDX-License-Identifier: GPL-2.0-only
# The steps of each round of the blk-qemu bench, shipped to the guest and to
# dom0, which play them in this order: BASE:FORMAT:SIDE:VDEV, one disk each,
# attached, measured (blk's io.sh) and detached before the next. Each base
# is measured just after ours on the same kind of image, so a pair shares
# the machine's moment; ours reports under the base's name (ours:qdisk-raw-*
# beside base:qdisk-raw-*). SIDE ours is xpv-blkback; base is QEMU's qdisk
# or xen-blkback (over a loop device), as BASE says.
STEPS="qdisk:raw:ours:xvdb qdisk:raw:base:xvdc
	qdisk:qcow2:ours:xvdd qdisk:qcow2:base:xvde
	xen-blkback:raw:ours:xvdf xen-blkback:raw:base:xvdg"

# step_words STEP: its four words, for set --.
step_words() { echo "$1" | tr : ' '; }
