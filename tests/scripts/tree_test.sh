#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Checks of the repository itself, over every file git tracks: no merge
# conflict left in, a licence line in every source file, and every shell
# script at least parses (busybox ash scripts with `sh -n`, bash ones with
# `bash -n`), and every file a scenario or bench names by a path in the
# repository (DOM0_SETUP, DOM0_FILES, GUEST_FILES) exists. Ends with
# "tools: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/testlib.sh"
cd "$root" || exit 1

no_conflict_markers() {
	! git grep -n -E '^(<<<<<<<|>>>>>>>)( |$)|^=======$' -- . ':!*.md'
}

# Source files that lack an SPDX-License-Identifier in their first lines.
missing_spdx() {
	local f
	git ls-files -- '*.c' '*.h' '*.S' '*.sh' '*.py' 'Makefile' '*/Makefile' \
		'Kbuild' '*/Kbuild' 'Kconfig' '*/Kconfig' '*.conf' '*.md' |
	while read -r f; do
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' || echo "$f"
	done
}

has_spdx() {
	local m
	m=$(missing_spdx)
	[ -z "$m" ] || { echo "no SPDX line in:"; echo "$m"; return 1; }
}

# Every tracked shell script (by its #! line or .sh name) parses.
shells_parse() {
	local f first bad=0
	while read -r f; do
		first=$(head -n 1 "$f")
		case $first in
		*bash*) bash -n "$f" || bad=1 ;;
		'#!/bin/sh'*) sh -n "$f" || bad=1 ;;
		*) case $f in *.sh) bash -n "$f" || bad=1 ;; esac ;;
		esac
	done < <(git ls-files | while read -r f; do
		[ -f "$f" ] || continue
		case $f in *.sh) echo "$f"; continue ;; esac
		head -c 2 "$f" | grep -q '#!' && echo "$f"
	done)
	return $bad
}

# The files one scenario.conf names, $XPV_BUILD's left out.
scenario_sources() {
	local dir=$1 item
	(
		XPV_ROOT=$root XPV_BUILD=/nonexistent-build
		DOM0_SETUP='' DOM0_FILES='' GUEST_FILES=''
		. "$dir/scenario.conf" >/dev/null 2>&1
		for item in $DOM0_SETUP $DOM0_FILES $GUEST_FILES; do
			item=${item%%:*}
			case $item in
			/nonexistent-build/*) ;;
			/*) echo "$item" ;;
			*) echo "$dir/$item" ;;
			esac
		done
	)
}

scenario_files_exist() {
	local conf f bad=0
	for conf in tests/e2e/*/scenario.conf tests/e2e-wip/*/scenario.conf \
		    tests/bench/*/scenario.conf; do
		[ -f "$conf" ] || continue
		while read -r f; do
			# what git ignores is built (backends/out/...)
			[ -e "$f" ] || git check-ignore -q "$f" ||
				{ echo "${conf%/scenario.conf}: no $f"; bad=1; }
		done < <(scenario_sources "$root/${conf%/scenario.conf}")
	done
	return $bad
}

expect "no merge conflict markers in tracked files" no_conflict_markers
expect "every source file has an SPDX line" has_spdx
expect "every shell script parses" shells_parse
expect "every file a scenario names is in the tree" scenario_files_exist
lane_summary tools
