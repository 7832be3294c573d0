# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: receive the guest's 64 MiB and time it from its first byte to
# its end, then send as much the other way (the guest times that).
. /usr/local/lib/net-bench.sh

recv_timed 5000
guest_wait 'XPV-VALUE net-ready' 300 >/dev/null || exit 1
bench_features
check tcp-from-guest recv_done 5000 300
bench tcp-domU-to-dom0 "$(recv_mbits 5000)" Mbit/s
check tcp-to-guest send_zeros "$GUEST_IP" 5001
