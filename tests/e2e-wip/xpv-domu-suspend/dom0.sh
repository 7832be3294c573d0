#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: a checkpoint, then CYCLES saves and restores; each
# restore runs `xl restore -F`, whose log the runner follows (see
# follow_restores in xpv-dom0), and the guest must resume and tick again.
IMG=$XPV_RUN/guest.save
CYCLES=3

# save_restore I: one cycle, timed; the image is gone afterwards.
save_restore() {
	local n t0 t1 t2
	n=$(guest_lines)
	t0=$(date +%s)
	check "save-$1" xl save "$GUEST_NAME" "$IMG" || return 1
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
check checkpoint xl save -c "$GUEST_NAME" "$IMG"
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
