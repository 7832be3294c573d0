#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's bench table from a make bench run: the rows of every bench in
# RESULTS replace that bench's rows in the table between README's
# "<!-- bench-table -->" and "<!-- /bench-table -->" lines; the rows of
# benches RESULTS does not have stay as they were (each row says when it
# was measured), benches new to the table go at its end.
#
# Usage: readme-table.sh [RESULTS [README]]
#   (default: build/bench/results.md and README.md of this clone)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$root/scripts/bench/lib.sh"

results=${1:-$root/build/bench/results.md}
readme=${2:-$root/README.md}

die() { echo "readme-table: $*" >&2; exit 1; }

# rows FILE: the table rows of FILE (neither the head nor its rule).
rows() { grep -E '^\| ' "$1" | grep -v -E '^\| (bench|---) \|' || true; }

# merged OLD NEW: OLD's rows with NEW's benches replaced, in OLD's order.
merged() {
	awk -F' \\| ' '
		FNR == NR { b = substr($1, 3); if (!(b in newrows)) norder[++nn] = b; newrows[b] = newrows[b] $0 "\n"; next }
		{ b = substr($1, 3); if (!(b in seen)) { seen[b] = 1; oorder[++on] = b }; oldrows[b] = oldrows[b] $0 "\n" }
		END {
			for (i = 1; i <= on; i++) { b = oorder[i]; printf "%s", (b in newrows) ? newrows[b] : oldrows[b] }
			for (i = 1; i <= nn; i++) if (!(norder[i] in seen)) printf "%s", newrows[norder[i]]
		}' "$2" "$1"
}

main() {
	# globals: the EXIT trap runs after main returns
	[ -f "$results" ] || die "no $results: run make bench first"
	[ -f "$readme" ] || die "no $readme"
	grep -qx '<!-- bench-table -->' "$readme" && grep -qx '<!-- /bench-table -->' "$readme" ||
		die "$readme has no <!-- bench-table --> ... <!-- /bench-table --> block"
	new=$(mktemp) old=$(mktemp) tmp=$(mktemp)
	trap 'rm -f "$new" "$old" "$tmp"' EXIT
	rows "$results" >"$new"
	[ -s "$new" ] || die "$results has no rows"
	sed -n '/^<!-- bench-table -->$/,/^<!-- \/bench-table -->$/p' "$readme" | rows /dev/stdin >"$old"
	{
		sed '/^<!-- bench-table -->$/q' "$readme"
		table_header
		merged "$old" "$new"
		sed -n '/^<!-- \/bench-table -->$/,$p' "$readme"
	} >"$tmp"
	cat "$tmp" >"$readme"
}

main "$@"; exit
