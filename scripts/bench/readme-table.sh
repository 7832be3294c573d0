#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's bench table from a make bench run: each row of RESULTS
# replaces the table's row of the same bench and metric, between README's
# "<!-- bench-table -->" and "<!-- /bench-table -->" lines; rows RESULTS
# does not have stay as they were (each row says when it was measured: a
# metric this run could not measure, such as live migration on a Xen
# without shadow paging, keeps its last figure), a metric new to a bench
# goes after that bench's rows, a bench new to the table at its end. A
# what-if run (run.sh --ours-set) is refused: its rows are not ours as shipped.
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

# merged OLD NEW: OLD's rows, each replaced by NEW's row of the same bench
# and metric; NEW's other rows after their bench's, or at the end.
merged() {
	awk -F' \\| ' '
		FNR == NR { k = $1 FS $2; newrow[k] = $0; nk[++nn] = k; nb[nn] = $1; next }
		{ k = $1 FS $2; ok[++on] = k; ob[on] = $1; oldrow[k] = $0 }
		function rest(b,   i) {
			for (i = 1; i <= nn; i++)
				if (nb[i] == b && !(nk[i] in done)) { print newrow[nk[i]]; done[nk[i]] = 1 }
		}
		END {
			for (i = 1; i <= on; i++) {
				k = ok[i]
				print (k in newrow) ? newrow[k] : oldrow[k]
				done[k] = 1
				if (i == on || ob[i + 1] != ob[i]) rest(ob[i])
			}
			for (i = 1; i <= nn; i++) rest(nb[i])
		}' "$2" "$1"
}

main() {
	# globals: the EXIT trap runs after main returns
	[ -f "$results" ] || die "no $results: run make bench first"
	[ -f "$readme" ] || die "no $readme"
	! grep -q '^what-if: ' "$results" ||
		die "$results is a what-if run (run.sh --ours-set): its rows are not ours as shipped"
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
