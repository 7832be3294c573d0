#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Checks of the repository itself, over every file git tracks: no merge
# conflict left in, a licence line in every source file, and every shell
# script at least parses (busybox ash scripts with `sh -n`, bash ones with
# `bash -n`). Ends with "tools: N passed, N failed".

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

expect "no merge conflict markers in tracked files" no_conflict_markers
expect "every source file has an SPDX line" has_spdx
expect "every shell script parses" shells_parse
lane_summary tools
