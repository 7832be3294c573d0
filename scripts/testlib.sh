# SPDX-License-Identifier: GPL-2.0-only
# Counting checks in shell test lanes. Source it; each check prints
# "ok - NAME" or "not ok - NAME", and lane_summary LANE prints the line
# scripts/check.sh totals: "LANE: N passed, N failed".

lane_passed=0 lane_failed=0
ok() { lane_passed=$((lane_passed + 1)); echo "ok - $*"; }
not_ok() { lane_failed=$((lane_failed + 1)); echo "not ok - $*"; }
# expect NAME CMD...: one check, passed when CMD succeeds.
expect() {
	local name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
lane_summary() {
	echo "$1: $lane_passed passed, $lane_failed failed"
	[ "$lane_failed" -eq 0 ]
}
