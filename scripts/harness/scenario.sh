#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run one scenario (tests/e2e/<name>/, described in tests/e2e/README.md):
# build the images, boot Xen + dom0 in QEMU with the scenario appended to
# dom0's initramfs, and judge the run from the XPV-RESULT lines dom0 printed
# on the serial line. Nothing here decides a result without evidence in the
# log: a check passes only if a line says it ran and succeeded.
#
# The run directory ($XPV_BUILD/e2e/<name>/, replaced each run) keeps:
#   serial.log          everything on Xen's serial line, host-timestamped
#   guest-console.log   the guest's console (from dom0's live copy)
#   evidence.txt        crash/hang evidence dom0 collected (xl dmesg, console,
#                       xenctx), when there was some
#   result.txt          the verdict line and timings
#
# Usage: scenario.sh [--mode test|demo|interactive] [--set KEY=VALUE]...
#                    [--verbose] SCENARIO
#   SCENARIO   a directory, or a name under tests/e2e/
#   --mode     test (default): run guest.sh, judge the result
#              demo: same, with every serial line shown live
#              interactive: the guest console is this terminal, with a
#              shell after guest.sh (needs a tty)
#   --set      override a scenario setting (e.g. GUEST_KERNEL=path,
#              DISKS="xpv:64") after scenario.conf is read
# Environment: XPV_XEN, a Xen 4.17 image (the uncompressed ELF `xen`, as
# the harness unpacks Debian's) to boot instead of the one the scenario's
# XEN setting names.
# The last line is "PASS <name> (Ns)..." or "FAIL <name> (Ns): why"; the
# exit status is 0 for PASS.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The guest network lives only inside the emulated machine (QEMU has no
# NIC): documentation addresses, never routed anywhere.
DOM0_IP=192.0.2.1
GUEST_IP=192.0.2.2	# guest I of GUESTS is 192.0.2.<1+I>

MODE=test VERBOSE=0 SCN='' SETS=()

usage() { sed -n '/^# Usage:/,/^# The last line/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--mode) MODE=$2; shift ;;
		--set) SETS+=("$2"); shift ;;
		--verbose) VERBOSE=1 ;;
		-*) usage ;;
		*) SCN=$1 ;;
		esac
		shift
	done
	[ -n "$SCN" ] || usage
	case $MODE in test | demo | interactive) ;; *) usage ;; esac
	[ -d "$SCN" ] || SCN=$XPV_ROOT/tests/e2e/$SCN
	[ -f "$SCN/scenario.conf" ] || die "no scenario at $SCN (scenario.conf missing)"
	SCN=$(cd "$SCN" && pwd)
}

# Settings a scenario may give (tests/e2e/README.md explains each).
defaults() {
	DESCRIPTION=
	XEN=debian
	GUEST_KERNEL=debian
	GUEST_SYSTEM_MAP=
	GUEST_CMDLINE="console=hvc0"
	GUEST_INITRD=yes
	GUEST_MEMORY=256
	GUEST_VCPUS=1
	GUESTS=1
	GUEST_BOOTS=1
	GUEST_MODULES=auto
	GUEST_MODULES_ROOT=
	GUEST_SCRIPT=guest.sh
	GUEST_FILES=
	DISKS="kernel:64"
	VIFS="kernel"
	DOM0_SCRIPT=dom0.sh
	DOM0_SETUP=
	DOM0_FILES=
	DOM0_DEBIAN_FILES=
	GUEST_TIMEOUT=300
	SOAK_CYCLES=0
	QEMU_TIMEOUT=
	EXPECT=pass
	REQUIRE_CHECKS=
	EVIDENCE_MATCH=
	CONSOLE_MATCH=
}

# settings: the names defaults() knows, for checking --set.
settings() { declare -f defaults | sed -n 's/^ *\([A-Z0-9_]*\)=.*/\1/p' | tr '\n' ' '; }

load_scenario() {
	local s
	NAME=$(basename "$SCN")
	defaults
	# shellcheck disable=SC1091
	. "$SCN/scenario.conf"
	for s in "${SETS[@]}"; do
		[[ $s == [A-Z]*=* ]] || die "--set wants KEY=VALUE, not '$s'"
		[[ " $(settings) " == *" ${s%%=*} "* ]] ||
			die "--set ${s%%=*}: no such setting (known: $(settings))"
		printf -v "${s%%=*}" '%s' "${s#*=}"
	done
	[[ $GUESTS =~ ^[1-9]$ ]] || die "$NAME: GUESTS must be 1..9"
	[[ $GUEST_BOOTS =~ ^[1-9]$ ]] || die "$NAME: GUEST_BOOTS must be 1..9"
	[[ $SOAK_CYCLES =~ ^[0-9]+$ ]] || die "$NAME: SOAK_CYCLES must be a number"
	: "${QEMU_TIMEOUT:=$((GUEST_TIMEOUT * GUEST_BOOTS + 420 + 60 * SOAK_CYCLES))}"
	case " $DISKS" in
	*:debian*:debian*) die "$NAME: DISKS may hold one Debian rootfs (KIND:debian)" ;;
	*:debian*) [ "$GUESTS" = 1 ] || die "$NAME: a Debian rootfs disk serves one guest" ;;
	esac
	case $XEN in debian | shadow) ;; *) die "$NAME: XEN must be debian|shadow" ;; esac
	case $EXPECT in pass | crash | timeout | dom0-crash | qemu-timeout) ;;
	*) die "$NAME: EXPECT must be pass|crash|timeout|dom0-crash|qemu-timeout" ;;
	esac
	# make bench keeps each run of a scenario in its own directory.
	RUN=${XPV_SCENARIO_RUN:-$XPV_BUILD/e2e/$NAME}
	rm -rf "$RUN"
	mkdir -p "$RUN"
}

# resolve_xen: the hypervisor to boot, XEN_IMAGE: XPV_XEN if given, else
# Debian's, or with XEN=shadow Debian's built with shadow paging, which a
# PV guest's live migration needs (build-xen-shadow.sh says why).
resolve_xen() {
	XEN_IMAGE=${XPV_XEN:-}
	if [ -z "$XEN_IMAGE" ] && [ "$XEN" = shadow ]; then
		XEN_IMAGE=$("$HARNESS/build-xen-shadow.sh") ||
			die "$NAME: XEN=shadow: no Xen with shadow paging could be built"
	fi
	: "${XEN_IMAGE:=$IMAGES/xen}"
}

# in_scn PATH: a relative path is relative to the scenario directory.
in_scn() { case $1 in /*) echo "$1" ;; *) echo "$SCN/$1" ;; esac; }

# Debian's kernel runs as the uncompressed vmlinux (the same bits as its
# vmlinuz, loaded faster); its symbols come from dom0's kallsyms. Another
# kernel brings its System.map (default: next to it).
resolve_kernel() {
	case $GUEST_KERNEL in
	debian) KERNEL_FILE=$IMAGES/vmlinux ;;
	debian-bzimage) KERNEL_FILE=$IMAGES/vmlinuz ;;
	*) KERNEL_FILE=$(in_scn "$GUEST_KERNEL") ;;
	esac
	[ -f "$KERNEL_FILE" ] || die "$NAME: no guest kernel at $KERNEL_FILE"
	case $GUEST_KERNEL in
	debian*)
		MAP_FILE=kallsyms
		[ "$GUEST_MODULES" != auto ] ||
			GUEST_MODULES="xen-blkfront xen-netfront crc32c_generic ext4"
		: "${GUEST_MODULES_ROOT:=$IMAGES/root}"
		;;
	*)
		MAP_FILE=${GUEST_SYSTEM_MAP:-$(dirname "$KERNEL_FILE")/System.map}
		[ -f "$MAP_FILE" ] || { warn "no System.map for $KERNEL_FILE: xenctx will not symbolise"; MAP_FILE=''; }
		[ "$GUEST_MODULES" != auto ] || GUEST_MODULES=
		;;
	esac
}

# q VALUE: VALUE single-quoted for busybox sh.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

guest_disks() {
	local i=0 d out=
	for d in $DISKS; do
		out+="$(xvd_name $i) "
		i=$((i + 1))
	done
	echo "${out% }"
}

# xvd_name I: the guest's name of disk I of DISKS (0: xvda).
xvd_name() { printf "xvd\\$(printf '%03o' $((97 + $1)))"; }

# guest_root: the xvd* name of the Debian rootfs disk, if DISKS has one.
guest_root() {
	local d i=0
	for d in $DISKS; do
		case $d in *:debian*) xvd_name $i ;; esac
		i=$((i + 1))
	done
}

# map_kind: how dom0 finds the guest's symbols: kallsyms | file | none.
map_kind() {
	case ${MAP_FILE:-} in
	kallsyms) echo kallsyms ;;
	'') echo none ;;
	*) echo file ;;
	esac
}

# guest_ips: one address per guest, 192.0.2.2 for guest 1.
guest_ips() {
	local i out=
	for ((i = 1; i <= GUESTS; i++)); do out+="192.0.2.$((1 + i)) "; done
	echo "${out% }"
}

# guest_label I: how guest I's results and console lines are named.
guest_label() { if [ "$1" -eq 1 ]; then echo guest; else echo "guest$1"; fi; }

write_envs() {
	local nics
	nics=$(wc -w <<<"$VIFS")
	cat >"$RUN/guest.env" <<-EOF
	MODE=$(q "$MODE")
	GUEST_MODULES=$(q "$GUEST_MODULES")
	GUEST_DISKS=$(q "$(guest_disks)")
	GUEST_ROOT=$(q "$(guest_root)")
	GUEST_NICS=$nics
	GUEST_IP=$GUEST_IP
	GUESTS=$GUESTS
	GUEST_IPS=$(q "$(guest_ips)")
	GUEST_BOOTS=$GUEST_BOOTS
	DOM0_IP=$DOM0_IP
	EOF
	cat >"$RUN/scenario.env" <<-EOF
	NAME=$(q "$NAME")
	MODE=$(q "$MODE")
	GUEST_CMDLINE=$(q "$GUEST_CMDLINE")
	GUEST_INITRD=$(q "$GUEST_INITRD")
	GUEST_MEMORY=$GUEST_MEMORY
	GUEST_VCPUS=$GUEST_VCPUS
	GUEST_SYSTEM_MAP=$(map_kind)
	DISKS=$(q "$DISKS")
	VIFS=$(q "$VIFS")
	GUEST_TIMEOUT=$GUEST_TIMEOUT
	SOAK_CYCLES=$SOAK_CYCLES
	GUESTS=$GUESTS
	GUEST_BOOTS=$GUEST_BOOTS
	GUEST_IP=$GUEST_IP
	GUEST_IPS=$(q "$(guest_ips)")
	DOM0_IP=$DOM0_IP
	EOF
}

build_guest() {
	local args=(--base "$IMAGES/guest-base.cpio" --out "$RUN/guest-initrd.cpio"
		--env "$RUN/guest.env") f
	local script
	script=$(in_scn "${GUEST_SCRIPT:-guest.sh}")
	if [ -f "$script" ]; then
		args+=(--script "$script")
	elif [ "$GUEST_SCRIPT" != guest.sh ]; then
		die "$NAME: no guest script $script"
	fi
	[ -z "$GUEST_MODULES" ] || args+=(--modules "$GUEST_MODULES"
		--modules-root "$GUEST_MODULES_ROOT")
	for f in $GUEST_FILES; do args+=(--file "$(in_scn "${f%%:*}"):${f#*:}"); done
	"$HARNESS/build-guest.sh" "${args[@]}"
}

# dom0_file_libs FILE STAGE: a dom0 program's shared libraries (and theirs)
# from the Debian tree, for those dom0.cpio may lack. Duplicates of what
# dom0.cpio holds are the same bytes.
dom0_file_libs() {
	local lib libs=()
	for lib in $(elf_needed "$1"); do
		libs+=("$(find_lib "$IMAGES/root" "$lib")")
	done
	[ ${#libs[@]} -eq 0 ] || copy_with_libs "$IMAGES/root" "$2" "${libs[@]}"
}

# guest_files_cpio INITRD: what build_guest added to the busybox base (/xpv
# and the rest), as an archive of its own; a guest booting the Debian rootfs
# gets it from dom0 (xpv-dom0's prepare_rootfs) instead of an initramfs.
guest_files_cpio() {
	tail -c +$(($(stat -c %s "$IMAGES/guest-base.cpio") + 1)) "$1"
}

# rootfs_image: the Debian rootfs when DISKS names one (KIND:debian), built
# or taken from the cache; empty otherwise.
rootfs_image() {
	case " $DISKS" in
	*:debian*) "$HARNESS/build-rootfs.sh" ;;
	esac
}

# The scenario archive, appended to dom0.cpio: /scenario/* plus DOM0_FILES
# at their destinations (the hook for our backend daemons), plus
# DOM0_DEBIAN_FILES (Debian programs dom0.cpio lacks) with their libraries.
build_scenario_cpio() {
	local st=$RUN/scenario-stage f src
	mkdir -p "$st/scenario"
	cp "$RUN/scenario.env" "$st/scenario/"
	cp "$KERNEL_FILE" "$st/scenario/guest-kernel"
	mv "$RUN/guest-initrd.cpio" "$st/scenario/"
	[ "$(map_kind)" != file ] || cp "$MAP_FILE" "$st/scenario/System.map"
	[ ! -f "$SCN/$DOM0_SCRIPT" ] || cp "$SCN/$DOM0_SCRIPT" "$st/scenario/dom0.sh"
	[ -z "$DOM0_SETUP" ] || cp "$(in_scn "$DOM0_SETUP")" "$st/scenario/dom0-setup.sh"
	for f in $DOM0_FILES; do
		src=$(in_scn "${f%%:*}")
		[ -e "$src" ] || die "$NAME: dom0 file $src does not exist"
		mkdir -p "$st/$(dirname "${f#*:}")"
		cp -a "$src" "$st/${f#*:}"
		dom0_file_libs "$src" "$st"
	done
	# shellcheck disable=SC2086 # a list of paths in the Debian tree
	[ -z "$DOM0_DEBIAN_FILES" ] || copy_with_libs "$IMAGES/root" "$st" $DOM0_DEBIAN_FILES
	[ -z "$ROOTFS" ] || guest_files_cpio "$st/scenario/guest-initrd.cpio" \
		>"$st/scenario/guest-files.cpio"
	mkcpio "$st" "$RUN/scenario.cpio"
	rm -rf "$st"
	cat "$IMAGES/dom0.cpio" "$RUN/scenario.cpio" >"$RUN/initrd.cpio"
	rm "$RUN/scenario.cpio"
}

# boot_again SUFFIX WHY: after a boot the emulated machine spoiled, keep
# its log as serial.log.SUFFIX and boot once more with boot()'s args.
boot_again() {
	mv "$RUN/serial.log" "$RUN/serial.log.$1"
	stage "$2 (its log: $RUN/serial.log.$1): booting again, once"
	BOOT_RC=0
	"$HARNESS/boot.sh" "${args[@]}" || BOOT_RC=$?
}

boot() {
	local show='^(XPV-STAGE|XPV-FATAL|XPV-CHECK|XPV-RESULT guest[0-9]*-end)'
	local args=(--xen "$XEN_IMAGE" --kernel "$IMAGES/vmlinux"
		--cmdline "console=hvc0 earlyprintk=xen loglevel=6"
		--initrd "$RUN/initrd.cpio" --log "$RUN/serial.log"
		--timeout "$QEMU_TIMEOUT")
	[ -z "$ROOTFS" ] || args+=(--disk "$ROOTFS")
	if [ "$MODE" = interactive ]; then
		args+=(--interactive)
	elif [ "$MODE" = demo ] || [ "$VERBOSE" = 1 ]; then
		args+=(--show .)
	else
		args+=(--show "$show")
	fi
	# WHY: two failures of the emulated machine, not of what runs on it,
	# each seen once in CI: Debian's dom0 kernel hanging for good under TCG
	# before its userspace (right after hpet_acpi_add), and Xen finding
	# its clock had jumped by days (the platform timer "wrapped 10 or more
	# times"), after which every timer in the machine was due days later
	# and nothing ran. Such a boot is cut short and made again, once,
	# saying so; a second spoiled boot fails the scenario.
	args+=(--up 'XPV-STAGE dom0 userspace up' --up-within 240
		--broken 'Platform timer appears to have unexpectedly wrapped 10 or more times')
	BOOT_RC=0
	"$HARNESS/boot.sh" "${args[@]}" || BOOT_RC=$?
	case $BOOT_RC in
	5) boot_again hung "dom0 hung while booting" ;;
	6) boot_again broken "Xen's clock jumped (the platform timer wrapped)" ;;
	esac
	BOOT_VERDICT=$(cat "$RUN/serial.log.verdict" 2>/dev/null || echo "boot: no verdict")
}

# serial_lines: the serial log without the host timestamps.
# (An interactive run's log is QEMU's raw copy: no timestamps, CRs kept.)
serial_lines() { tr -d '\r' <"$RUN/serial.log" | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //'; }

split_logs() {
	local i l
	for ((i = 1; i <= GUESTS; i++)); do
		l=$(guest_label "$i")
		serial_lines | sed -n "s/^\[$l\] //p" >"$RUN/$l-console.log"
	done
	serial_lines | sed -n '/XPV-EVIDENCE-BEGIN/,/XPV-EVIDENCE-END/p' \
		>"$RUN/evidence.txt"
	[ -s "$RUN/evidence.txt" ] || rm -f "$RUN/evidence.txt"
	serial_lines | sed -n 's/.*XPV-RESULT //p' >"$RUN/results.txt"
}

# stamp_of REGEX: host seconds at the first serial line matching REGEX.
stamp_of() {
	{ grep -m1 -E -- "$1" "$RUN/serial.log" || true; } |
		sed -E 's/^\[ *([0-9]+)\.[0-9]+\].*/\1/'
}

timings() {
	local d g e
	d=$(stamp_of 'XPV-STAGE dom0 userspace up')
	g=$(stamp_of 'XPV-STAGE starting the guest')
	e=$(stamp_of 'XPV-STAGE guest ended')
	echo "dom0 /init ${d:-?}s, guest created ${g:-?}s, guest ended ${e:-?}s (host time since QEMU start)"
}

result() { sed -n -E "s/^$1( |\$)//p" "$RUN/results.txt" | head -n1; }

# failures: one line per reason the run does not meet EXPECT.
failures() {
	case $EXPECT in
	dom0-crash | qemu-timeout) failures_machine; return ;;
	esac
	if [ "$BOOT_RC" -ne 0 ] || ! grep -qx 'done' "$RUN/results.txt"; then
		serial_lines | sed -n 's/.*XPV-FATAL /dom0 gave up: /p'
		echo "dom0 did not finish the scenario (${BOOT_VERDICT#boot: })"
		return
	fi
	case $EXPECT in
	pass) failures_pass ;;
	crash | timeout) failures_expected_end ;;
	esac
	failures_console
	[ "$(result domains-left)" = 0 ] ||
		echo "domains left after the guest: $(result domains-left)"
	[ "$(result loop-devices-left)" = 0 ] ||
		echo "loop devices left attached: $(result loop-devices-left)"
}

# CONSOLE_MATCH: one regex per line, each must match a line guest 1 printed.
failures_console() {
	local re
	while IFS= read -r re; do
		re=${re#"${re%%[![:space:]]*}"}
		[ -z "$re" ] || grep -qE -- "$re" "$RUN/guest-console.log" ||
			echo "the guest console lacks /$re/"
	done <<<"$CONSOLE_MATCH"
}

# Every guest must have run all its boots and powered off at the end.
failures_pass() {
	local c i l
	for ((i = 1; i <= GUESTS; i++)); do
		l=$(guest_label "$i")
		[ "$(result "$l-end")" = poweroff ] ||
			echo "$l ended by '$(result "$l-end")', not by powering off"
		[ "$(result "$l-boots")" = "$GUEST_BOOTS" ] ||
			echo "$l ran $(result "$l-boots") boot(s), not $GUEST_BOOTS"
	done
	sed -n 's/^check \(.* fail\)/check failed: \1/p' "$RUN/results.txt"
	for c in $REQUIRE_CHECKS; do
		grep -qE "^check $c ok" "$RUN/results.txt" ||
			echo "required check $c did not report ok"
	done
}

failures_expected_end() {
	[ "$(result guest-end)" = "$EXPECT" ] ||
		echo "expected the guest to end by $EXPECT, it ended by '$(result guest-end)'"
	[ -s "$RUN/evidence.txt" ] || { echo "no crash evidence collected"; return; }
	grep -q '^rip: ' "$RUN/evidence.txt" ||
		echo "the evidence has no registers from xenctx"
	[ -z "$EVIDENCE_MATCH" ] || grep -qE -- "$EVIDENCE_MATCH" "$RUN/evidence.txt" ||
		echo "evidence lacks /$EVIDENCE_MATCH/"
}

failures_machine() {
	local want=2
	[ "$EXPECT" = qemu-timeout ] && want=3
	[ "$BOOT_RC" -eq "$want" ] ||
		echo "expected $EXPECT, the run ended with: ${BOOT_VERDICT#boot: }"
	[ -z "$EVIDENCE_MATCH" ] || grep -qE -- "$EVIDENCE_MATCH" "$RUN/serial.log" ||
		echo "serial log lacks /$EVIDENCE_MATCH/"
}

show_evidence() {
	if [ -f "$RUN/evidence.txt" ]; then
		echo "--- evidence ($RUN/evidence.txt), abridged:"
		{ grep -E '^(XPV-EVIDENCE|==)|Call Trace|^ *\[<|^ *[0-9a-f]{16}: .*\+0x|rip:|Kernel panic|sysrq|BUG' \
			"$RUN/evidence.txt" || true; } | head -n 40
	else
		echo "--- serial log, last 40 lines ($RUN/serial.log):"
		tail -n 40 "$RUN/serial.log"
	fi
}

verdict() {
	local secs=$1 why
	why=$(failures)
	{
		if [ -z "$why" ] && [ "$EXPECT" = pass ]; then
			echo "PASS $NAME (${secs}s)"
		elif [ -z "$why" ]; then
			show_evidence
			echo "PASS $NAME (${secs}s): expected failure observed ($EXPECT), with evidence"
		else
			printf '  %s\n' "$why"
			show_evidence
			echo "FAIL $NAME (${secs}s): $(head -n1 <<<"$why")"
		fi
	} | tee "$RUN/result.txt"
	echo "timings: $(timings)" >>"$RUN/result.txt"
	[ -z "$why" ] || return 1
}

main() {
	parse_args "$@"
	need_pkgs cpio binutils gcc make libc6-dev
	load_scenario
	local start
	start=$(date +%s)
	stage "scenario $NAME: ${DESCRIPTION:-no description}"
	# e2e.sh builds the images once for all scenarios.
	IMAGES=${XPV_IMAGES:-$("$HARNESS/build-dom0.sh")}
	resolve_kernel
	resolve_xen
	ROOTFS=$(rootfs_image)
	write_envs
	stage "building the guest initramfs"
	make -s -C "$XPV_ROOT/tests/guest" OUT="$XPV_BUILD/guest-progs"
	build_guest
	build_scenario_cpio
	stage "booting Xen + dom0 (serial log: $RUN/serial.log, limit ${QEMU_TIMEOUT}s)"
	boot
	split_logs
	verdict "$(elapsed "$start")"
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
