# SPDX-License-Identifier: GPL-2.0-only
# Guest side: watch /sys/bus/xpv-xenbus for the disk dom0 attaches and
# detaches.
DEV=/sys/bus/xpv-xenbus/devices/vbd-51712

# wait_path [!] PATH SECS: until PATH exists (or, with !, is gone).
wait_path() {
	local not='' t
	[ "$1" = '!' ] && { not=1; shift; }
	t=$2
	while [ "$t" -gt 0 ]; do
		if [ -z "$not" ]; then [ -e "$1" ] && return 0; else [ -e "$1" ] || return 0; fi
		sleep 1
		t=$((t - 1))
	done
	echo "timed out waiting for $1${not:+ to go}"
	return 1
}

# wait_state WANT SECS: both ends' states, as the device shows them.
wait_state() {
	local t=$2
	while [ "$t" -gt 0 ]; do
		[ "$(cat "$DEV/state" 2>/dev/null)" = "$1" ] && return 0
		sleep 1
		t=$((t - 1))
	done
	echo "state is '$(cat "$DEV/state" 2>/dev/null)', not '$1'"
	return 1
}

ls /sys/bus/xpv-xenbus/devices/
value ready-for-disk 1
check vbd-appears wait_path "$DEV" 120
cat "$DEV/nodename" "$DEV/devtype" "$DEV/otherend" "$DEV/state"
check vbd-backend grep -q '^/local/domain/0/backend/vbd/[0-9]*/51712 (domain 0)$' "$DEV/otherend"
check vbd-connected wait_state 'Connected Connected' 60
check xvda-present wait_path /dev/xvda 30
value saw-disk 1
check vbd-gone wait_path ! "$DEV" 120
check xvda-gone wait_path ! /dev/xvda 30
