#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The arithmetic of make bench (scripts/bench/lib.sh) and the README's
# table (scripts/bench/readme-table.sh), on made-up samples: no QEMU.
# Ends with "tools: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/testlib.sh"
. "$root/scripts/bench/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# same NAME WANT GOT: one check, with both shown when they differ.
same() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (want '$2', got '$3')"; fi
}

cat >"$tmp/values" <<'V'
seq-read 14 MB/s
exec 6.3 s
seq-read 9 MB/s
seq-read 30.5 MB/s
exec 5.1 s
V
stats "$tmp/values" >"$tmp/stats"
tab=$'\t'
same "stats: odd count, median is the middle, samples in order" \
	"seq-read${tab}14${tab}9${tab}30.5${tab}3${tab}MB/s${tab}14,9,30.5" "$(sed -n 1p "$tmp/stats")"
same "stats: even count, median is the mean of the middle two" \
	"exec${tab}5.7${tab}5.1${tab}6.3${tab}2${tab}s${tab}6.3,5.1" "$(sed -n 2p "$tmp/stats")"

same "verdict: one run has no spread" "one run: no spread" "$(verdict higher 1 10 10 10 5 5 5)"
same "verdict: spread wider than the difference" "within noise" "$(verdict higher 3 10 8 12 9 9 9)"
same "verdict: upstream's spread counts too" "within noise" "$(verdict lower 3 10 10 10 12 5 20)"
same "verdict: higher is better, ours higher" "ours ahead" "$(verdict higher 3 10 9.5 10.5 5 4.5 5.5)"
same "verdict: higher is better, ours lower" "upstream ahead" "$(verdict higher 3 5 4.5 5.5 10 9.5 10.5)"
same "verdict: lower is better, ours lower" "ours ahead" "$(verdict lower 3 5 4.5 5.5 10 9.5 10.5)"
same "better: a rate is better higher" higher "$(better MB/s)"
same "better: a factor is better higher" higher "$(better x)"
same "better: a time is better lower" lower "$(better s)"
same "better: a size is better lower" lower "$(better KiB)"
same "cell: one run, no range" "7.5 s" "$(cell 7.5 7.5 7.5 1 s)"
same "cell: runs give the range" "7.5 s (7-9)" "$(cell 7.5 7 9 3 s)"
same "ratio" "0.50" "$(ratio 5 10)"
same "ratio: a zero base" "n/a" "$(ratio 5 0)"

# The README: a's rows replaced, b's kept, c appended; text around kept.
cat >"$tmp/README.md" <<'R'
# t
<!-- bench-table -->
| bench | metric | old head |
| --- | --- | --- |
| a | m1 | old a1 |
| b | m1 | old b1 |
| a | m2 | old a2 |
<!-- /bench-table -->
after
R
{
	echo "# make bench"
	table_header
	echo "| c | m1 | new c1 |"
	echo "| a | m1 | new a1 |"
	echo "| b | m3 | new b3 |"
} >"$tmp/results.md"
"$root/scripts/bench/readme-table.sh" "$tmp/results.md" "$tmp/README.md"
same "readme-table: a's m1 replaced in place, a's m2 and b's m1 kept, b's new m3 after b's rows, c at the end" \
	"| a | m1 | new a1 |,| b | m1 | old b1 |,| b | m3 | new b3 |,| a | m2 | old a2 |,| c | m1 | new c1 |" \
	"$(grep -E '^\| [abc] ' "$tmp/README.md" | paste -sd,)"
same "readme-table: today's head" "$(table_header | head -1)" "$(sed -n 3p "$tmp/README.md")"
same "readme-table: the text around it kept" "# t,after" "$(sed -n '1p;$p' "$tmp/README.md" | paste -sd,)"
printf 'no markers\n' >"$tmp/bare.md"
expect "readme-table: a README without the block is refused" \
	sh -c "! '$root/scripts/bench/readme-table.sh' '$tmp/results.md' '$tmp/bare.md' 2>/dev/null"

{
	echo "# make bench"
	echo
	echo "what-if: ours with A=1 (not for the README table)"
	table_header
	echo "| a | m1 | what-if a1 |"
} >"$tmp/whatif.md"
cp "$tmp/README.md" "$tmp/README.before"
expect "readme-table: a what-if run is refused" \
	sh -c "! '$root/scripts/bench/readme-table.sh' '$tmp/whatif.md' '$tmp/README.md' 2>/dev/null"
expect "readme-table: ... and the README is left as it was" cmp -s "$tmp/README.before" "$tmp/README.md"

# run.sh's compare and json on one bench's samples, as run.sh leaves them.
compare_json() (
	# shellcheck source=../../scripts/bench/run.sh
	. "$root/scripts/bench/run.sh"
	trap - ERR
	OUT=$tmp/out RUNS=3 FAILED=() OURS_LABEL=ours BASE_LABEL=base
	OURS_EXTRA=(A=1 'GUEST_CMDLINE=x "y"')
	declare -A DESCRIBE=([seq-read]="1 MiB reads")
	mkdir -p "$OUT/b"
	printf 'seq-read %s MB/s\n' 10 12 11 >"$OUT/b/ours.values"
	printf 'seq-read %s MB/s\n' 5 6 7 >"$OUT/b/base.values"
	printf 'only-ours 1 s\n' >>"$OUT/b/ours.values"
	printf 'memcpy %s MB/s\n' 900 1000 800 >"$OUT/b/ref.values"
	: >"$OUT/rows.tsv"
	mkdir -p "$tmp/run1"
	printf '%s\r\n' '[  1.0] XPV-BENCH-FEATURES xvda vbd: backend feature-persistent=1 frontend feature-persistent=1' \
		'[  1.1] [guest] not dom0s' >"$tmp/run1/serial.log"
	features_lines "$tmp/run1" >"$tmp/features-lines"
	printf '%s\n' 'xvda vbd: a="1"' 'xvda vbd: a="1"' >"$OUT/b/ours.features"
	printf '%s\n' 'xvda vbd: b' >"$OUT/b/base.features"
	compare b >"$tmp/row"
	json >"$tmp/json"
	printf '%s\n' "${FAILED[@]}" >"$tmp/failed"
	features_of b ours ours/label >"$tmp/features-md"
)
compare_json
same "compare: the row, with range, ratio and verdict" \
	"| b | seq-read (1 MiB reads) | 11 MB/s (10-12) | 6 MB/s (5-7) | 1.83 | higher | ours ahead | $(date -u +%Y-%m-%d), 3 sample(s) |" \
	"$(grep seq-read "$tmp/row")"
expect "compare: a metric only one side reported fails the bench" \
	grep -q "ours reported only-ours, base did not" "$tmp/failed"
same "features: dom0's lines, marker and carriage return gone" \
	"xvda vbd: backend feature-persistent=1 frontend feature-persistent=1" "$(cat "$tmp/features-lines")"
same "features: each agreement once, under its side's label (a label may hold a /)" \
	'  - ours/label negotiated: xvda vbd: a="1"' "$(cat "$tmp/features-md")"
expect "json: features per bench and side, each once" python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["features"]
assert f == {"b": {"ours": ["xvda vbd: a=\"1\""], "upstream": ["xvda vbd: b"]}}, f
' "$tmp/json"
expect "json: the --ours-set settings of a what-if run" python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["ours_sets"]
assert s == ["A=1", "GUEST_CMDLINE=x \"y\""], s
' "$tmp/json"
expect "json: parses, keeps every sample and the verdict" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["rows"][0]
assert r["ours"]["samples"] == [10, 12, 11] and r["upstream"]["samples"] == [5, 6, 7], r
assert r["ours"]["min"] == 10 and r["upstream"]["max"] == 7 and r["verdict"] == "ours ahead", r
' "$tmp/json"
same "compare: a reference number is a row without a ratio" \
	"| b | memcpy (reference: dom0 memcpy of 1 MiB buffers) | 900 MB/s (800-1000) | - | - | higher | machine reference | $(date -u +%Y-%m-%d), 3 sample(s) |" \
	"$(grep memcpy "$tmp/row")"
expect "json: a reference row has no upstream and no ratio" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["rows"][1]
assert r["metric"] == "memcpy" and r["reference"] and r["upstream"] is None, r
assert r["ratio"] is None and r["ours"]["samples"] == [900, 1000, 800], r
' "$tmp/json"

# A bench measured against several bases: each row's base from its name.
several_bases() (
	# shellcheck source=../../scripts/bench/run.sh
	. "$root/scripts/bench/run.sh"
	trap - ERR
	OUT=$tmp/sb RUNS=1 FAILED=() OURS_LABEL=ours BASE_LABEL=q/x BASE_LABELS=(qdisk xen)
	declare -A DESCRIBE=()
	mkdir -p "$OUT/b"
	printf '%s 2 MB/s\n' qdisk-seq xen-seq other >"$OUT/b/ours.values"
	printf '%s 1 MB/s\n' qdisk-seq xen-seq other >"$OUT/b/base.values"
	: >"$OUT/rows.tsv"
	compare b >/dev/null
	json
)
same "json: each row's base is the one its metric names" "qdisk xen q/x" \
	"$(several_bases | python3 -c '
import json, sys
print(" ".join(r["upstream"]["label"] for r in json.load(sys.stdin)["rows"]))')"

# run_interleaved: one boot's ours:/base: numbers split by side; a number
# with neither prefix fails the bench. The boot is a stand-in scenario.sh.
interleaved() (
	# shellcheck source=../../scripts/bench/run.sh
	. "$root/scripts/bench/run.sh"
	trap - ERR
	OUT=$tmp/il RUNS=1 FAILED=() OURS_LABEL=ours BASE_LABEL=base BENCH_DIR=$tmp
	HARNESS=$tmp/h
	stage() { :; }
	mkdir -p "$HARNESS" "$OUT/b"
	printf '#!/bin/sh\nmkdir -p "$XPV_SCENARIO_RUN"\ncat "%s" >"$XPV_SCENARIO_RUN/serial.log"\n' \
		"$tmp/serial" >"$HARNESS/scenario.sh"
	chmod +x "$HARNESS/scenario.sh"
	rc=0
	run_interleaved b 1 || rc=$?
	echo "rc $rc ${FAILED[*]}"
)
printf '%s\r\n' "[ 1.0] XPV-BENCH ours:seq-read 10 MB/s" "XPV-BENCH base:seq-read 7 MB/s" \
	"XPV-BENCH ref:memcpy 900 MB/s" "XPV-BENCH warmup:ours:seq-read 1 MB/s" \
	"XPV-BENCH ours:seq-read 12 MB/s" >"$tmp/serial"
same "interleaved: a boot's numbers split by side" "rc 0 " "$(interleaved)"
same "interleaved: the machine's reference numbers apart" "memcpy 900 MB/s" "$(cat "$tmp/il/b/ref.values")"
same "interleaved: ours' samples" "seq-read 10 MB/s,seq-read 12 MB/s" "$(paste -sd, "$tmp/il/b/ours.values")"
same "interleaved: upstream's samples" "seq-read 7 MB/s" "$(paste -sd, "$tmp/il/b/base.values")"
printf '%s\n' "XPV-BENCH ours:seq-read 10 MB/s" "XPV-BENCH seq-read 7 MB/s" >"$tmp/serial"
rm -rf "$tmp/il"
expect "interleaved: a number of neither side fails the bench" \
	grep -q "rc 1 b (run 1: 1 number(s) without ours:/base:/ref:)" <(interleaved)

# --ours-set: a setting for our side's boots only; a malformed one refused.
variants() (
	# shellcheck source=../../scripts/bench/run.sh
	. "$root/scripts/bench/run.sh"
	trap - ERR
	OUT=$tmp/va RUNS=1 FAILED=() BENCH_DIR=$tmp HARNESS=$tmp/vh
	OURS_LABEL=ours BASE_LABEL=base OURS_SETS=(X=1) BASE_SETS=(X=2)
	stage() { :; }
	mkdir -p "$HARNESS" "$OUT/b"
	printf '#!/bin/sh\nmkdir -p "$XPV_SCENARIO_RUN"\necho "$*" >>"%s"\necho "XPV-BENCH m 1 s" >"$XPV_SCENARIO_RUN/serial.log"\n' \
		"$tmp/vargs" >"$HARNESS/scenario.sh"
	chmod +x "$HARNESS/scenario.sh"
	parse_args --ours-set 'GUEST_CMDLINE=a b' b
	run_variant b ours 1 && run_variant b base 1
)
variants
same "--ours-set: on top of our side's settings, not upstream's" \
	"--set X=1 --set GUEST_CMDLINE=a b $tmp,--set X=2 $tmp" "$(paste -sd, "$tmp/vargs")"
expect "--ours-set: a setting without NAME= is refused" \
	sh -c "'$root/scripts/bench/run.sh' --ours-set cmdline b 2>&1 | grep -q 'wants NAME=VALUE'"
lane_summary tools
