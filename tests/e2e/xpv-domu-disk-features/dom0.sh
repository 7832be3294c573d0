# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: what blkfront negotiated (xenstore, the daemon's dump); the
# image after the guest's fstrim; the indirect requests counted by the
# daemon; then, while the guest writes, the daemon killed and restarted,
# and killed again with xvdb's backend closed, until blkfront starts over
# and reconnects to the restarted daemon; every chunk the guest saw
# acknowledged compared with the image.

. /scenario/blk-dom0.sh

guest_wait 'XPV-VALUE phase trimmed' 300 >/dev/null || exit 1
DOMID=$(xl domid "$GUEST_NAME")
FE=/local/domain/$DOMID/device/vbd/51728
BE=/local/domain/0/backend/vbd/$DOMID/51728

# xs_wait PATH VALUE [SECS]: PATH reads VALUE within SECS (30).
xs_wait() {
	local t=${3:-30}
	while [ "$(xenstore-read "$1" 2>/dev/null)" != "$2" ]; do
		[ "$t" -gt 0 ] || { echo "$1: $(xenstore-read "$1" 2>&1), not $2"; return 1; }
		sleep 1
		t=$((t - 1))
	done
}

# acked_past N [SECS]: the guest saw a chunk after chunk N acknowledged.
acked_past() {
	local t=${2:-120}
	while [ "$(last_acked 1)" -le "$1" ]; do
		[ "$t" -gt 0 ] || return 1
		sleep 1
		t=$((t - 1))
	done
	echo "chunk $(last_acked 1) acknowledged, after $1"
}

# xvdb as blkfront published it and as the daemon serves it.
negotiated() {
	check_eq fe-queues 2 "$(xenstore-read "$FE/multi-queue-num-queues")"
	check_eq fe-ring-order 2 "$(xenstore-read "$FE/ring-page-order")"
	check_eq be-queues 2 "$(counter 1 1 'queue(s)')"
}

features() {
	local k
	check discard-reached gt "$(counter 1 0 discards)" 0 discards
	# 16 MiB were written and synced: fewer than 8 MiB are left allocated
	k=$(allocated_kib "$(disk_image 1 0)")
	check image-punched gt 8192 "$k" "8 MiB in KiB, the image takes"
	guest_wait 'XPV-VALUE phase big-done' 300 >/dev/null || return 1
	check indirect-counted gt "$(counter 1 1 indirect)" 0 "indirect requests on xvdb"
	# our blkfront's kept pages, mapped once by the daemon
	check pgrants-kept gt "$(counter 1 1 'persistent grants kept')" 0 \
		"persistent grants kept for xvdb"
}

# restart: SIGKILL, 3 s without a daemon, a new one resuming the rings.
restart() {
	local before
	guest_wait 'XPV-VALUE acked-5 ' 300 >/dev/null || return 1
	check daemon-killed kill_daemon || return 1
	before=$(last_acked 1)
	sleep 3
	check daemon-restarted /usr/local/sbin/start-xpv-blkback -a 32 || return 1
	check resumed-after-restart acked_past "$before"
}

# reconnect: SIGKILL, xvdb's backend closed by hand (what a backend going
# away writes), blkfront closes and starts over; a new daemon offers
# itself again and blkfront re-issues what it held.
reconnect() {
	local before
	acked_past $(( $(last_acked 1) + 5 )) >/dev/null || return 1
	check daemon-killed-again kill_daemon || return 1
	before=$(last_acked 1)
	xenstore-write "$BE/state" 5
	check fe-closed xs_wait "$FE/state" 6
	xenstore-write "$BE/state" 6
	check fe-starts-over xs_wait "$FE/state" 1
	check daemon-restarted-again /usr/local/sbin/start-xpv-blkback -a 32 || return 1
	check fe-reconnected xs_wait "$FE/state" 4 60
	check resumed-after-reconnect acked_past "$before"
}

# no_errors_logged: nothing refused, no grant or disk error, no violation.
no_errors_logged() {
	! grep -E ' [1-9][0-9]* (refused|grant errors|disk errors|ring violations)|cannot open|broke the ring' \
		"$LOG.old" "$LOG"
}

negotiated
features
restart
reconnect
guest_wait 'XPV-VALUE phase writer-done' 300 >/dev/null
check acked-on-image acked_on_image 1
check no-errors-logged no_errors_logged
# the raw disks were served through the worker's io_uring (aio.c)
check io-uring grep -q 'io_uring: up to 32 requests in flight' "$LOG.old" "$LOG"
sed 's/^/[xpv-blkback] /' "$LOG.old" "$LOG"
