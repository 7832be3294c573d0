#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run end-to-end scenarios under Xen in QEMU, one QEMU boot each, and count
# them. With no names, every scenario under tests/e2e/ runs: the upstream
# baseline and the harness's negative self-tests (a guest that panics, one
# that hangs, a dom0 that dies, a dom0 that hangs), which pass when the
# harness observes the failure they provoke, with its evidence.
#
# Usage: e2e.sh [--set KEY=VALUE]... [--verbose] [SCENARIO...]
#   --set    passed to every scenario (e.g. --set GUEST_KERNEL=path)
# Logs: $XPV_BUILD/e2e/<scenario>/. The last line is "N passed, N failed";
# the exit status is non-zero when any scenario failed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

OPTS=() NAMES=()

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--set) OPTS+=(--set "$2"); shift ;;
		--verbose) OPTS+=(--verbose) ;;
		-*) sed -n '/^# Usage:/,/^# the exit/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
		*) NAMES+=("$1") ;;
		esac
		shift
	done
	[ ${#NAMES[@]} -gt 0 ] || mapfile -t NAMES < <(all_scenarios)
}

# The baseline first: when it fails, the rest says little.
all_scenarios() {
	local d
	for d in "$XPV_ROOT"/tests/e2e/*/scenario.conf; do
		basename "$(dirname "$d")"
	done | LC_ALL=C sort | awk '$0 == "upstream-baseline" { print; next } { rest[NR] = $0 }
		END { for (i = 1; i <= NR; i++) if (i in rest) print rest[i] }'
}

main() {
	parse_args "$@"
	local n pass=0 fail=0 failed=() start
	start=$(date +%s)
	stage "preparing the dom0 image"
	XPV_IMAGES=$("$HARNESS/build-dom0.sh")
	export XPV_IMAGES
	for n in "${NAMES[@]}"; do
		if "$HARNESS/scenario.sh" "${OPTS[@]}" "$n"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			failed+=("$n")
		fi
	done
	echo "e2e: ${#NAMES[@]} scenarios in $(elapsed "$start")s; logs in $XPV_BUILD/e2e/"
	[ $fail -eq 0 ] || echo "e2e: failed: ${failed[*]}"
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ] || return 1
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
