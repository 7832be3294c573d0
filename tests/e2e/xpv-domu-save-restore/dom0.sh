#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0 side of xpv-domu-save-restore and xpv-domu-migrate: receive the
# guest's stream, then move the guest MOVES times, MOVE being "save" (a
# checkpoint, xl save -c, first; then xl save and xl restore -F: the runner
# follows the restored domains, see follow_restores in xpv-dom0) or
# "migrate" (xl migrate to this host). Both come from the scenario's
# dom0-setup.sh. After each move the guest must resume in the new domain,
# and its writer, its stream and its console must go on. Then "stop", and
# the evidence: the chunks the guest saw acknowledged in the image, the
# stream as sent.
. /scenario/blk-dom0.sh
IMG=$XPV_RUN/guest.save
STREAM=$XPV_RUN/stream

# received: bytes of the stream dom0 has.
received() { wc -c <"$STREAM"; }

# grows WHAT CMD: CMD's number grows within 60 s.
grows() {
	local what=$1 before now t=60
	shift
	before=$("$@")
	while [ $t -gt 0 ]; do
		sleep 2
		now=$("$@")
		[ "$now" -gt "$before" ] && { echo "$what: $before, then $now"; return 0; }
		t=$((t - 2))
	done
	echo "$what: still $before after 60 s"
	return 1
}

# The guest's second address, which only its announcement after a move
# (a gratuitous ARP) can teach dom0: dom0 never sends to it and the guest
# speaks from its first. dom0 forgets it before each move (its bridge
# forgets every address anyway when the guest's port goes) and takes what
# a gratuitous ARP says (arp_accept; it does not by default).
neigh_mac() {
	ip neigh show dev xenbr0 |
		awk -v a="$1" '$1 == a { for (i = 2; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}
forget_guest() { arp -i xenbr0 -d "$ANNOUNCE_IP" 2>/dev/null; true; }
is_guest_mac() { [ "$(neigh_mac "$ANNOUNCE_IP")" = "$GUEST_MAC" ]; }
announced() {
	wait_until 30 is_guest_mac ||
		{ echo "dom0 has $ANNOUNCE_IP at '$(neigh_mac "$ANNOUNCE_IP")', not $GUEST_MAC"; return 1; }
}

# heard NAME: a line typed into the console comes back from the guest.
heard() {
	local n
	n=$(guest_lines)
	console_type "hello-$1" >/dev/null
	check "heard-$1" guest_seen_after "$n" "XPV-VALUE heard hello-$1" 30
}

# going_on I: the guest's console, writer and stream work after move I.
going_on() {
	heard "$1"
	check "writing-$1" grows "last chunk acknowledged" last_acked 1
	check "streaming-$1" grows "bytes received" received
}

# paused: the domain paused 12 s while the guest spins on every vCPU (a
# running vCPU paused is steal time; an idle one stays blocked, which is
# not), before any move, so the steal time of the old domain
# is more than what a new one counts while it is restored.
paused() {
	local n
	n=$(guest_lines)
	console_type "spin 30" >/dev/null
	check spinning guest_seen_after "$n" 'XPV-VALUE heard spin 30' 30 || return 1
	sleep 5
	check pause xl pause "$GUEST_NAME" || return 1
	sleep 12
	check unpause xl unpause "$GUEST_NAME"
}

# checkpoint: xl save -c, a suspend the toolstack cancels: the same domain
# goes on where it was.
checkpoint() {
	local n domid
	domid=$(xl domid "$GUEST_NAME")
	n=$(guest_lines)
	check checkpoint xl save -c "$GUEST_NAME" "$IMG" || return 1
	rm -f "$IMG"
	check checkpoint-cancelled guest_seen_after "$n" 'xpv-suspend: suspend cancelled, going on' 60
	check_eq checkpoint-same-domain "$domid" "$(xl domid "$GUEST_NAME")"
	going_on 0
}

# save I: move I as one save and restore, timed.
save() {
	local n t0 t1 t2
	n=$(guest_lines)
	t0=$(date +%s)
	forget_guest
	check "save-$1" xl save "$GUEST_NAME" "$IMG" || return 1
	t1=$(date +%s)
	xl restore -F "$IMG" >>"$XPV_RUN/xl-create-guest1.log" 2>&1 &
	check "resumed-$1" guest_seen_after "$n" 'xpv-suspend: resumed in a new domain' 180 ||
		return 1
	t2=$(date +%s)
	rm -f "$IMG"
	check "announced-$1" announced
	going_on "$1"
	echo "xpv: move $1: save $((t1 - t0)) s, restore to resumed $((t2 - t1)) s"
}

# migrate I: move I as a live migration to this host, timed.
migrate() {
	local n t0 t1
	n=$(guest_lines)
	t0=$(date +%s)
	forget_guest
	check "migrate-$1" migrate_here "$GUEST_NAME" || return 1
	t1=$(date +%s)
	check "resumed-$1" guest_seen_after "$n" 'xpv-suspend: resumed in a new domain' 60 ||
		return 1
	check "announced-$1" announced
	going_on "$1"
	echo "xpv: move $1: live migration $((t1 - t0)) s"
}

guest_wait 'XPV-VALUE stream-ready 1' 300 >/dev/null || exit 0
ANNOUNCE_IP=$(guest_value announce-ip)
GUEST_MAC=$(guest_value mac)
echo 1 >/proc/sys/net/ipv4/conf/xenbr0/arp_accept
tcp_receive 5001 "$STREAM"
console_type go >/dev/null
guest_wait 'XPV-CHECK writer-started' 60 >/dev/null || exit 0
sleep 10
paused
[ "$MOVE" != save ] || checkpoint
i=1
while [ "$i" -le "$MOVES" ]; do
	"$MOVE" "$i" || break
	i=$((i + 1))
done
console_type "stop $((i - 1))" >/dev/null
check stream-received tcp_receive_wait 120
check_eq stream-data "$(guest_value stream-sha 120)" "$(sha "$STREAM")"
check acked-on-image acked_on_image 1
