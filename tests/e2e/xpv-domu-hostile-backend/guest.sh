# SPDX-License-Identifier: GPL-2.0-only
# Guest side: dom0 attaches every device of /etc/xpv-hostile.list; as
# each arrives, check what its script's outcome promises; then wait for
# the ones dom0 detaches to leave; then the kernel as a whole: a disk
# still works, no oops, no KFENCE or lockdep report, processes still run.
BUS=/sys/bus/xpv-xenbus/devices

said() { dmesg | grep -E -- "$1"; }
gone() { [ ! -e "$1" ]; }

# A good disk carries data both ways.
disk_works() {
	local dev=/dev/$1
	wait_until 60 test -b "$dev" || return 1
	dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 2>/dev/null
	dd if=/tmp/pattern of="$dev" bs=64k oflag=direct 2>/dev/null &&
		dd if="$dev" of=/tmp/back bs=64k count=16 iflag=direct 2>/dev/null &&
		[ "$(sha /tmp/pattern)" = "$(sha /tmp/back)" ]
}

# A failed disk answers nothing, and never the backend's stale page.
disk_fails() {
	rm -f /tmp/back
	if dd if="/dev/$1" of=/tmp/back bs=4k count=1 iflag=direct 2>/dev/null; then
		echo "a read of /dev/$1 succeeded"
		return 1
	fi
	! grep -q XPV-STALE /tmp/back 2>/dev/null
}

netdev_of() { ls "$BUS/vif-$1/net" 2>/dev/null; }

# up_or_broken DEVID DEV: netfront connected it, or has already given up.
up_or_broken() {
	[ "$(cat "/sys/class/net/$2/carrier" 2>/dev/null)" = 1 ] || said "vif-$1 .*broke"
}

# Bring a NIC up (netfront connects then) and make it send (ARP), so a TX
# script has something to answer and an RX script buffers to fill; nobody
# answers the ping. A backend that misbehaves may never give a carrier.
nic_poke() {
	local dev
	wait_until 30 netdev_of "$1" >/dev/null || return 0
	dev=$(netdev_of "$1")
	ip addr add "10.99.$1.2/24" dev "$dev" 2>/dev/null
	ip link set "$dev" up 2>/dev/null
	wait_until 60 up_or_broken "$1" "$dev" >/dev/null
	ping -c 2 -W 1 "10.99.$1.1" >/dev/null 2>&1
	return 0
}

# A good NIC is up and its packets were taken by the backend.
nic_works() {
	local dev
	dev=$(netdev_of "$1") || return 1
	ip link show "$dev" | grep -q UP &&
		[ "$(cat "/sys/class/net/$dev/statistics/tx_packets")" -gt 0 ]
}

# check_device TYPE NAME DEVID VDEV OUTCOME
check_device() {
	local type=$1 name=$2 devid=$3 vdev=$4 outcome=$5
	check "$type-$name-appears" wait_until 300 test -e "$BUS/$type-$devid" || return
	if [ "$type" = vif ]; then nic_poke "$devid"; fi
	case $type:$outcome in
	vbd:works) check "$type-$name-works" disk_works "$vdev" ;;
	vif:works) check "$type-$name-works" nic_works "$devid" ;;
	*:survives) ;;
	*)
		check "$type-$name-refused" wait_until 90 said "$type-$devid.*$outcome"
		if [ "$type" = vbd ]; then check "$type-$name-no-data" disk_fails "$vdev"; fi
		;;
	esac
}

. /etc/xpv-hostile-each.sh

checked() { check_device "$1" "$2" "$3" "$4" "$6"; }
detached() { [ "$5" != detach ] || check "$1-$2-detached" wait_until 150 gone "$BUS/$1-$3"; }
# closed TYPE DEVID: this end of the device is Closed (the bus's state
# file gives ours, then the backend's).
closed() {
	local ours
	ours=$(cut -d' ' -f1 "$BUS/$1-$2/state") || return 1
	[ "$ours" = Closed ] || { echo "$1-$2 is $ours"; return 1; }
}
# A device that failed and stays is still Closed at the end: the frontend
# gave up on that backend and does not connect it again.
stays_closed() {
	case $5:$6 in stay:works | *:survives | detach:*) return 0 ;; esac
	check "$1-$2-stays-closed" closed "$1" "$3"
}
# the last disk that works and stays: the one used again at the end
last_good_disk() { [ "$1:$5:$6" != vbd:stay:works ] || echo "$4" >/tmp/last-good-disk; }

value ready 1
each checked
value checked-all 1
each detached
each stays_closed
each last_good_disk
check storm-disk-still-works disk_works "$(cat /tmp/last-good-disk)"
check no-oops sh -c '! dmesg | grep -E "Oops|BUG:|WARNING:|KFENCE|possible .*deadlock|inconsistent lock|Call Trace"'
check still-forks sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true || exit 1; done'
