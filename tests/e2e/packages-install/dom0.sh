# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: while the guest writes, the package upgraded with dpkg -i; its
# scripts restart both daemons (new pids), the guest's disk goes on (10 more
# chunks acknowledged, the restarted daemon counts requests), every chunk
# the guest saw acknowledged is in the image file, and its NIC is back on
# the bridge and answers. Once the guest is gone: dpkg -r stops both, the
# modprobe.d entries go, and the kernel backends load again.

. /scenario/blk-dom0.sh
. /scenario/pkg-dom0.sh

upgrade_mid_run() {
	local blk net before vif
	guest_wait 'XPV-VALUE acked-5 ' 300 >/dev/null || return 1
	blk=$(cat /run/xpv-blkback.pid) net=$(cat /run/xpv-netback.pid)
	echo "xpv: upgrading after chunk $(last_acked 1)"
	check upgraded /usr/bin/dpkg -i "$DEBS/xpv-backends_new.deb"
	sed 's/^/[dpkg -i] /' "$XPV_RUN/check-upgraded.out"
	check upgraded-version is_version 0~e2e.2
	check blkback-restarted restarted xpv-blkback "$blk"
	check netback-restarted restarted xpv-netback "$net"
	# both restarted by now: 10 more chunks on the new daemon
	before=$(last_acked 1)
	echo "xpv: upgraded after chunk $before"
	check resumed acked_past $((before + 10))
	check restarted-daemon-serves gt "$(counter 1 1 requests)" 0 \
		"requests on xvdb since the restart"
	vif=vif$(xl domid "$GUEST_NAME").0
	check vif-on-bridge-again test -e "/sys/class/net/xenbr0/brif/$vif"
	check ping-guest-after ping -c 3 -W 5 "$GUEST_IP"
	go 1 5310
	guest_wait 'XPV-CHECK writer ' 240 >/dev/null
	check acked-on-image acked_on_image 1
}

remove() {
	local blk net
	blk=$(cat /run/xpv-blkback.pid) net=$(cat /run/xpv-netback.pid)
	check removed /usr/bin/dpkg -r xpv-backends
	sed 's/^/[dpkg -r] /' "$XPV_RUN/check-removed.out"
	check daemons-stopped gone "$blk" "$net"
	check modprobe-d-gone test ! -e /usr/lib/modprobe.d/xpv-blkback.conf \
		-a ! -e /usr/lib/modprobe.d/xpv-netback.conf
	check kernel-blkback-loads modprobe xen-blkback
	check kernel-netback-loads modprobe xen-netback
}

upgrade_mid_run
guest_wait 'XPV-GUEST-POWEROFF' 240 >/dev/null
remove
sed 's/^/[xpv-blkback] /' /var/log/xpv-blkback.log
sed 's/^/[xpv-netback] /' /var/log/xpv-netback.log
