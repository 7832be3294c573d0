#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: three rounds of xl save and xl restore, then, where this Xen
# can (see scenario.conf), three live migrations; each timed from dom0.
IMG=$XPV_RUN/guest.save
ROUNDS=3

# ms: dom0's uptime in milliseconds (busybox's date has no %N).
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# answers: the guest answers a ping within 120 s (one every 20 ms).
answers() { ping -i 0.02 -w 120 "$GUEST_IP" | grep -m1 -q 'bytes from'; }

# save_restore I: round I's save and restore.
save_restore() {
	local t0 t1
	t0=$(ms)
	check "save-$1" xl save "$GUEST_NAME" "$IMG" || return 1
	t1=$(ms)
	bench save $((t1 - t0)) ms
	xl restore -F "$IMG" >>"$XPV_RUN/xl-create-guest1.log" 2>&1 &
	check "restore-$1" answers || return 1
	bench restore $(($(ms) - t1)) ms
	rm -f "$IMG"
}

# live_migration I: round I's xl migrate, with pings every 10 ms from dom0
# the whole time: downtime = the pings not answered, times 10 ms. Returns
# 2 if this Xen cannot live-migrate a PV guest (no shadow paging: no
# log-dirty tracking), which xl says before asking the guest anything.
live_migration() {
	local t0 t1 ping_pid sent got rc=0 out=$XPV_RUN/migrate-$1.out
	ping -q -i 0.01 "$GUEST_IP" >"$XPV_RUN/ping-$1.out" 2>&1 &
	ping_pid=$!
	sleep 2
	t0=$(ms)
	migrate_here "$GUEST_NAME" >"$out" 2>&1 || rc=$?
	t1=$(ms)
	if [ "$rc" -ne 0 ] && grep -q 'Failed to enable logdirty' "$out"; then
		kill "$ping_pid"
		return 2
	fi
	check "migrate-$1" test "$rc" -eq 0 || { sed 's/^/  /' "$out"; return 1; }
	check "answers-$1" answers || return 1
	sleep 1
	kill -INT "$ping_pid"
	wait "$ping_pid"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$XPV_RUN/ping-$1.out")
	got=$(sed -n 's/.*transmitted, \([0-9]*\) packets received.*/\1/p' "$XPV_RUN/ping-$1.out")
	check_eq "ping-$1" counted "${sent:+${got:+counted}}" || return 1
	bench migrate $((t1 - t0)) ms
	bench migrate-downtime $(((sent - got) * 10)) ms
}

guest_wait 'XPV-VALUE bench-ready 1' 300 >/dev/null || exit 0
check answers-0 answers || exit 0
i=1
while [ "$i" -le "$ROUNDS" ] && save_restore "$i"; do i=$((i + 1)); done
i=1 rc=0
while [ "$i" -le "$ROUNDS" ]; do
	live_migration "$i" || { rc=$?; break; }
	i=$((i + 1))
done
[ "$rc" != 2 ] ||
	echo "xpv: no live migration: this Xen has no shadow paging (PV log-dirty); XEN=shadow builds one (scripts/harness/build-xen-shadow.sh)"
console_type stop >/dev/null
