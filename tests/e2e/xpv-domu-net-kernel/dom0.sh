# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: the guest's NIC is xen-netback's vif on the bridge; pings of
# every size to the guest, 64 MiB of TCP each way with checksums, and an
# HTTP server for the guest's 50 short flows.

mkdir -p "$XPV_RUN/www"
seq 1 3000 >"$XPV_RUN/www/small"
httpd -p 8080 -h "$XPV_RUN/www"
tcp_receive 5000 "$XPV_RUN/rx.bin"
guest_wait 'XPV-VALUE net-ready' 300 >/dev/null || exit 1
vif=vif$(xl domid "$GUEST_NAME").0
check kernel-netback test -d /sys/module/xen_netback
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
