# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: the guest's NIC must be our TAP on the bridge, with no
# xen-netback loaded; the same traffic the other way; then, once the guest
# is gone, the daemon is still alive, logged the interface's counters as it
# removed it (no drops for a well-behaved guest, GSO both ways) and the TAP
# device went with it.

serve_small_flows
tcp_receive 5000 "$XPV_RUN/rx.bin"
guest_wait 'XPV-VALUE net-ready' 300 >/dev/null || exit 1
domid=$(xl domid "$GUEST_NAME")
vif=vif$domid.0
check no-kernel-netback test ! -d /sys/module/xen_netback
check vif-is-tap test -e "/sys/class/net/$vif/tun_flags"
check vif-on-bridge test -e "/sys/class/net/xenbr0/brif/$vif"
check ping-guest ping -c 3 -W 5 "$GUEST_IP"
check ping-guest-mtu ping -c 3 -W 5 -s 1472 "$GUEST_IP"
check ping-guest-frag ping -c 3 -W 5 -s 8000 "$GUEST_IP"
tx=$(guest_value tx-sha 600)
check tcp-from-guest tcp_receive_wait 600
check_eq tcp-from-guest-sha "$tx" "$(sha "$XPV_RUN/rx.bin")"
rm -f "$XPV_RUN/rx.bin"
dd if=/dev/urandom of="$XPV_RUN/tx.bin" bs=1M count=64 2>/dev/null
check tcp-to-guest nc -w 30 "$GUEST_IP" 5001 <"$XPV_RUN/tx.bin"
check_eq tcp-to-guest-sha "$(sha "$XPV_RUN/tx.bin")" "$(guest_value rx-sha 600)"
rm -f "$XPV_RUN/tx.bin"
check guest-done guest_wait 'XPV-CHECK small-flows' 600

# the guest powers off now; libxl removes the vif
netback_gone_checks "$vif"
sed "s/^/xpv-netback.log: /" /var/log/xpv-netback.log
