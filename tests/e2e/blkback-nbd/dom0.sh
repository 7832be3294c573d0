# SPDX-License-Identifier: GPL-2.0-only
# dom0 side of blkback-nbd: once the guest has 5 chunks acknowledged,
# qemu-nbd is killed mid-write; for 4 s nothing may be acknowledged (the
# daemon waits for the server, it never answers a write it could not
# make), then the server is started again on the same image and the guest
# told. Afterwards every acknowledged chunk is in the image, the daemon
# logged the loss and the reconnection and no failed request, it issued
# several waiting commands on the new connection (the guest's readers and
# writer had requests waiting at once), and the guest's worker is the one
# it started with.
. /scenario/blk-dom0.sh

# reissued_at_least N: the daemon's first reconnection issued N or more
# waiting commands (the count its "connected again" line gives: those
# unanswered when the server died, and any that came while it was away).
reissued_at_least() {
	local n
	n=$(sed -n 's/.*connected again (reconnect [0-9]*; \([0-9]*\) commands to issue;.*/\1/p' \
		"$LOG" | head -n1)
	grep 'connection lost' "$LOG" | head -n1
	echo "commands issued on the new connection: ${n:-none}"
	[ -n "$n" ] && [ "$n" -ge "$1" ]
}

# kill_nbd: SIGKILL to the server of guest 1's xvdb; gone when this returns.
kill_nbd() {
	local pid t=20
	pid=$(cat "$(nbd_pidfile 1 1)") && kill -KILL "$pid" || return 1
	while kill -0 "$pid" 2>/dev/null; do
		[ $t -gt 0 ] || return 1
		sleep 0.1
		t=$((t - 1))
	done
}

# same_as A B: the same number twice (chunks acknowledged, then 3 s later).
same_as() { echo "last chunk acknowledged: $1, then $2"; [ "$1" = "$2" ]; }

# one_worker DOMID: the supervisor started one worker for DOMID, never a
# second (read from its log: by now the guest may be gone, and its worker).
one_worker() {
	grep "domain $1: worker \|worker of domain $1 " "$LOG"
	[ "$(grep -c "domain $1: worker " "$LOG")" -eq 1 ]
}

# the_outage: the server killed under the writing guest, and back.
the_outage() {
	local domid worker before
	domid=$(xl domid "$GUEST_NAME") && worker=$(worker_pid "$domid")
	check worker-sandboxed grep -q '^Seccomp:[[:space:]]*2' "/proc/$worker/status"
	check server-killed kill_nbd
	# a chunk acknowledged before the kill may still be on its way to the log
	sleep 1
	before=$(last_acked 1)
	sleep 3
	check no-ack-while-away same_as "$before" "$(last_acked 1)"
	check server-restarted nbd_serve 1 1
	console_type nbd-restarted >/dev/null
	guest_wait 'XPV-CHECK chunks-read-back' 240 >/dev/null
	check loss-logged grep -q 'connection lost' "$LOG"
	check reconnect-logged grep -q 'connected again' "$LOG"
	check several-reissued reissued_at_least 2
	check same-worker one_worker "$domid"
	check acked-on-image acked_on_image 1
}

check no-kernel-blkback test ! -d /sys/module/xen_blkback
! guest_wait 'XPV-VALUE acked-5 ' 240 >/dev/null || the_outage
check daemon-alive kill -0 "$(cat "$PIDFILE")"
check no-errors-logged no_errors_logged "$LOG"
sed 's/^/[xpv-blkback] /' "$LOG"
