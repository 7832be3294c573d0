# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: attach a disk to the running guest, then detach it. The guest
# has no block frontend yet, so the frontend never connects: the detach is
# forced (-f) once the guest reported what it saw.
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
	check detach xl block-detach -f "$GUEST_NAME" xvda
