# SPDX-License-Identifier: GPL-2.0-only
# The rounds of the block bench: one raw image on tmpfs, served ROUNDS
# times by xpv-blkback (as the guest's xvdb) and then by dom0's xen-blkback
# (xvdc), one backend running at a time.
. /usr/local/lib/blk-bench.sh
IMG=/var/lib/xpv/bench.img

# use_ours / use_base: the backend for the next attach.
use_ours() { /usr/local/sbin/start-xpv-blkback; }
use_base() { kernel_backend_instead blkback; }

# measure ROUND SIDE VDEV: attach the image as VDEV, wait for the guest to
# measure it, detach it.
measure() {
	xl block-attach "$GUEST_NAME" \
		"format=raw,vdev=$3,access=rw,backendtype=phy,script=/etc/xen/scripts/xpv-block,target=$IMG" &&
		guest_wait "XPV-VALUE measured-$2-$1 " 900 >/dev/null &&
		timeout 120 xl block-detach "$GUEST_NAME" "$3"
}

mkdir -p /var/lib/xpv
mount -t tmpfs -o size=300m tmpfs /var/lib/xpv
truncate -s ${MIB}M "$IMG"
guest_wait 'XPV-VALUE ready ' 300 >/dev/null || exit 1
copy_reference
for r in $(seq $ROUNDS); do
	check "ours-$r-backend" use_ours &&
		check "ours-$r" measure "$r" ours xvdb &&
		check "base-$r-backend" use_base &&
		check "base-$r" measure "$r" base xvdc || break
done
