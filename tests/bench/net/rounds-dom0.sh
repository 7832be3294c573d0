# SPDX-License-Identifier: GPL-2.0-only
# dom0 side of the interleaved net bench: ROUNDS times, a NIC served by
# xpv-netback, then one served by xen-netback (one backend at a time:
# each refuses to share backend/vif with the other), each timed both
# ways with the guest and detached once measured.
. /usr/local/lib/net-bench.sh
MIB=$ROUND_MIB
exec 3>&1	# the console: check keeps a command's output in a file

# use_ours / use_base: the backend for the next attach.
use_ours() { /usr/local/sbin/start-xpv-netback; }
use_base() { kernel_backend_instead netback; }

# measure ROUND SIDE MAC IP: attach a NIC, time the guest's transfer to
# us, send ours, wait for the guest to say it measured, detach.
measure() {
	rm -f "$SCRATCH/recv-5000" "$SCRATCH/recv-5000.fifo"
	recv_timed 5000
	xl network-attach "$GUEST_NAME" "mac=$3" bridge=xenbr0 \
		script=/etc/xen/scripts/xpv-vif || return
	recv_done 5000 600 || return
	bench "$2:tcp-domU-to-dom0" "$(recv_mbits 5000)" Mbit/s >&3
	bench_features "$2:" >&3
	wait_until 60 send_zeros "$4" 5001 || return
	guest_wait "XPV-VALUE measured-$2-$1 " 900 >/dev/null &&
		timeout 120 xl network-detach "$GUEST_NAME" "$3"
}

check bridge bridge_up
guest_wait 'XPV-VALUE ready ' 300 >/dev/null || exit 1
copy_reference
for r in $(seq $ROUNDS); do
	check "ours-$r-backend" use_ours &&
		check "ours-$r" measure "$r" ours "$OURS_MAC" "$OURS_IP" &&
		check "base-$r-backend" use_base &&
		check "base-$r" measure "$r" base "$BASE_MAC" "$BASE_IP" || break
done
