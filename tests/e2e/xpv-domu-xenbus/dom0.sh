# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: attach a disk to the running guest, then detach it without
# force: xl waits for the frontend to close.
IMG=/run/xpv/hot.img

attach() {
	modprobe xen-blkback || return 1
	truncate -s 16M "$IMG"
	xl block-attach "$GUEST_NAME" \
		"format=raw,vdev=xvda,access=rw,backendtype=phy,script=/etc/xen/scripts/xpv-block,target=$IMG"
}

check booted guest_wait 'XPV-VALUE ready-for-disk ' 180 &&
	check attach attach &&
	check guest-saw-it guest_wait 'XPV-VALUE saw-disk ' 120 &&
	check detach timeout 120 xl block-detach "$GUEST_NAME" xvda
