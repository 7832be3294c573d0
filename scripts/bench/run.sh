#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: ours against upstream Linux's Xen pieces, as ratios, in one run.
#
# A bench is tests/bench/<name>/: a scenario directory (scenario.conf,
# guest.sh, dom0.sh... as in tests/e2e/README.md) plus bench.conf, which
# names the two variants of the one scenario (and describe.conf, if there,
# what each metric measures, as DESCRIBE=([metric]="text")):
#   OURS_LABEL="xpv-blkback"   OURS_SETS=(DISKS=xpv:256 DOM0_SETUP=start.sh)
#   BASE_LABEL="xen-blkback"   BASE_SETS=(DISKS=kernel:256)
# (a bench measured against several bases names them in BASE_LABELS, and
# each metric's name starts with its base's: results.json says which)
# Each variant is one boot of the harness (scenario.sh --set ...); guest.sh
# and dom0.sh report numbers with `bench METRIC VALUE UNIT`. The variants
# alternate (ours, base, ours, base...) BENCH_RUNS times each. A bench whose
# bench.conf sets INTERLEAVED=1 measures both sides in each boot instead
# (its scripts report ours:METRIC and base:METRIC, in rounds), so the
# machine's noise falls on both alike; BENCH_RUNS is its boots. Then the
# median of each metric is compared, with the spread (min-max) of each
# side: a row whose wider spread is at least the difference of the medians
# says "within noise" (lib.sh). A variant whose scenario fails, or a
# metric one variant reported and the other did not, fails the bench: no
# ratio comes from a run that did not do its work. A number reported as
# ref:METRIC is the machine's, not either side's (dom0's copy rates from
# xpv-copyrate): its row has a median and spread and no ratio, so the
# rows beside it can be read as a fraction of what the machine can do.
# A number behind warmup: is a warm-up round's (first connects pay for
# pools and caches either side keeps afterwards): measured, not counted.
#
# Usage: run.sh [--runs N] [--ours-set SETTING]... [BENCH...]
#   (default: every tests/bench/*)
#   --ours-set  a scenario setting for our side on top of bench.conf's, for
#               a what-if (e.g. GUEST_CMDLINE="console=hvc0
#               blkfront.max_ring_page_order=0": our blkfront on Debian's
#               ring size); results.md and results.json say so, and
#               readme-table.sh refuses such a run. Not for a bench that
#               measures both sides in one boot.
# Output: a table on stdout and in $XPV_BUILD/bench/results.md (and
# results.json, every sample kept); per-run logs under
# $XPV_BUILD/bench/<name>/<label>-<run>/. Ratios are ours/base of the
# median; "better" says which direction is (units ending in /s and the
# factor x: higher; anything else, a time or a size: lower). scripts/bench/readme-table.sh
# puts the rows into the README's table.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../harness/common.sh"
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=${BENCH_RUNS:-1} NAMES=() OURS_EXTRA=()
OUT=$XPV_BUILD/bench

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--runs) RUNS=$2; shift ;;
		--ours-set)
			[[ ${2:-} =~ ^[A-Z][A-Z0-9_]*= ]] || die "--ours-set wants NAME=VALUE, not '${2:-}'"
			OURS_EXTRA+=("$2"); shift ;;
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
	OURS_LABEL='' BASE_LABEL='' OURS_SETS=() BASE_SETS=() INTERLEAVED=0 BASE_LABELS=()
	# shellcheck disable=SC1091
	. "$dir/bench.conf"
	unset DESCRIBE
	declare -gA DESCRIBE=()
	# shellcheck disable=SC1091
	[ ! -f "$dir/describe.conf" ] || . "$dir/describe.conf"
	[ -n "$OURS_LABEL" ] && [ -n "$BASE_LABEL" ] ||
		die "$1: bench.conf must set OURS_LABEL and BASE_LABEL"
	[ "$OURS_LABEL" != "$BASE_LABEL" ] || die "$1: the two labels are the same"
	BENCH_DIR=$dir
}

# bench_lines RUNDIR: "METRIC VALUE UNIT" for every XPV-BENCH line the guest
# (through dom0's copy of its console) or dom0 printed on the serial line,
# but a warm-up round's (warmup:METRIC).
bench_lines() {
	tr -d '\r' <"$1/serial.log" |
		sed -n -E 's/^.*XPV-BENCH ([^ ]+) ([-+0-9.eE]+) ([^ ]+) *$/\1 \2 \3/p' |
		sed '/^warmup:/d'	# a warm-up round's: not counted
}

# features_lines RUNDIR: what each device's two ends agreed on, as dom0's
# bench_features printed it ("[SIDE:]DEV TYPE: backend ... frontend ...").
features_lines() {
	tr -d '\r' <"$1/serial.log" | sed -n 's/^.*XPV-BENCH-FEATURES //p'
}

# run_variant NAME KIND RUN: one boot of the scenario; its numbers are
# appended to $OUT/NAME/KIND.values as "METRIC VALUE UNIT", what its
# devices agreed on to KIND.features.
run_variant() {
	local name=$1 kind=$2 run=$3 label sets=() s args=() rundir
	if [ "$kind" = ours ]; then
		label=$OURS_LABEL sets=("${OURS_SETS[@]}" "${OURS_EXTRA[@]}")
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
	bench_lines "$rundir" >"$rundir/bench.values"
	features_lines "$rundir" >>"$OUT/$name/$kind.features"
	split_refs "$rundir/bench.values" "$OUT/$name" >>"$OUT/$name/$kind.values"
	[ -s "$OUT/$name/$kind.values" ] || {
		FAILED+=("$name ($label run $run: no XPV-BENCH lines)")
		return 1
	}
}

# split_refs VALUES DIR: the lines of VALUES but its ref: numbers, which
# are appended (prefix dropped) to DIR/ref.values.
split_refs() {
	sed -n 's/^ref://p' "$1" >>"$2/ref.values"
	grep -v '^ref:' "$1" || true
}

# split_sides FILE DIR EXT: FILE's ours: and base: lines, prefix dropped,
# appended to DIR/ours.EXT and DIR/base.EXT.
split_sides() {
	sed -n 's/^ours://p' "$1" >>"$2/ours.$3"
	sed -n 's/^base://p' "$1" >>"$2/base.$3"
}

# run_interleaved NAME RUN: one boot that measures both sides in rounds;
# its "ours:METRIC" and "base:METRIC" numbers go to ours.values and
# base.values, ref: ones to ref.values. A number with no prefix fails the
# bench.
run_interleaved() {
	local name=$1 run=$2 rundir=$OUT/$1/rounds-$2 stray
	stage "bench $name: $OURS_LABEL and $BASE_LABEL interleaved, run $run of $RUNS"
	if ! XPV_SCENARIO_RUN=$rundir "$HARNESS/scenario.sh" "$BENCH_DIR"; then
		FAILED+=("$name (run $run: scenario failed, see $rundir/result.txt)")
		return 1
	fi
	bench_lines "$rundir" >"$rundir/bench.values"
	split_refs "$rundir/bench.values" "$OUT/$name" >"$rundir/sides.values"
	split_sides "$rundir/sides.values" "$OUT/$name" values
	features_lines "$rundir" >"$rundir/features"
	split_sides "$rundir/features" "$OUT/$name" features
	stray=$(grep -c -v -E '^(ours|base):' "$rundir/sides.values" || true)
	[ "$stray" = 0 ] || {
		FAILED+=("$name (run $run: $stray number(s) without ours:/base:/ref:)")
		return 1
	}
	[ -s "$OUT/$name/ours.values" ] || {
		FAILED+=("$name (run $run: no XPV-BENCH lines)")
		return 1
	}
}

# base_of METRIC: what the metric is measured against: of BASE_LABELS (a
# bench with several bases), the one its name starts with ("LABEL-...");
# else BASE_LABEL.
base_of() {
	local l
	for l in "${BASE_LABELS[@]}"; do
		[[ $1 == "$l"-* ]] && { echo "$l"; return; }
	done
	echo "$BASE_LABEL"
}

# compare NAME: table rows for one bench; a metric missing on one side, a
# unit that differs or a different number of samples fails it.
compare() {
	local name=$1 dir=$OUT/$1 metric om olo ohi n unit os label better v
	local bm blo bhi bn bunit bs when
	stats "$dir/ours.values" >"$dir/ours.stats"
	stats "$dir/base.values" >"$dir/base.stats"
	when=$(date -u +%Y-%m-%d)
	while IFS=$'\t' read -r metric om olo ohi n unit os; do
		IFS=$'\t' read -r bm blo bhi bn bunit bs < <(awk -F'\t' -v m="$metric" \
			'$1 == m { print $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 }' "$dir/base.stats") || true
		if [ -z "${bm:-}" ]; then
			FAILED+=("$name: $OURS_LABEL reported $metric, $BASE_LABEL did not")
			continue
		fi
		[ "$bunit" = "$unit" ] || {
			FAILED+=("$name: $metric is $unit for $OURS_LABEL, $bunit for $BASE_LABEL")
			bm=''
			continue
		}
		[ "$bn" = "$n" ] || FAILED+=("$name: $metric has $n values for $OURS_LABEL, $bn for $BASE_LABEL")
		label=$metric
		[ -z "${DESCRIBE[$metric]:-}" ] || label="$metric (${DESCRIBE[$metric]})"
		better=$(better "$unit")
		v=$(verdict "$better" "$n" "$om" "$olo" "$ohi" "$bm" "$blo" "$bhi")
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$label" \
			"$(cell "$om" "$olo" "$ohi" "$n" "$unit")" "$(cell "$bm" "$blo" "$bhi" "$bn" "$unit")" \
			"$(ratio "$om" "$bm")" "$better" "$v" "$when, $n sample(s)"
		printf '%s\t' "$name" "$metric" "$unit" "$OURS_LABEL" "$om" "$olo" "$ohi" "$os" \
			"$(base_of "$metric")" "$bm" "$blo" "$bhi" "$bs" "$n" "$better" >>"$OUT/rows.tsv"
		printf '%s\n' "$v" >>"$OUT/rows.tsv"
		bm=''
	done <"$dir/ours.stats"
	while IFS=$'\t' read -r metric _; do
		awk -F'\t' -v m="$metric" '$1 == m { f = 1 } END { exit !f }' "$dir/ours.stats" ||
			FAILED+=("$name: $BASE_LABEL reported $metric, $OURS_LABEL did not")
	done <"$dir/base.stats"
	compare_refs "$name"
}

# compare_refs NAME: a row per reference number of the bench (ref.values):
# its median and spread in the ours column, nothing to compare it with.
compare_refs() {
	local name=$1 dir=$OUT/$1 metric m lo hi n unit samples label when
	[ -s "$dir/ref.values" ] || return 0
	stats "$dir/ref.values" >"$dir/ref.stats"
	when=$(date -u +%Y-%m-%d)
	while IFS=$'\t' read -r metric m lo hi n unit samples; do
		label="$metric ($(ref_describe "$metric"))"
		printf '| %s | %s | %s | - | - | %s | machine reference | %s |\n' "$name" "$label" \
			"$(cell "$m" "$lo" "$hi" "$n" "$unit")" "$(better "$unit")" "$when, $n sample(s)"
		printf '%s\t' "$name" "$metric" "$unit" "dom0" "$m" "$lo" "$hi" "$samples" \
			"reference" 0 0 0 "" "$n" "$(better "$unit")" >>"$OUT/rows.tsv"
		printf '%s\n' "machine reference" >>"$OUT/rows.tsv"
	done <"$dir/ref.stats"
}

# features_of NAME KIND LABEL: "  - LABEL negotiated: LINE" for each thing KIND's
# devices agreed on in the bench, once however many runs saw it.
features_of() {
	[ -s "$OUT/$1/$2.features" ] || return 0
	sort -u "$OUT/$1/$2.features" | awk -v l="$3" '{ print "  - " l " negotiated: " $0 }'
}

# json: the rows of this run as JSON, every sample kept, for tools; the
# --ours-set settings under "ours_sets"; under "features", per bench and
# side, what the devices agreed on.
json() {
	awk -F'\t' -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v runs="$RUNS" \
		-v whatif="$(printf '%s\n' "${OURS_EXTRA[@]}" | sed '/^$/d')" '
		function str(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
		function side(label, med, lo, hi, samples) {
			return sprintf("{\"label\": %s, \"median\": %s, \"min\": %s, \"max\": %s, \"samples\": [%s]}",
				       str(label), med, lo, hi, samples)
		}
		BEGIN {
			printf "{\"date\": %s, \"runs\": %d, \"ours_sets\": [", str(date), runs
			n = split(whatif, w, "\n")
			for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? ", " : ""), str(w[i])
			printf "], \"rows\": ["
		}
		{
			printf "%s\n  {\"bench\": %s, \"metric\": %s, \"unit\": %s, ", (NR > 1 ? "," : ""), str($1), str($2), str($3)
			printf "\"ours\": %s, ", side($4, $5, $6, $7, $8)
			if ($9 == "reference")	# a reference: nothing to compare it with
				printf "\"upstream\": null, \"reference\": true, "
			else
				printf "\"upstream\": %s, ", side($9, $10, $11, $12, $13)
			printf "\"ratio\": %s, \"runs\": %d, \"better\": %s, \"verdict\": %s}", ($10 == 0 ? "null" : $5 / $10), $14, str($15), str($16)
		}
		END { print "\n]," }' "$OUT/rows.tsv"
	local d kind bsep='' ksep
	printf '"features": {'
	for d in "$OUT"/*/; do
		[ -s "$d/ours.features" ] || [ -s "$d/base.features" ] || continue
		printf '%s\n  "%s": {' "$bsep" "$(basename "$d")"
		ksep=''
		for kind in ours base; do
			[ -s "$d/$kind.features" ] || continue
			printf '%s"%s": [' "$ksep" "$([ $kind = ours ] && echo ours || echo upstream)"
			sort -u "$d/$kind.features" |
				awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s\"%s\"", (NR > 1 ? ", " : ""), $0 }'
			printf ']'
			ksep=', '
		done
		printf '}'
		bsep=,
	done
	printf '\n}}\n'
}

main() {
	parse_args "$@"
	local name run start table
	if [ ${#OURS_EXTRA[@]} -gt 0 ]; then
		for name in "${NAMES[@]}"; do
			load_conf "$name"
			[ "$INTERLEAVED" = 0 ] ||
				die "$name measures both sides in one boot: --ours-set does not apply"
		done
	fi
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
		: >"$OUT/$name/ref.values"
		local ok=1
		for run in $(seq 1 "$RUNS"); do
			if [ "$INTERLEAVED" = 1 ]; then
				run_interleaved "$name" "$run" || { ok=0; break; }
			else
				run_variant "$name" ours "$run" || { ok=0; break; }
				run_variant "$name" base "$run" || { ok=0; break; }
			fi
		done
		[ $ok = 1 ] || continue
		if [ "$INTERLEAVED" = 1 ]; then
			echo "$name: $OURS_LABEL against $BASE_LABEL in rounds within each of $RUNS boot(s)" >"$OUT/$name/what"
		else
			echo "$name: $OURS_LABEL against $BASE_LABEL, one boot each, $RUNS run(s)" >"$OUT/$name/what"
		fi
		features_of "$name" ours "$OURS_LABEL" >>"$OUT/$name/what"
		features_of "$name" base "$BASE_LABEL" >>"$OUT/$name/what"
		compare "$name" >>"$table"
	done
	{
		echo "# make bench, $(date -u +%Y-%m-%d), $RUNS run(s) per variant: median (min-max)"
		echo
		[ ${#OURS_EXTRA[@]} -eq 0 ] ||
			printf 'what-if: ours with %s (not for the README table)\n\n' "${OURS_EXTRA[*]}"
		for name in "${NAMES[@]}"; do
			[ ! -f "$OUT/$name/what" ] || sed '1s/^/- /' "$OUT/$name/what"
		done
		echo
		table_header
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

# On one line with main: bash reads a script as it runs. Sourced (by
# tests/scripts/bench_test.sh), it only defines its functions.
[ "${BASH_SOURCE[0]}" != "$0" ] || { main "$@"; exit; }
