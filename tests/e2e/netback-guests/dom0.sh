# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: both guests' NICs are our TAPs on the bridge, no xen-netback;
# the daemon is alive once both guests have checked what they received.

both_on_bridge() {
	local t=300 d1 d2
	while [ "$t" -gt 0 ]; do
		d1=$(xl domid guest 2>/dev/null) d2=$(xl domid guest-2 2>/dev/null)
		[ -n "$d1" ] && [ -n "$d2" ] &&
			[ -e "/sys/class/net/xenbr0/brif/vif$d1.0" ] &&
			[ -e "/sys/class/net/xenbr0/brif/vif$d2.0" ] &&
			[ -e "/sys/class/net/vif$d2.0/tun_flags" ] && return 0
		sleep 1
		t=$((t - 1))
	done
	return 1
}

guests_done() {
	guest_wait_on 1 'XPV-CHECK data-from-2' 400 >/dev/null &&
		guest_wait_on 2 'XPV-CHECK data-from-1' 400 >/dev/null
}

check no-kernel-netback test ! -d /sys/module/xen_netback
check both-on-bridge both_on_bridge
check guests-done guests_done
check daemon-alive kill -0 "$(cat /run/xpv-netback.pid)"
