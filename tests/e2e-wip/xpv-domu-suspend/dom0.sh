#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: a checkpoint, then CYCLES saves and restores; each
# restore runs `xl restore -F`, whose log the runner follows (see
# follow_restores in xpv-dom0), and the guest must resume and tick again.
# Every save runs with xl -vvv; when one fails, its log and Xen's view of
# the domain ('q' debug key: pause count, shutdown state) are printed.
IMG=$XPV_RUN/guest.save
CYCLES=3
exec 3>&1

# xl_save NAME ARGS...: xl -vvv save ARGS; the domain's id and state
# once a second while it runs and, if it fails, the evidence a person
# needs go to fd 3, the console (check keeps only the last lines of the
# output it captures).
xl_save() {
	local name=$1 pid rc=0 log=$XPV_RUN/save-$1.log
	shift
	xl -vvv save "$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		echo "xpv: $name: $(xl list "$GUEST_NAME" 2>/dev/null | awk 'NR == 2 { print $2, $5 }')" >&3
		sleep 1
	done
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] && return 0
	{
		grep -v 'libxl_event\|libxl_aoutils' "$log" | tail -n 40
		xl list
		xl debug-keys q
		xl dmesg | tail -n 40
	} 2>&1 | sed "s/^/xpv: $name: /" >&3
	return "$rc"
}

# save_restore I: one cycle, timed; the image is gone afterwards.
save_restore() {
	local n t0 t1 t2
	n=$(guest_lines)
	t0=$(date +%s)
	check "save-$1" xl_save "save-$1" "$GUEST_NAME" "$IMG" || return 1
	t1=$(date +%s)
	xl restore -F "$IMG" >>"$XPV_RUN/xl-create-guest1.log" 2>&1 &
	check "resumed-$1" guest_seen_after "$n" 'xpv-suspend: resumed in a new domain' 180
	t2=$(date +%s)
	n=$(guest_lines)
	check "ticking-$1" guest_seen_after "$n" 'XPV-VALUE tick ' 60
	echo "xpv: cycle $1: save $((t1 - t0)) s, restore to resumed $((t2 - t1)) s"
	rm -f "$IMG"
}

guest_wait 'XPV-VALUE ticking 1' 240 >/dev/null || exit 0
sleep 3
domid=$(xl domid "$GUEST_NAME")
n=$(guest_lines)
check checkpoint xl_save checkpoint -c "$GUEST_NAME" "$IMG"
check checkpoint-cancelled guest_seen_after "$n" 'xpv-suspend: suspend cancelled, going on' 60
check_eq checkpoint-same-domain "$domid" "$(xl domid "$GUEST_NAME")"
n=$(guest_lines)
check checkpoint-ticking guest_seen_after "$n" 'XPV-VALUE tick ' 60
rm -f "$IMG"

i=1
while [ "$i" -le "$CYCLES" ]; do
	save_restore "$i" || break
	i=$((i + 1))
done
sleep 3
check stopped console_type stop
