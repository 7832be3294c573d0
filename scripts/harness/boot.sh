#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot Xen in QEMU (TCG) with one first domain, log the serial line with host
# timestamps, and say how the run ended.
#
# Xen is the multiboot kernel; the first domain's kernel (with its command
# line) and optional initramfs are the multiboot modules. Inside a module's
# command line QEMU splits on commas, so every comma is doubled here.
# The first domain ends a run by writing 16+STATUS to the isa-debug-exit port
# 0xf4; QEMU then exits with (16+STATUS)*2+1, which no QEMU error code can be
# mistaken for. A --disk is a virtio disk of the first domain (/dev/vda) with
# snapshot=on: writes go to a temporary overlay that QEMU drops at its exit,
# so the image file is never modified.
#
# Usage: boot.sh --xen FILE --kernel FILE [--cmdline STR] [--initrd FILE]
#                [--xen-cmdline STR] [--disk FILE] --log FILE [--timeout SEC]
#                [--until REGEX] [--fail REGEX] [--show REGEX] [--interactive]
#                [--up REGEX --up-within SEC] [--broken REGEX]
#   --until   stop as soon as a serial line matches: success
#   --fail    stop as soon as a serial line matches: failure
#   --up      a line that says the first domain booted; none within
#             --up-within seconds: stop, it hung while booting
#   --broken  a line that says the emulated machine itself went wrong
#             (not the software under test): stop
#   --show    echo matching serial lines live on stderr ('.' shows all)
#   --interactive  the serial line is this terminal (raw, no timestamps)
# Exit: 0 the domain reported status 0, or --until matched
#       1 the domain reported a non-zero status, or --fail matched
#       2 QEMU ended without a status (Xen or the first domain died)
#       3 the hard timeout hit; QEMU was killed
#       4 QEMU itself failed to start
#       5 no --up line within --up-within seconds; QEMU was killed
#       6 --broken matched; QEMU was killed
# The last line on stderr says which ("boot: ..."); so does LOG.verdict.
# Environment: XPV_QEMU_GDB=PORT opens QEMU's gdbstub on 127.0.0.1:PORT
# (gdb, scripts/harness/profile.py); XPV_QEMU_EXTRA adds QEMU options,
# e.g. "-icount shift=0,sleep=off": the guest's clock then counts executed
# instructions, so a timing compares work without the host's noise.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

XEN='' KERNEL='' CMDLINE='' INITRD='' DISK='' LOG='' TIMEOUT=600
UNTIL='' FAIL='' SHOW='' INTERACTIVE=0 UP='' UP_WITHIN=0 BROKEN=''
XEN_ARGS=$XEN_CMDLINE

usage() { sed -n '/^# Usage:/,/^# The last line/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--xen) XEN=$2 ;;
		--xen-cmdline) XEN_ARGS=$2 ;;
		--kernel) KERNEL=$2 ;;
		--cmdline) CMDLINE=$2 ;;
		--initrd) INITRD=$2 ;;
		--disk) DISK=$2 ;;
		--log) LOG=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--until) UNTIL=$2 ;;
		--fail) FAIL=$2 ;;
		--show) SHOW=$2 ;;
		--up) UP=$2 ;;
		--up-within) UP_WITHIN=$2 ;;
		--broken) BROKEN=$2 ;;
		--interactive) INTERACTIVE=1; shift; continue ;;
		*) usage ;;
		esac
		shift 2
	done
	[ -n "$XEN" ] && [ -n "$KERNEL" ] && [ -n "$LOG" ] || usage
	[ -z "$UP" ] || [[ $UP_WITHIN =~ ^[1-9][0-9]*$ ]] || die "--up wants --up-within SECONDS"
	[ -f "$XEN" ] || die "no Xen image: $XEN"
	[ -f "$KERNEL" ] || die "no kernel: $KERNEL"
	[ -z "$INITRD" ] || [ -f "$INITRD" ] || die "no initramfs: $INITRD"
	[ -z "$DISK" ] || [ -f "$DISK" ] || die "no disk image: $DISK"
	case "$KERNEL$INITRD$DISK" in *,* | *' '*) die "file paths may not hold commas or spaces" ;; esac
}

# The multiboot module list: "kernel args,initrd" with commas in args doubled.
modules() {
	local m="$KERNEL ${CMDLINE//,/,,}"
	[ -z "$INITRD" ] || m="$m,$INITRD"
	printf '%s' "$m"
}

qemu_cmd() {
	QEMU=(qemu-system-x86_64 -machine pc -accel tcg -cpu qemu64 -smp 2 -m 3072
		-nodefaults -display none -nic none -no-reboot
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
		-kernel "$XEN" -append "$XEN_ARGS" -initrd "$(modules)")
	[ -z "$DISK" ] ||
		QEMU+=(-drive "file=$DISK,format=raw,if=virtio,snapshot=on,cache=unsafe")
	# a gdbstub on this local port, for gdb or scripts/harness/profile.py
	[ -z "${XPV_QEMU_GDB:-}" ] || QEMU+=(-gdb "tcp:127.0.0.1:$XPV_QEMU_GDB")
	# more options, split at blanks (e.g. "-icount shift=0,sleep=off")
	# shellcheck disable=SC2206
	[ -z "${XPV_QEMU_EXTRA:-}" ] || QEMU+=($XPV_QEMU_EXTRA)
}

# stamp: copy stdin to stdout, each line prefixed with seconds since start;
# act on --until/--fail/--broken/--show/--up. Stops QEMU (pid in $1) on a match, or
# when no --up line came in time (reads wait a second at most for that;
# a line that came in parts is put together).
stamp() {
	local qpid=$1 t0 now d line part='' rc up=
	t0=${EPOCHREALTIME/./}
	[ -n "$UP" ] || up=1
	while :; do
		rc=0
		IFS= read -r -t 1 line || rc=$?
		now=${EPOCHREALTIME/./}
		if [ -z "$up" ] && [ $(((now - t0) / 1000000)) -ge "$UP_WITHIN" ]; then
			[ -e "$LOG.match" ] || echo hung >"$LOG.match"
			kill "$qpid" 2>/dev/null || true
			up=1
		fi
		if [ "$rc" -gt 128 ]; then	# a second without a whole line
			part+=$line
			continue
		fi
		line=$part$line
		part=''
		[ "$rc" -eq 0 ] || [ -n "$line" ] || break
		# dom0's tty and Xen's serial driver each turn \n into \r\n.
		while [[ $line == *$'\r' ]]; do line=${line%$'\r'}; done
		d=$((now - t0))
		printf '[%4d.%03d] %s\n' $((d / 1000000)) $((d / 1000 % 1000)) "$line"
		[ -n "$SHOW" ] && [[ $line =~ $SHOW ]] && printf '%s\n' "$line" >&2
		if [ -n "$BROKEN" ] && [[ $line =~ $BROKEN ]]; then
			echo broken >"$LOG.match"
			printf '%s\n' "$line" >"$LOG.broken"
			kill "$qpid" 2>/dev/null || true
		elif [ -n "$UNTIL" ] && [[ $line =~ $UNTIL ]]; then
			echo until >"$LOG.match"
			kill "$qpid" 2>/dev/null || true
		elif [ -n "$FAIL" ] && [[ $line =~ $FAIL ]]; then
			echo fail >"$LOG.match"
			kill "$qpid" 2>/dev/null || true
		fi
		[ -n "$up" ] || ! [[ $line =~ $UP ]] || up=1
		[ "$rc" -eq 0 ] || break
	done
}

# verdict RC: map QEMU's (or timeout's) exit code to ours, say it (also in
# $LOG.verdict), return it.
verdict() {
	local rc=0
	classify "$1" 2>&1 | tee "$LOG.verdict" >&2 || rc=${PIPESTATUS[0]}
	return "$rc"
}

classify() {
	local rc=$1 match=
	[ -f "$LOG.match" ] && match=$(cat "$LOG.match")
	if [ "$match" = until ]; then
		echo "boot: expected output seen (--until)" >&2; return 0
	elif [ "$match" = fail ]; then
		echo "boot: failure pattern seen (--fail)" >&2; return 1
	elif [ "$match" = hung ]; then
		echo "boot: the first domain did not come up in ${UP_WITHIN}s (hung while booting), QEMU killed" >&2
		return 5
	elif [ "$match" = broken ]; then
		echo "boot: the emulated machine broke, QEMU killed: $(cat "$LOG.broken")" >&2
		return 6
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		echo "boot: TIMEOUT after ${TIMEOUT}s, QEMU killed" >&2; return 3
	elif [ "$rc" -ge 33 ] && [ $((rc % 2)) -eq 1 ]; then
		local status=$(((rc - 33) / 2))
		echo "boot: first domain ended the run with status $status" >&2
		[ "$status" -eq 0 ] && return 0
		return 1
	elif [ "$rc" -eq 0 ]; then
		echo "boot: QEMU ended without a status: Xen or the first domain died (or rebooted)" >&2
		return 2
	fi
	echo "boot: QEMU failed (exit $rc); see $LOG.qemu" >&2
	return 4
}

run_batch() {
	local fifo=$LOG.fifo qpid rc=0
	rm -f "$fifo" "$LOG.match" "$LOG.broken"
	mkfifo "$fifo"
	timeout -k 10 "$TIMEOUT" "${QEMU[@]}" -chardev stdio,id=ser0,signal=off \
		-serial chardev:ser0 </dev/null >"$fifo" 2>"$LOG.qemu" &
	qpid=$!
	# Interrupted (Ctrl-C, a CI job cancelled): take QEMU down with us.
	trap 'kill "$qpid" 2>/dev/null; rm -f "$fifo"; exit 130' INT TERM HUP
	stamp "$qpid" <"$fifo" >"$LOG"
	wait "$qpid" || rc=$?
	rm -f "$fifo"
	verdict "$rc"
}

run_interactive() {
	local rc=0
	[ -t 0 ] || die "--interactive needs a terminal on stdin"
	rm -f "$LOG.match"
	# --foreground: QEMU must own the terminal, or it stops on SIGTTOU.
	timeout --foreground -k 10 "$TIMEOUT" "${QEMU[@]}" \
		-chardev stdio,id=ser0,signal=off,logfile="$LOG" \
		-serial chardev:ser0 2>"$LOG.qemu" || rc=$?
	stty sane 2>/dev/null || true
	verdict "$rc"
}

main() {
	parse_args "$@"
	need_pkgs qemu-system-x86
	mkdir -p "$(dirname "$LOG")"
	qemu_cmd
	printf '%q ' "${QEMU[@]}" >"$LOG.cmd"
	echo >>"$LOG.cmd"
	if [ "$INTERACTIVE" = 1 ]; then
		run_interactive
	else
		run_batch
	fi
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
