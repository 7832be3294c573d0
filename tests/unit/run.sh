#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh TEST... - run cmocka programs and total their results in a last
# line "$XPV_LANE: N passed, N failed" (XPV_LANE defaults to "unit").
# A program that dies before cmocka's summary (a sanitizer report, a
# crash) counts as one failure, so a crash can never read as a pass.

set -uo pipefail
lane=${XPV_LANE:-unit}
passed=0 failed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n1)
	if [ -z "$p" ] && [ -z "$f" ]; then
		echo "$lane: $(basename "$t") exited with status $rc before its summary"
		failed=$((failed + 1))
		continue
	fi
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	[ "$rc" -eq 0 ] || [ "${f:-0}" -gt 0 ] ||
		{ echo "$lane: $(basename "$t") exited with status $rc"; failed=$((failed + 1)); }
done
echo "$lane: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
