#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# How dom0's scenario runner (scripts/harness/dom0/xpv-dom0) follows a guest
# through saves, restores and migrations, against a fake xl whose domains
# and logs change as it is asked: the runner a move behind, a domain that
# came and went between two looks, a crash. No Xen.
# Ends with "tools: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/testlib.sh"
. "$root/scripts/harness/shared/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fns FILE NAME...: the definitions of the functions NAME in FILE (the
# runner starts its main when sourced): from "NAME() {" to a line "}", or
# that one line when it ends with "}".
fns() {
	local f=$1 n
	shift
	for n; do
		awk -v n="$n" '
			index($0, n "() {") == 1 { p = 1; print; if ($0 ~ /}$/) p = 0; next }
			p { print }
			p && /^}$/ { p = 0 }' "$f"
	done
}
runner=$root/scripts/harness/dom0/xpv-dom0
eval "$(fns "$root/scripts/harness/dom0/lib.sh" guest_name stage_line)"
eval "$(fns "$runner" still_there last_reason domain_logs ended_by end_of downs last_down \
	next_down reason_of restored moved_on follow_restores guest_exists guest_state \
	domain_state wait_domain_gone)"

GUEST_NAME=guest XPV_RUN=$tmp GUEST_TIMEOUT=60 MODE=batch
# no waiting: a second is a tick, and 3 ticks without a change are plenty
sleep() { :; }
eval "shared_$(declare -f wait_until)"
wait_until() { shared_wait_until 3 "${@:2}"; }

# The fake xl: domains in $tmp/doms ("NAME ID STATE"), the runner's xl log
# in $tmp/xl-create-guest1.log. Each call is a tick; $tmp/at<N>, if there,
# runs at tick N to change the world (calls run in subshells: the tick is
# kept in a file).
xl() {
	local t
	t=$(($(cat "$tmp/tick") + 1))
	echo "$t" >"$tmp/tick"
	# shellcheck disable=SC1090
	[ ! -f "$tmp/at$t" ] || . "$tmp/at$t"
	case $1 in
	domid) awk -v n="$2" '$1 == n { print $2; f = 1 } END { exit !f }' "$tmp/doms" ;;
	list)
		echo "Name ID Mem VCPUs State Time(s)"
		awk -v n="${2:-}" 'n == "" || $1 == n { print $1, $2, 256, 1, $3, "1.0" }' "$tmp/doms" ;;
	esac
}

# world DOMS LOG: the domains and the xl log at the start; tick 0.
world() {
	rm -f "$tmp"/at*
	printf '%s\n' "$1" | sed '/^$/d' >"$tmp/doms"
	printf '%s\n' "$2" | sed '/^$/d' >"$tmp/xl-create-guest1.log"
	echo 0 >"$tmp/tick"
}
down() { echo "Domain $1 has shut down, reason code $2 0x$2"; }

# follow: the runner after a boot that ended by a suspend; its stage lines
# and how it says the guest ended.
follow() {
	BOOT_END=suspend
	follow_restores 1 >"$tmp/stages"
	echo "$BOOT_END: $(sed 's/^XPV-STAGE guest ended: //; s/ (guest, after a move)//' "$tmp/stages" | paste -sd' ')"
}

# A move behind: domain 4 (after a migration) goes when the next migration
# ends, and when the runner looks again domain 5, the guest's next, has
# powered off and is being destroyed. Domain 4 ended by a suspend, 5 by
# its poweroff: the last line logged is not domain 4's end.
world "guest 4 -b----" "$(down 3 2)"
cat >"$tmp/at4" <<A
echo "guest 5 ---s--" >"$tmp/doms"
{ down 4 2; down 5 0; } >>"$tmp/xl-create-guest1.log"
A
echo ": >$tmp/doms" >"$tmp/at9"
expect "a move behind: each domain's end is its own (suspend, then poweroff)" \
	test "$(follow)" = "poweroff: suspend poweroff"

# Two moves behind: when domain 4 is gone, 5 has come and powered off too.
world "guest 4 -b----" "$(down 3 2)"
cat >"$tmp/at4" <<A
: >"$tmp/doms"
{ down 4 2; down 5 0; } >>"$tmp/xl-create-guest1.log"
A
expect "the last domain gone before the runner took the one before it: suspend, poweroff" \
	test "$(follow)" = "poweroff: suspend poweroff"

# The logs are one per xl process, so their order is not the domains':
# domain 6's line comes before 5's.
world "" "$(down 3 2)"
echo "{ down 6 0; down 4 2; down 5 2; } >>$tmp/xl-create-guest1.log" >"$tmp/at1"
expect "domains taken in the order Xen made them, not the logs' order" \
	test "$(follow)" = "poweroff: suspend suspend poweroff"

# Restored, then powered off before the runner looked for it.
world "" "$(down 3 2)"
echo "down 4 0 >>$tmp/xl-create-guest1.log" >"$tmp/at1"
expect "a domain that came and went between two looks: its end from the log" \
	test "$(follow)" = "poweroff: poweroff"

# Restored, saved again, and the next one crashed (kept by on_crash=preserve).
world "guest 4 -b----" "$(down 3 2)"
cat >"$tmp/at4" <<A
echo "guest 5 -b----" >"$tmp/doms"
down 4 2 >>"$tmp/xl-create-guest1.log"
A
cat >"$tmp/at8" <<A
echo "guest 5 ----c-" >"$tmp/doms"
down 5 3 >>"$tmp/xl-create-guest1.log"
A
expect "a save, then a crash kept for evidence: suspend, crash" \
	test "$(follow)" = "crash: suspend crash"

# Gone with no shutdown logged (saved by a toolstack nobody watched), then
# never restored: suspend, then the runner gives up.
world "guest 4 -b----" "$(down 3 2)"
echo ": >$tmp/doms" >"$tmp/at4"
expect "gone without a shutdown logged is a save; nothing after it: not restored" \
	test "$(follow)" = "not-restored: suspend"

lane_summary tools
