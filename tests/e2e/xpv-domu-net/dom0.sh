# SPDX-License-Identifier: GPL-2.0-only
# dom0 side of our netfront, on either backend (xpv-domu-net and
# xpv-domu-net-kernel): the vif on the bridge and the queues the frontend
# published; the same traffic as the guest the other way; MTU 9000 on the
# vif and the bridge once the guest asks for it, then 8 MiB of TCP each
# way. Before all that, the vif is detached while TCP runs both ways and
# a new one attached (guest.sh says what the guest checks), which carries
# the rest. With xpv-netback, once the guest is gone: the daemon is alive,
# logged the new interface's counters (no drops, GSO both ways) and the
# TAP device went with it, as the first one's went at the detach.

daemon=false
[ -e /run/xpv-netback.pid ] && daemon=true

serve_small_flows
tcp_receive 5000 "$XPV_RUN/rx.bin"
# The vif detached while TCP runs both ways, then a new one attached the
# way the harness wrote the first (the same MAC, bridge and script; the
# same kind of backend, which the daemon or xen-netback serves).
guest_wait 'XPV-VALUE replug-listening' 300 >/dev/null || exit 1
domid=$(xl domid "$GUEST_NAME")
vif=vif$domid.0
nc "$GUEST_IP" 5004 </dev/zero >/dev/null &
stream=$!
guest_wait 'XPV-VALUE streaming' 300 >/dev/null || exit 1
check vif-detach xl network-detach "$GUEST_NAME" 0
kill "$stream" 2>/dev/null
check vif-detach-gone wait_until 30 test ! -e "/sys/class/net/$vif"
! $daemon || check vif-detach-removed netback_removed "$vif"
guest_wait 'XPV-VALUE detached' 300 >/dev/null || exit 1
check vif-attach xl network-attach "$GUEST_NAME" mac=00:16:3e:00:00:02 bridge=xenbr0 \
	script=/etc/xen/scripts/xpv-vif

guest_wait 'XPV-VALUE net-ready' 300 >/dev/null || exit 1
fe=/local/domain/$domid/device/vif/0
if $daemon; then
	check no-kernel-netback test ! -d /sys/module/xen_netback
	check vif-is-tap test -e "/sys/class/net/$vif/tun_flags"
else
	check kernel-netback test -d /sys/module/xen_netback
fi
check vif-on-bridge test -e "/sys/class/net/xenbr0/brif/$vif"
check_eq fe-queues 2 "$(xenstore-read "$fe/multi-queue-num-queues")"
check fe-split-channels xenstore-read "$fe/queue-1/event-channel-rx"
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

guest_value mtu 600 >/dev/null || exit 1
tcp_receive 5002 "$XPV_RUN/rx.bin"
check mtu-9000 sh -c "ip link set $vif mtu 9000 && ip link set xenbr0 mtu 9000"
check ping-guest-9000 ping -c 3 -W 5 -s 8972 "$GUEST_IP"
tx=$(guest_value tx9000-sha 600)
check tcp-from-guest-9000 tcp_receive_wait 600
check_eq tcp-from-guest-9000-sha "$tx" "$(sha "$XPV_RUN/rx.bin")"
rm -f "$XPV_RUN/rx.bin"
dd if=/dev/urandom of="$XPV_RUN/tx.bin" bs=1M count=8 2>/dev/null
check tcp-to-guest-9000 nc -w 30 "$GUEST_IP" 5003 <"$XPV_RUN/tx.bin"
check_eq tcp-to-guest-9000-sha "$(sha "$XPV_RUN/tx.bin")" "$(guest_value rx9000-sha 600)"
rm -f "$XPV_RUN/tx.bin"
check guest-done guest_wait 'XPV-CHECK net-done' 600
$daemon || exit 0

# the guest powers off now; libxl removes the vif
netback_gone_checks "$vif" 2
