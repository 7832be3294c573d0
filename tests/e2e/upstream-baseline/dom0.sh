# SPDX-License-Identifier: GPL-2.0-only
# dom0 side of the baseline, running next to the guest: ping the guest,
# receive its file and compare checksums, send one back.

tcp_receive 5000 "$XPV_RUN/rx.bin"
guest_wait 'XPV-VALUE net-ready' 240 >/dev/null || exit 1
check ping-guest ping -c 3 -W 5 "$GUEST_IP"
tx=$(guest_value tx-sha 120)
check tcp-from-guest tcp_receive_wait 120
check_eq tcp-from-guest-sha "$tx" "$(sha "$XPV_RUN/rx.bin")"
dd if=/dev/urandom of="$XPV_RUN/tx.bin" bs=64k count=16 2>/dev/null
check tcp-to-guest nc -w 10 "$GUEST_IP" 5001 <"$XPV_RUN/tx.bin"
check_eq tcp-to-guest-sha "$(sha "$XPV_RUN/tx.bin")" "$(guest_value rx-sha 120)"
