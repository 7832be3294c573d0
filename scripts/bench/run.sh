#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: ours against upstream Linux's Xen pieces, as ratios, in one run.
#
# A bench is tests/bench/<name>/: a scenario directory (scenario.conf,
# guest.sh, dom0.sh... as in tests/e2e/README.md) plus bench.conf, which
# names the two variants of the one scenario:
#   OURS_LABEL="xpv-blkback"   OURS_SETS=(DISKS=xpv:256 DOM0_SETUP=start.sh)
#   BASE_LABEL="xen-blkback"   BASE_SETS=(DISKS=kernel:256)
# Each variant is one boot of the harness (scenario.sh --set ...); guest.sh
# and dom0.sh report numbers with `bench METRIC VALUE UNIT`. The variants
# alternate (ours, base, ours, base...) BENCH_RUNS times each, and the
# median of each metric is compared. A variant whose scenario fails, or a
# metric one variant reported and the other did not, fails the bench: no
# ratio comes from a run that did not do its work.
#
# Usage: run.sh [--runs N] [BENCH...]   (default: every tests/bench/*)
# Output: a table on stdout and in $XPV_BUILD/bench/results.md (and
# results.json); per-run
# logs under $XPV_BUILD/bench/<name>/<label>-<run>/. Ratios are ours/base
# of the value; the last column says which direction is better (units
# ending in /s: higher; anything else, a time or a size: lower).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../harness/common.sh"

RUNS=${BENCH_RUNS:-1} NAMES=()
OUT=$XPV_BUILD/bench

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--runs) RUNS=$2; shift ;;
		-*) sed -n '/^# Usage:/,/^# of the value/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
		*) NAMES+=("$1") ;;
		esac
		shift
	done
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs wants a positive number, not '$RUNS'"
	if [ ${#NAMES[@]} -eq 0 ]; then
		local d
		for d in "$XPV_ROOT"/tests/bench/*/bench.conf; do
			[ -f "$d" ] && NAMES+=("$(basename "$(dirname "$d")")")
		done
	fi
	[ ${#NAMES[@]} -gt 0 ] || die "no benches under tests/bench/"
}

# load_conf NAME: the bench's variants into OURS_*/BASE_*.
load_conf() {
	local dir=$XPV_ROOT/tests/bench/$1
	[ -f "$dir/bench.conf" ] || die "no bench at $dir (bench.conf missing)"
	OURS_LABEL='' BASE_LABEL='' OURS_SETS=() BASE_SETS=()
	# shellcheck disable=SC1091
	. "$dir/bench.conf"
	[ -n "$OURS_LABEL" ] && [ -n "$BASE_LABEL" ] ||
		die "$1: bench.conf must set OURS_LABEL and BASE_LABEL"
	[ "$OURS_LABEL" != "$BASE_LABEL" ] || die "$1: the two labels are the same"
	BENCH_DIR=$dir
}

# bench_lines RUNDIR: "METRIC VALUE UNIT" for every XPV-BENCH line the guest
# (through dom0's copy of its console) or dom0 printed on the serial line.
bench_lines() {
	tr -d '\r' <"$1/serial.log" |
		sed -n -E 's/^.*XPV-BENCH ([^ ]+) ([-+0-9.eE]+) ([^ ]+) *$/\1 \2 \3/p'
}

# run_variant NAME KIND RUN: one boot of the scenario; its numbers are
# appended to $OUT/NAME/KIND.values as "METRIC VALUE UNIT".
run_variant() {
	local name=$1 kind=$2 run=$3 label sets=() s args=() rundir
	if [ "$kind" = ours ]; then
		label=$OURS_LABEL sets=("${OURS_SETS[@]}")
	else
		label=$BASE_LABEL sets=("${BASE_SETS[@]}")
	fi
	for s in "${sets[@]}"; do args+=(--set "$s"); done
	rundir=$OUT/$name/$label-$run
	stage "bench $name: $label, run $run of $RUNS"
	if ! XPV_SCENARIO_RUN=$rundir "$HARNESS/scenario.sh" "${args[@]}" "$BENCH_DIR"; then
		FAILED+=("$name ($label run $run: scenario failed, see $rundir/result.txt)")
		return 1
	fi
	bench_lines "$rundir" >>"$OUT/$name/$kind.values"
	[ -s "$OUT/$name/$kind.values" ] || {
		FAILED+=("$name ($label run $run: no XPV-BENCH lines)")
		return 1
	}
}

# medians FILE: "METRIC MEDIAN UNIT N" per metric, in first-seen order.
medians() {
	awk '{
		if (!($1 in n)) { order[++m] = $1; unit[$1] = $3 }
		v[$1, ++n[$1]] = $2
	}
	END {
		for (i = 1; i <= m; i++) {
			k = order[i]; c = n[k]
			for (a = 1; a <= c; a++) s[a] = v[k, a] + 0
			for (a = 2; a <= c; a++)
				for (b = a; b > 1 && s[b - 1] > s[b]; b--) { t = s[b]; s[b] = s[b - 1]; s[b - 1] = t }
			med = (c % 2) ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
			printf "%s %g %s %d\n", k, med, unit[k], c
		}
	}' "$1"
}

# compare NAME: table rows for one bench; a metric missing on one side or
# a unit that differs fails it.
compare() {
	local name=$1 dir=$OUT/$1 metric ov unit n bv bunit bn
	medians "$dir/ours.values" >"$dir/ours.median"
	medians "$dir/base.values" >"$dir/base.median"
	while read -r metric ov unit n; do
		read -r bv bunit bn < <(awk -v m="$metric" '$1 == m { print $2, $3, $4 }' "$dir/base.median")
		if [ -z "${bv:-}" ]; then
			FAILED+=("$name: $OURS_LABEL reported $metric, $BASE_LABEL did not")
			continue
		fi
		[ "$bunit" = "$unit" ] || {
			FAILED+=("$name: $metric is $unit for $OURS_LABEL, $bunit for $BASE_LABEL")
			continue
		}
		[ "$bn" = "$n" ] || FAILED+=("$name: $metric has $n values for $OURS_LABEL, $bn for $BASE_LABEL")
		printf '| %s | %s | %s %s | %s %s | %s | %s |\n' "$name" "$metric" \
			"$ov" "$unit" "$bv" "$unit" "$(ratio "$ov" "$bv")" "$(better "$unit")"
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$metric" "$unit" \
			"$OURS_LABEL" "$ov" "$BASE_LABEL" "$bv" "$n" "$(better "$unit")" >>"$OUT/rows.tsv"
		bv=''
	done <"$dir/ours.median"
	while read -r metric _; do
		grep -q "^$metric " "$dir/ours.median" ||
			FAILED+=("$name: $BASE_LABEL reported $metric, $OURS_LABEL did not")
	done <"$dir/base.median"
}

# json: the rows of this run as JSON, for tools.
json() {
	awk -F'\t' -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v runs="$RUNS" '
		function str(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
		BEGIN { printf "{\"date\": %s, \"runs\": %d, \"rows\": [", str(date), runs }
		{
			printf "%s\n  {\"bench\": %s, \"metric\": %s, \"unit\": %s, ", (NR > 1 ? "," : ""), str($1), str($2), str($3)
			printf "\"ours\": {\"label\": %s, \"median\": %s}, ", str($4), $5
			printf "\"upstream\": {\"label\": %s, \"median\": %s}, ", str($6), $7
			printf "\"ratio\": %s, \"runs\": %d, \"better\": %s}", ($7 == 0 ? "null" : $5 / $7), $8, str($9)
		}
		END { print "\n]}" }' "$OUT/rows.tsv"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f\n", a / b }'; }
better() { case $1 in */s) echo higher ;; *) echo lower ;; esac; }

main() {
	parse_args "$@"
	local name run start table
	start=$(date +%s)
	FAILED=()
	rm -rf "$OUT"
	mkdir -p "$OUT"
	stage "preparing the dom0 image"
	XPV_IMAGES=$("$HARNESS/build-dom0.sh")
	export XPV_IMAGES
	table=$OUT/table.md
	: >"$table"
	: >"$OUT/rows.tsv"
	for name in "${NAMES[@]}"; do
		load_conf "$name"
		mkdir -p "$OUT/$name"
		: >"$OUT/$name/ours.values"
		: >"$OUT/$name/base.values"
		local ok=1
		for run in $(seq 1 "$RUNS"); do
			run_variant "$name" ours "$run" || { ok=0; break; }
			run_variant "$name" base "$run" || { ok=0; break; }
		done
		[ $ok = 1 ] || continue
		echo "$name: $OURS_LABEL against $BASE_LABEL, $RUNS run(s) each, median" >"$OUT/$name/what"
		compare "$name" >>"$table"
	done
	{
		echo "# make bench, $(date -u +%Y-%m-%d), $RUNS run(s) per variant, medians"
		echo
		for name in "${NAMES[@]}"; do
			[ ! -f "$OUT/$name/what" ] || echo "- $(cat "$OUT/$name/what")"
		done
		echo
		echo '| bench | metric | ours | upstream | ours/upstream | better |'
		echo '| --- | --- | --- | --- | --- | --- |'
		cat "$table"
	} >"$OUT/results.md"
	json >"$OUT/results.json"
	cat "$OUT/results.md"
	echo "bench: $(elapsed "$start")s; table in $OUT/results.md"
	if [ ${#FAILED[@]} -gt 0 ]; then
		printf 'bench failed: %s\n' "${FAILED[@]}"
		return 1
	fi
}

# On one line with main: bash reads a script as it runs.
main "$@"; exit
