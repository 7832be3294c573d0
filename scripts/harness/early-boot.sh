#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Early-boot lane: boot KERNEL as Xen's first domain (where dom0 would be),
# with no initramfs, and pass when its output - written with CONSOLEIO_write,
# which Xen copies to the serial line - contains EXPECT. For bring-up of the
# port before xenstore and the console ring exist.
#
# It stops at the first of: EXPECT seen (pass); the domain crashed or Xen
# panicked (fail, at once); QEMU ended; the timeout (fail). The serial log,
# with host timestamps, is kept in $XPV_BUILD/early-boot/serial.log.
#
# Usage: early-boot.sh --kernel FILE --expect STRING [--cmdline STR]
#                      [--timeout SEC] [--log FILE]
#   FILE may be an ELF vmlinux or a bzImage; "debian" is Debian's kernel
#   (which proves the lane: --expect 'Linux version').
# The last line is "early-boot: PASS|FAIL ...".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KERNEL='' EXPECT='' CMDLINE="console=hvc0 earlyprintk=xen" TIMEOUT=300
LOG=$XPV_BUILD/early-boot/serial.log

# A first domain that crashes makes Xen print one of these (then reboot).
CRASH_RE='Hardware Dom0 crashed|Panic on CPU|domain_crash|FATAL PAGE FAULT|Dom0 shutdown'

usage() { sed -n '/^# Usage:/,/^# The last line/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) KERNEL=$2 ;;
		--expect) EXPECT=$2 ;;
		--cmdline) CMDLINE=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--log) LOG=$2 ;;
		*) usage ;;
		esac
		shift 2
	done
	[ -n "$KERNEL" ] && [ -n "$EXPECT" ] || usage
}

# regex_quote STR: STR as a literal bash ERE.
regex_quote() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'; }

main() {
	parse_args "$@"
	local images start rc=0
	images=$("$HARNESS/build-dom0.sh")
	[ "$KERNEL" = debian ] && KERNEL=$images/vmlinux
	[ -f "$KERNEL" ] || die "no kernel: $KERNEL"
	stage "booting Xen with $KERNEL as its first domain (timeout ${TIMEOUT}s)"
	start=$(date +%s)
	"$HARNESS/boot.sh" --xen "$images/xen" --kernel "$KERNEL" \
		--cmdline "$CMDLINE" --log "$LOG" --timeout "$TIMEOUT" \
		--until "$(regex_quote "$EXPECT")" --fail "$CRASH_RE" || rc=$?
	if [ "$rc" -eq 0 ]; then
		grep -m1 -F -- "$EXPECT" "$LOG" >&2
		echo "early-boot: PASS '$EXPECT' seen after $(elapsed "$start")s"
		return 0
	fi
	echo "--- serial log, last 40 lines ($LOG)" >&2
	tail -n 40 "$LOG" >&2
	echo "early-boot: FAIL '$EXPECT' not seen ($(elapsed "$start")s)"
	return 1
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
