#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh [LANE...] - run the test lanes and total them.
#
# Every lane prints its own results and ends with "<lane>: N passed,
# N failed"; this script adds them up into the last line, "N passed,
# N failed", and exits non-zero when anything failed. A lane that dies
# before its summary counts as one failure. Lanes, cheapest first:
#   unit    cmocka suites under ASan/UBSan (seconds)
#   tools   our scripts against fakes (seconds)
#   backends  the dom0 daemons' cmocka suites against a fake Xen (~15 s)
#   kernel  xenU_defconfig builds a bzImage with our code in it
#   kunit   our KUnit suites that need no hypervisor, under UML
#   early   our kernel as Xen's first domain, in QEMU: up to user space
#   e2e     scenarios under Xen in QEMU (tests/e2e/)
#   kunit_guest  the KUnit suites our kernel ran as a domU in e2e
# With no argument, all of them run.

set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

LANES=(unit tools backends kernel kunit early e2e kunit_guest)
LOGDIR=$XPV_BUILD/check
mkdir -p "$LOGDIR"

# --- lanes -----------------------------------------------------------------
lane_unit() {
	need_pkgs gcc make libcmocka-dev libxen-dev
	make -s -C "$XPV_ROOT/tests/unit" check
}

lane_backends() {
	make -s -C "$XPV_ROOT/backends" check
}

lane_tools() {
	local t out p f
	for t in "$XPV_ROOT"/tests/scripts/*_test.sh; do
		out=$("$t" 2>&1)
		grep -v '^tools: ' <<<"$out"
		read -r _ p _ f _ < <(grep -E '^tools: [0-9]+ passed' <<<"$out" || echo "x 0 x 1")
		lane_passed=$((lane_passed + p)) lane_failed=$((lane_failed + f))
	done
	lane_summary tools
}

lane_kernel() {
	local kobj=$XPV_BUILD/xenU
	cd "$XPV_ROOT" || return 1
	if [ ! -f "$kobj/.config" ]; then
		expect "make xenU_defconfig" make -s xenU_defconfig
	fi
	expect "CONFIG_XPV=y" grep -qx 'CONFIG_XPV=y' "$kobj/.config"
	expect "CONFIG_XEN is not set" grep -qx '# CONFIG_XEN is not set' "$kobj/.config"
	stage "building the xenU kernel (log: $LOGDIR/kernel-build.log)"
	expect "make builds bzImage" build_kernel
	# The shared protocol source is linked into vmlinux, not just compiled.
	expect "lib/ring.c linked into vmlinux" has_symbol xpv_ring_consume
	check_xen_notes
	lane_summary kernel
}

# What Xen's domain builder will read: notes that name our entry point and
# a page-aligned hypercall page, at the kernel's own base address.
check_xen_notes() {
	local vmlinux=$XPV_BUILD/xenU/vmlinux notes entry page
	notes=$("$XPV_ROOT/scripts/xen-notes.py" "$vmlinux" 2>&1)
	entry=$(sym_addr xpv_entry)
	page=$(sym_addr xpv_hypercall_page)
	expect "Xen note GUEST_OS linux" grep -qx 'GUEST_OS linux' <<<"$notes"
	expect "Xen note XEN_VERSION xen-3.0" grep -qx 'XEN_VERSION xen-3.0' <<<"$notes"
	expect "Xen note VIRT_BASE __START_KERNEL_map" \
		grep -qx 'VIRT_BASE 0xffffffff80000000' <<<"$notes"
	expect "Xen note ENTRY is xpv_entry" grep -qx "ENTRY 0x$entry" <<<"$notes"
	expect "Xen note HYPERCALL_PAGE is xpv_hypercall_page" \
		grep -qx "HYPERCALL_PAGE 0x$page" <<<"$notes"
	expect "hypercall page is page-aligned" test "${page: -3}" = 000
}

sym_addr() {
	nm "$XPV_BUILD/xenU/vmlinux" 2>/dev/null | awk -v s="$1" '$3 == s { sub(/^0+/, "", $1); print $1 }'
}

build_kernel() {
	make kernel >"$LOGDIR/kernel-build.log" 2>&1 &&
		[ -s "$XPV_BUILD/xenU/arch/x86/boot/bzImage" ] ||
		{ tail -n 30 "$LOGDIR/kernel-build.log"; return 1; }
}

has_symbol() {
	[ -n "$(sym_addr "$1")" ]
}

lane_kunit() {
	"$XPV_ROOT/scripts/prepare-kernel.sh" || return 1
	need_pkgs python3
	local out=$LOGDIR/kunit.log
	stage "building and running KUnit suites under UML (log: $out)"
	(cd "$XPV_BUILD/linux" && python3 tools/testing/kunit/kunit.py run \
		--kunitconfig=xpv/lib --build_dir="$XPV_BUILD/kunit-uml" \
		--jobs="$(nproc)" --make_options CC="${KUNIT_CC:-ccache gcc}") \
		>"$out" 2>&1
	kunit_summary kunit "$out"
}

# The suites built into our kernel ran at boot in the xpv-domu-boot
# scenario (e2e lane); the tree's own parser reads them off its console.
lane_kunit_guest() {
	local console=$XPV_BUILD/e2e/xpv-domu-boot/guest-console.log
	local out=$LOGDIR/kunit_guest.log
	# Never a console left by an older kernel: run the scenario again.
	[ "$console" -nt "$XPV_BUILD/xenU/vmlinux" ] ||
		"$XPV_ROOT/scripts/harness/e2e.sh" xpv-domu-boot >/dev/null
	(cd "$XPV_BUILD/linux" && python3 tools/testing/kunit/kunit.py parse \
		"$console") >"$out" 2>&1
	kunit_summary kunit_guest "$out" skips-fail
}

# kunit_summary LANE LOG: kunit.py's verdicts and the lane's summary line.
# kunit_summary LANE LOG [skips-fail]: the lane's line from kunit.py's log;
# with skips-fail a skipped case counts as failed (in a domU nothing
# should be missing what it needs).
kunit_summary() {
	local lane=$1 out=$2 p f s
	grep -E '^\[[0-9:]+\] (\[(PASSED|FAILED|SKIPPED)\]|=+ \[|Testing complete)' \
		"$out" | sed 's/^\[[0-9:]*\] //'
	p=$(sed -n 's/.*Testing complete\. Ran [0-9]* tests: passed: \([0-9]*\).*/\1/p' "$out")
	f=$(sed -n 's/.*Testing complete\..*failed: \([0-9]*\).*/\1/p' "$out")
	if [ -z "$p" ] && [ -z "$f" ]; then
		tail -n 30 "$out"
		echo "$lane: 0 passed, 1 failed"
		return 1
	fi
	s=$(sed -n 's/.*Testing complete\..*skipped: \([0-9]*\).*/\1/p' "$out")
	if [ "${3:-}" = skips-fail ] && [ "${s:-0}" -gt 0 ]; then
		echo "$lane: $s skipped cases count as failed"
		f=$((${f:-0} + s))
	fi
	echo "$lane: ${p:-0} passed, ${f:-0} failed"
}

# The kernel built by the kernel lane, booted where dom0 would be, with a
# one-program initramfs: boot, console handover, user space, poweroff.
lane_early() {
	need_kernel || return 1
	"$XPV_ROOT/tests/early/run.sh" --timeout 240
}

need_kernel() {
	[ -f "$XPV_BUILD/xenU/vmlinux" ] && return 0
	make -s -C "$XPV_ROOT" xenU_defconfig >/dev/null &&
		make -s -C "$XPV_ROOT" kernel >/dev/null
}

# The scenarios that play a hostile peer run our kernel with KFENCE and
# lockdep (make debug-kernel, build/xenU-debug).
need_debug_kernel() {
	make -s -C "$XPV_ROOT" debug-kernel >"$LOGDIR/debug-kernel-build.log" 2>&1 ||
		{ tail -n 30 "$LOGDIR/debug-kernel-build.log"; return 1; }
}

# packages-install upgrades one build of the xpv-backends package to
# another: both from this tree, as versions 0~e2e.1 and 0~e2e.2.
need_debs() {
	local v log
	for v in 0~e2e.1 0~e2e.2; do
		log=$LOGDIR/deb-$v.log
		DEB_VERSION=$v DEB_LINTIAN=0 "$XPV_ROOT/scripts/deb.sh" backends >"$log" 2>&1 ||
			{ tail -n 30 "$log"; return 1; }
	done
}

lane_e2e() {
	need_kernel && need_debug_kernel && make -s -C "$XPV_ROOT/backends" all &&
		need_debs || return 1
	"$XPV_ROOT/scripts/harness/e2e.sh" | sed 's/^\([0-9]* passed, [0-9]* failed\)$/e2e: \1/'
}

# --- driver ----------------------------------------------------------------
run_lane() {
	local lane=$1 log=$LOGDIR/$1.out
	stage "lane $lane"
	( "lane_$lane" ) 2>&1 | tee "$log"
	local line
	line=$(grep -E "^$lane: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "$lane: no summary (the lane died; see $log)"
		line="$lane: 0 passed, 1 failed"
	fi
	read -r _ p _ f _ <<<"$line"
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	summaries+=("$line")
}

main() {
	local lanes=("$@") l
	[ ${#lanes[@]} -gt 0 ] || lanes=("${LANES[@]}")
	for l in "${lanes[@]}"; do
		declare -F "lane_$l" >/dev/null || die "no lane '$l' (lanes: ${LANES[*]})"
	done
	total_passed=0 total_failed=0 summaries=()
	for l in "${lanes[@]}"; do
		run_lane "$l"
	done
	printf '\n'
	printf '  %s\n' "${summaries[@]}"
	echo "$total_passed passed, $total_failed failed"
	[ "$total_failed" -eq 0 ]
}

main "$@"
