#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run.sh - boot build/xenU/vmlinux as Xen's first domain with a one-file
# initramfs (init.c) and check that user space runs: what the kernel and
# /init print, through hvc0 and Xen's serial line, with the harness of
# scripts/harness/ (boot.sh, build-dom0.sh).
#
# Usage: tests/early/run.sh [--timeout SEC]
# Ends with "early: N passed, N failed"; the serial log is kept in
# build/early/serial.log.

set -uo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"
. "$XPV_ROOT/scripts/testlib.sh"

TIMEOUT=120
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) TIMEOUT=$2 ;;
	*) sed -n 's/^# Usage: //p' "$0" >&2; exit 2 ;;
	esac
	shift 2
done
need_pkgs gcc libc6-dev gzip

out=$XPV_BUILD/early
kobj=$XPV_BUILD/xenU
mkdir -p "$out"
[ -x "$kobj/usr/gen_init_cpio" ] || die "build the kernel first (make)"
gcc -static -O2 -Wall -o "$out/init" "$(dirname "$0")/init.c" || die "cannot build init"
"$kobj/usr/gen_init_cpio" - <<LIST | gzip > "$out/initrd.gz"
dir /dev 755 0 0
nod /dev/kmsg 644 0 0 c 1 11
nod /dev/console 600 0 0 c 5 1
file /init $out/init 755 0 0
LIST

harness() { "$XPV_ROOT/scripts/harness/$@"; }
images=$(harness build-dom0.sh) || die "no Xen image from the harness"
log=$out/serial.log
stage "booting $kobj/vmlinux with $out/initrd.gz (timeout ${TIMEOUT}s)"
harness boot.sh --xen "$images/xen" --kernel "$kobj/vmlinux" \
	--cmdline "console=hvc0" --initrd "$out/initrd.gz" --log "$log" \
	--timeout "$TIMEOUT" --until 'Dom0 halted|Dom0 shutdown' \
	--fail 'Hardware Dom0 crashed|Panic on CPU|domain_crash' >/dev/null 2>&1

seen() { grep -q -- "$1" "$log"; }
expect "the kernel's command line" seen "Kernel command line: console=hvc0"
expect "hvc0 takes over the console" seen "printk: console \[hvc0\] enabled"
expect "/init runs" seen "xpv-init: hello from user space"
expect "/dev/console works" seen "xpv-init: hello on /dev/console"
expect "fork and exec" seen "xpv-init: 20/20 fork+exec ok"
expect "mmap and munmap" seen "xpv-init: mmap loop done"
expect "poweroff" seen "reboot: Power down"
lane_summary early
