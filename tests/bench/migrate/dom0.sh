#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: three rounds of xl save and xl restore, then, where this Xen
# can (see scenario.conf), three live migrations; each timed from dom0.
IMG=$XPV_RUN/guest.save
ROUNDS=3

# ms: dom0's uptime in milliseconds (busybox's date has no %N).
ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# stamp: each line of stdin after dom0's uptime in ms when it came.
stamp() {
	awk '{ getline u <"/proc/uptime"; close("/proc/uptime")
	       split(u, f, " "); printf "%d %s\n", f[1] * 1000, $0; fflush() }'
}

# ping_gap: ping's output, the replies replaced by the longest silence
# between two of them: "gap FROM TO" (ms of dom0's uptime).
ping_gap() {
	stamp | awk '/ seq=/ { if (last && $1 - last > to - from) { from = last; to = $1 }
			      last = $1; next }
		     { sub(/^[0-9]* /, ""); print }
		     END { print "gap", from + 0, to + 0 }'
}

# trace I: where round I's downtime went, in dom0's clock from the last
# reply before it: xl's lines, and the first reply after it.
trace() {
	local gap
	gap=$(sed -n 's/^gap //p' "$XPV_RUN/ping-$1.out")
	echo "xpv: migrate-$1 trace (ms after the last reply before the longest silence):"
	awk -v from="${gap% *}" -v to="${gap#* }" '
		{ t = $1; $1 = ""; printf "  %+6d%s\n", t - from, $0 }
		END { printf "  %+6d the guest answers again\n", to - from }' \
		"$XPV_RUN/migrate-$1.out"
}

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
	local t0 t1 ping_pid gap_pid sent got rc out=$XPV_RUN/migrate-$1.out
	local fifo=$XPV_RUN/ping-$1.fifo
	mkfifo "$fifo"
	ping_gap <"$fifo" >"$XPV_RUN/ping-$1.out" &
	gap_pid=$!
	ping -i 0.01 "$GUEST_IP" >"$fifo" 2>&1 &
	ping_pid=$!
	sleep 2
	t0=$(ms)
	{ migrate_here "$GUEST_NAME" 2>&1; echo "xl-status $?"; } | stamp >"$out"
	t1=$(ms)
	rc=$(sed -n 's/^[0-9]* xl-status //p' "$out")
	if [ "$rc" -ne 0 ] && grep -q 'Failed to enable logdirty' "$out"; then
		kill "$ping_pid"
		return 2
	fi
	check "migrate-$1" test "$rc" -eq 0 || { sed 's/^/  /' "$out"; return 1; }
	check "answers-$1" answers || return 1
	sleep 1
	kill -INT "$ping_pid"
	wait "$ping_pid" "$gap_pid"
	rm -f "$fifo"
	trace "$1"
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
