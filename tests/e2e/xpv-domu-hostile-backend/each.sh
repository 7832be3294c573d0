# SPDX-License-Identifier: GPL-2.0-only
# Sourced by this scenario's dom0.sh and guest.sh (busybox sh): the devices
# of /etc/xpv-hostile.list as both ends name them.

# each FUNC: FUNC TYPE NAME DEVID VDEV AFTER OUTCOME for every listed
# device, in order (VDEV: xvdb.. for disks, the devid for NICs).
each() {
	local nvbd=0 nvif=0 type name after outcome
	while read -r type name after outcome; do
		case $type in
		vbd)
			nvbd=$((nvbd + 1))
			"$1" vbd "$name" $((51712 + 16 * nvbd)) \
				"xvd$(echo bcdefghijklmnop | cut -c$nvbd)" "$after" "$outcome"
			;;
		vif) "$1" vif "$name" "$nvif" "$nvif" "$after" "$outcome"; nvif=$((nvif + 1)) ;;
		esac
	done </etc/xpv-hostile.list
}
