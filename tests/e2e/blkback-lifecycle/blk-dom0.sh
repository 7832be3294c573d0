# SPDX-License-Identifier: GPL-2.0-only
# dom0 helpers of the scenarios on xpv-blkback (sourced by their dom0.sh,
# shipped as /scenario/blk-dom0.sh with DOM0_FILES): the daemon's counters,
# its killing, and the chunks a guest saw acknowledged, read from the image.
. /usr/local/lib/blk-chunks.sh

PIDFILE=/run/xpv-blkback.pid
LOG=/var/log/xpv-blkback.log

# counter I K WHAT: counter WHAT (requests, flushes, discards, ...) of
# guest I's disk K (0 = xvda) in a dump the daemon logs on SIGUSR1 now.
counter() {
	local domid at n t=10
	domid=$(xl domid "$(guest_name "$1")") || return 1
	at="backend/vbd/$domid/$((51712 + 16 * $2)):"
	n=$(grep -c "$at" "$LOG")
	kill -USR1 "$(cat "$PIDFILE")" || return 1
	while [ "$(grep -c "$at" "$LOG")" -le "$n" ]; do
		[ $t -gt 0 ] || return 1
		sleep 1
		t=$((t - 1))
	done
	grep "$at" "$LOG" | tail -n1 | sed -n "s/.* \([0-9][0-9]*\) $3.*/\1/p"
}

# no_errors_logged LOG...: in every dump of the daemon(s) whose LOGs they
# are, nothing refused, no grant or disk error, no ring violation (Linux's
# blkfront is well-behaved), and no device failed (the messages
# xpv_bdev_fail and open_disk log).
no_errors_logged() {
	! grep -E ' [1-9][0-9]* (refused|grant errors|disk errors|ring violations)|cannot open|probing the backing store|connecting to the frontend|broke the ring|more than [0-9]* devices' \
		"$@"
}

# gt NEW OLD [WHAT]: NEW > OLD, said with both numbers.
gt() { echo "$3 $1, before $2"; [ "$1" -gt "$2" ]; }

# allocated_kib FILE: what FILE takes on dom0's tmpfs.
allocated_kib() { du -k "$1" | cut -f1; }

# go I PORT: let guest I past its handshake.
go() { echo go | nc -w 10 "$(guest_ip "$1")" "$2"; }

# last_acked I: the highest chunk guest I has reported acknowledged.
last_acked() {
	tr -d '\r' <"$(guest_log "$1")" | grep -o 'XPV-VALUE acked-[0-9]*' |
		sed 's/.*-//' | sort -n | tail -n1
}

# acked_on_image I: every chunk guest I saw acknowledged, read from its
# xvdb image file.
acked_on_image() {
	local list=$XPV_RUN/acked-$1
	tr -d '\r' <"$(guest_log "$1")" |
		sed -n 's/.*XPV-VALUE acked-\([0-9]*\) \([0-9a-f]\{64\}\).*/\1 \2/p' >"$list"
	chunks_match "$(disk_image "$1" 1)" "$list"
}

# worker_pid DOMID: the daemon's live worker for guest DOMID, from the
# supervisor's "domain N: worker PID" lines (see lib/sup.c).
worker_pid() {
	local pid
	pid=$(sed -n "s/.*domain $1: worker \([0-9]*\)$/\1/p" "$LOG" | tail -n1)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# kill_daemon: SIGKILL to the daemon (its workers go with it).
kill_daemon() {
	local pid
	pid=$(cat "$PIDFILE")
	kill -KILL "$pid" || return 1
	sleep 1
	! kill -0 "$pid" 2>/dev/null
}
