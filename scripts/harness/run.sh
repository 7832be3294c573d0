#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot Xen + dom0 in QEMU and one PV guest with a disk and a network
# interface, and show the guest's console live. With a terminal, the guest
# console is that terminal and ends in a shell ('exit' powers the guest off
# and ends the run); without one (CI), the guest shows its devices, powers
# off, and the run is judged like a scenario.
#
# Usage: run.sh [--kernel FILE|debian] [--set KEY=VALUE]...
#   --kernel   the guest kernel (default: ours, build/xenU/vmlinux);
#              'debian' for Debian's 6.1, the reference
#   --set      any scenario setting (tests/e2e/README.md), e.g. GUEST_MEMORY=512
# The scenario is scripts/harness/run-guest/; logs in $XPV_BUILD/e2e/run-guest/.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SETS=()

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel)
			case $2 in
			debian | debian-bzimage) SETS+=(--set "GUEST_KERNEL=$2") ;;
			*) SETS+=(--set "GUEST_KERNEL=$(realpath "$2")") ;;
			esac
			shift ;;
		--set) SETS+=(--set "$2"); shift ;;
		*) sed -n '/^# Usage:/,/^# The scenario/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
		esac
		shift
	done
}

main() {
	parse_args "$@"
	local mode=demo
	[ -t 0 ] && [ -t 1 ] && mode=interactive
	stage "fetching Debian's Xen, kernel and tools (cache: $XPV_CACHE)"
	"$HARNESS/fetch.sh" >/dev/null
	stage "building the dom0 image"
	XPV_IMAGES=$("$HARNESS/build-dom0.sh")
	export XPV_IMAGES
	[ "$mode" = interactive ] &&
		stage "booting Xen; the guest's shell comes after dom0 starts it ('exit' ends)"
	exec "$HARNESS/scenario.sh" --mode "$mode" "${SETS[@]}" "$HARNESS/run-guest"
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
