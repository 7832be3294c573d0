# SPDX-License-Identifier: GPL-2.0-only
# The soak's dom0 side, sourced by dom0-setup.sh (the cycles, the baseline)
# and dom0.sh (the final figures). Cycles run in pairs, at the same time on
# the same two daemons: an odd cycle in slot 2 is destroyed mid-I/O, an
# even one in slot 1 ends cleanly. A cycle creates domain soak-SLOT from
# the harness's configuration for guest SLOT (xl_config: that guest's disk
# image on xpv-blkback, its MAC on xpv-netback, address 192.0.2.<1+SLOT>)
# with xpv.soak=N:MODE:SLOT, listens for its TCP stream on port 5199+SLOT, and ends it: MODE kill = xl
# destroy once the guest says its writes and stream are running, MODE
# clean = the guest powers off by itself once they are done. Then it waits
# until the domain has left xl, xenstore, the backend directories and the
# bridge.

# gone_everywhere DOMID: nothing of DOMID left in xl, xenstore or ip link.
gone_everywhere() {
	! xl list "$1" >/dev/null 2>&1 &&
		! xenstore-exists "/local/domain/$1" &&
		! xenstore-exists "/local/domain/0/backend/vbd/$1" &&
		! xenstore-exists "/local/domain/0/backend/vif/$1" &&
		[ ! -e "/sys/class/net/vif$1.0" ]
}

# soak_cycle N MODE SLOT: one cycle; one line about it on the console.
soak_cycle() {
	local n=$1 mode=$2 slot=$3 name=soak-$3 domid start busy=- line rc=0 lpid
	local log=/var/log/xen/console/guest-soak-$3.log cfg=$XPV_RUN/soak-$3.cfg
	: >"$log"
	nc -l -p $((5199 + slot)) </dev/zero >/dev/null 2>&1 &
	lpid=$!
	# slot 2 must not answer for guest 1's address, not even while booting
	xl_config "$slot" "$name" "xpv.soak=$n:$mode:$slot xpv.ip=192.0.2.$((1 + slot))" >"$cfg"
	start=$(date +%s)
	xl create -q "$cfg" >"$XPV_RUN/$name-xl.log" 2>&1 ||
		{ echo "soak: cycle $n: xl create failed"; cat "$XPV_RUN/$name-xl.log"; }
	domid=$(xl domid "$name" 2>/dev/null) || domid=
	if [ -n "$domid" ]; then
		line=$(log_wait "$log" 'XPV-VALUE soak-busy|XPV-GUEST-POWEROFF' 180) || line=
		case $line in *soak-busy*) busy=$(($(date +%s) - start)) ;; esac
		if [ "$mode" = kill ]; then
			[ "$busy" != - ] && xl destroy "$name" || rc=1
		else
			[ "$busy" != - ] && log_wait "$log" "XPV-VALUE soak-clean $n" 60 >/dev/null &&
				wait_until 60 gone_everywhere "$domid" || rc=1
		fi
		# a guest that did not do as told is destroyed all the same
		xl destroy "$name" 2>/dev/null
		wait_until 30 gone_everywhere "$domid" || rc=1
	else
		rc=1
	fi
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	echo "soak: cycle $n $mode: domid ${domid:-none}, busy after ${busy}s, gone after $(($(date +%s) - start))s"
	if [ "$rc" -ne 0 ]; then
		echo "soak: cycle $n failed; its console:"
		tail -n 30 "$log" | tr -d '\r' | sed 's/^/| /'
	fi
	return "$rc"
}

# soak_cycles N: N cycles, two at a time (odd: destroyed mid-I/O, even:
# clean); the baseline after the first pair (every path taken once). The
# number of the last clean cycle goes to $XPV_RUN/soak-last-clean for
# dom0.sh (slot 1 is guest 1's disk, where the harness's guest finds it).
soak_cycles() {
	local n=1 failed=0 p1 p2
	[ "$1" -ge 2 ] || { echo "SOAK_CYCLES must be at least 2"; return 1; }
	truncate -s "${DISKS#*:}M" "$(disk_image 2 0)"
	while [ "$n" -le "$1" ]; do
		soak_cycle "$n" kill 2 &
		p1=$!
		p2=
		if [ $((n + 1)) -le "$1" ]; then
			soak_cycle $((n + 1)) clean 1 &
			p2=$!
		fi
		wait "$p1" || failed=$((failed + 1))
		if [ -n "$p2" ]; then
			if wait "$p2"; then
				echo $((n + 1)) >"$XPV_RUN/soak-last-clean"
			else
				failed=$((failed + 1))
			fi
		fi
		echo "soak: after cycle $((n + 1)): $(soak_daemons_line)"
		if [ "$n" -eq 1 ]; then
			check baseline-settled soak_settled 30
			soak_figures >"$XPV_RUN/soak-baseline"
		fi
		n=$((n + 2))
	done
	echo "soak: $1 cycles, $(($1 - $1 / 2)) destroyed mid-I/O, $(($1 / 2)) clean, $failed failed"
	check_eq soak-cycles "$1 cycles, 0 failed" "$1 cycles, $failed failed"
}

daemon_pid() { cat "/run/xpv-$1.pid"; }

# daemon_figures NAME: NAME-rss (KiB), NAME-fds, NAME-gntdev (mappings of
# /dev/xen/gntdev: the guests' rings) of daemon NAME.
daemon_figures() {
	local pid
	pid=$(daemon_pid "$1")
	echo "$1-rss $(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
	echo "$1-fds $(ls "/proc/$pid/fd" | wc -l)"
	echo "$1-gntdev $(grep -c /dev/xen/gntdev "/proc/$pid/maps")"
}

# soak_figures: "METRIC VALUE" lines for both daemons and dom0.
soak_figures() {
	daemon_figures blkback
	daemon_figures netback
	echo "vif-taps $(ip -o link show | grep -c ': vif')"
	echo "backend-nodes $( (xenstore-list /local/domain/0/backend/vbd
		xenstore-list /local/domain/0/backend/vif) 2>/dev/null | wc -l)"
	echo "xenstore-domains $(xenstore-list /local/domain | grep -cvx 0)"
	echo "xl-guests $(xl list | awk 'NR > 1 && $1 != "Domain-0"' | wc -l)"
}

soak_daemons_line() {
	soak_figures | awk '/^(blk|net)back-/ { printf "%s%s %s", sep, $1, $2; sep = ", " }'
}

# soak_settled SECS: within SECS, no ring mapped, no TAP, no backend node,
# no guest: what a leak would keep.
soak_settled() {
	wait_until "$1" sh -c '! grep -q /dev/xen/gntdev /proc/$(cat /run/xpv-blkback.pid)/maps /proc/$(cat /run/xpv-netback.pid)/maps &&
		! ip -o link show | grep -q ": vif" &&
		[ -z "$(xenstore-list /local/domain/0/backend/vbd /local/domain/0/backend/vif 2>/dev/null)" ]'
}

fig() { awk -v m="$1" '$1 == m { print $2 }' "$2"; }

# soak_report BASELINE FINAL: one line per metric, and the checks.
soak_report() {
	local m b f d
	for m in $(awk '{ print $1 }' "$2"); do
		b=$(fig "$m" "$1") f=$(fig "$m" "$2")
		echo "XPV-SOAK $m baseline ${b:-?} final $f ($SOAK_CYCLES cycles)"
	done
	for d in blkback netback; do
		check_eq "$d-gntdev-none" 0 "$(fig "$d-gntdev" "$2")"
		check_eq "$d-fds-kept" "$(fig "$d-fds" "$1")" "$(fig "$d-fds" "$2")"
		# RSS moves by pages as malloc's heap settles: measured over 20
		# cycles, xpv-blkback grew by 80 KiB in its first 10 and then not
		# at all, xpv-netback moved within 60 KiB. 256 KiB (64 pages) over
		# the baseline leaves room for that; a device's buffers or rings
		# kept after it is gone (a bounce buffer alone is up to 1 MiB per
		# queue) are not room.
		check "$d-rss-bounded" test "$(fig "$d-rss" "$2")" -le $(($(fig "$d-rss" "$1") + 256))
	done
	check_eq no-vif-taps 0 "$(fig vif-taps "$2")"
	check_eq no-backend-nodes 0 "$(fig backend-nodes "$2")"
	check_eq no-xenstore-domains 0 "$(fig xenstore-domains "$2")"
	check_eq no-xl-guests 0 "$(fig xl-guests "$2")"
	check daemons-alive kill -0 "$(daemon_pid blkback)" "$(daemon_pid netback)"
}
