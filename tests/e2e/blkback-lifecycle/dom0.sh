# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: for each guest, the daemon's flush and discard counters and the
# image's allocated size around the guest's sync and fstrim; then, while
# both guests write, guest 1's worker crashed (SIGSEGV) and started again
# by the supervisor, SIGKILL of the whole daemon, a restart, and every
# chunk a guest saw acknowledged compared with the image file itself.

. /scenario/blk-dom0.sh

# flush_and_discard I: guest I's sync and fstrim, seen in the daemon.
flush_and_discard() {
	local i=$1 f0 f1 d1 d2 k1 k2
	guest_wait_on "$i" 'XPV-VALUE phase sync-before' 240 >/dev/null || return 1
	f0=$(counter "$i" 0 flushes)
	go "$i" 5301
	guest_wait_on "$i" 'XPV-VALUE phase sync-after' 120 >/dev/null || return 1
	f1=$(counter "$i" 0 flushes)
	d1=$(counter "$i" 0 discards)
	k1=$(allocated_kib "$(disk_image "$i" 0)")
	check "flush-reached-$i" gt "$f1" "$f0" flushes
	go "$i" 5302
	guest_wait_on "$i" 'XPV-VALUE phase trimmed' 120 >/dev/null || return 1
	d2=$(counter "$i" 0 discards)
	k2=$(allocated_kib "$(disk_image "$i" 0)")
	check "discard-reached-$i" gt "$d2" "$d1" discards
	# The 16 MiB file was removed and trimmed: at least 12 MiB punched out.
	check "image-punched-$i" gt "$((k1 - 12288))" "$k2" "allocated KiB (+12 MiB), now"
	go "$i" 5303
}

# new_worker DOMID OLD: a worker for DOMID other than OLD within 15 s.
new_worker() {
	local t=15 w
	while [ $t -gt 0 ]; do
		w=$(worker_pid "$1") && [ "$w" != "$2" ] && { echo "worker $2 -> $w"; return 0; }
		sleep 1
		t=$((t - 1))
	done
	return 1
}

# crash_one_worker: guest 1's worker dies as if a guest had found a bug in
# it; it comes back, and guest 2's worker never notices.
crash_one_worker() {
	local d1 d2 w1 w2
	d1=$(xl domid "$(guest_name 1)") && d2=$(xl domid "$(guest_name 2)") || return 1
	w1=$(worker_pid "$d1") w2=$(worker_pid "$d2")
	check worker-per-guest test -n "$w1" -a -n "$w2" -a "$w1" != "$w2"
	check worker-sandboxed grep -q '^Seccomp:[[:space:]]*2' "/proc/$w1/status"
	kill -SEGV "$w1"
	check worker-restarted new_worker "$d1" "$w1"
	check worker-death-logged grep -q "worker of domain $d1 died (signal 11)" "$LOG"
	check other-worker-untouched test "$(worker_pid "$d2")" = "$w2"
}

# workers_gone: every worker the supervisor started has exited (within
# 30 s): each guest's went with it.
workers_gone() {
	local t=30 pid live
	while [ $t -gt 0 ]; do
		live=
		for pid in $(sed -n 's/.*domain [0-9]*: worker \([0-9]*\)$/\1/p' "$LOG"); do
			! kill -0 "$pid" 2>/dev/null || live="$live $pid"
		done
		[ -n "$live" ] || return 0
		sleep 1
		t=$((t - 1))
	done
	echo "workers still running:$live"
	return 1
}

# restart_mid_run: SIGKILL while both guests write, 3 s without a daemon,
# a new one; the guests go on, and nothing they saw acknowledged is lost.
restart_mid_run() {
	local i before1 before2
	guest_wait_on 1 'XPV-VALUE acked-5 ' 300 >/dev/null &&
		guest_wait_on 2 'XPV-VALUE acked-5 ' 300 >/dev/null || return 1
	crash_one_worker
	check daemon-killed kill_daemon || return 1
	before1=$(last_acked 1) before2=$(last_acked 2)
	echo "xpv: daemon killed after chunks $before1 (guest 1), $before2 (guest 2)"
	sleep 3
	check daemon-restarted /usr/local/sbin/start-xpv-blkback -a 32 || return 1
	go 1 5310
	go 2 5310
	for i in 1 2; do
		guest_wait_on "$i" 'XPV-VALUE phase writer-done' 240 >/dev/null
		check "restarted-daemon-serves-$i" gt "$(counter "$i" 1 requests)" 0 \
			"requests on xvdb since the restart"
		# each of the >= 10 chunks since then was fsync'ed on /dev/xvdb
		check "block-fsync-flushes-$i" gt "$(counter "$i" 1 flushes)" 9 \
			"flushes on xvdb since the restart"
		go "$i" 5304
	done
	check resumed-1 gt "$(last_acked 1)" "$before1" "last chunk acknowledged"
	check resumed-2 gt "$(last_acked 2)" "$before2" "last chunk acknowledged"
	check acked-on-image-1 acked_on_image 1
	check acked-on-image-2 acked_on_image 2
}

check no-kernel-blkback test ! -d /sys/module/xen_blkback
flush_and_discard 1 &
flush_and_discard 2 &
wait
restart_mid_run
for i in 1 2; do guest_wait_on "$i" 'XPV-GUEST-BOOT [0-9] 2' 240 >/dev/null; done
for i in 1 2; do guest_wait_on "$i" 'XPV-GUEST-POWEROFF' 240 >/dev/null; done
check daemon-alive kill -0 "$(cat "$PIDFILE")"
check workers-exited workers_gone
check no-errors-logged no_errors_logged "$LOG.old" "$LOG"
# the raw disks were served through the workers' io_uring (aio.c)
check io-uring grep -q 'io_uring: up to 32 requests in flight' "$LOG.old" "$LOG"
sed 's/^/[xpv-blkback] /' "$LOG.old" "$LOG"
