#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a guest initramfs (uncompressed newc cpio): the busybox base from
# the dom0 images (guest-base.cpio), then an archive with the guest /init
# and helpers (scripts/harness/guest/, with the runner a systemd guest
# uses instead of /init), the scenario's guest.sh and
# environment, kernel modules with their dependencies, and any extra files.
# The kernel unpacks concatenated archives in order. Built per run (it takes
# a second), so not cached.
#
# Usage: build-guest.sh --base FILE --out FILE --env FILE
#          [--script FILE] [--modules "NAME..." --modules-root DIR]
#          [--file SRC:DEST]...
#   --base        guest-base.cpio from build-dom0.sh
#   --env         shell assignments for the guest (becomes /xpv/guest.env)
#   --modules-root  a directory holding lib/modules/<kver>/ with modules.dep
#                 (Debian's tree for Debian's kernel; `make modules_install
#                 INSTALL_MOD_PATH=DIR` output for another kernel)
#   --file        copy SRC to DEST in the image (DEST absolute)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BASE='' OUT='' ENV='' SCRIPT='' MODULES='' MODROOT='' FILES=()

usage() { sed -n '/^# Usage:/,/^#   --file/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--base) BASE=$2 ;;
		--out) OUT=$2 ;;
		--env) ENV=$2 ;;
		--script) SCRIPT=$2 ;;
		--modules) MODULES=$2 ;;
		--modules-root) MODROOT=$2 ;;
		--file) FILES+=("$2") ;;
		*) usage ;;
		esac
		shift 2
	done
	[ -n "$BASE" ] && [ -n "$OUT" ] && [ -n "$ENV" ] || usage
	[ -z "$MODULES" ] || [ -n "$MODROOT" ] ||
		die "guest modules ($MODULES) need --modules-root"
}

install_modules() {
	local stage=$1 kver m
	[ -n "$MODULES" ] || return 0
	kver=$(basename "$(ls -d "$MODROOT"/lib/modules/*/ | head -n1)")
	for m in $(module_paths "$MODROOT" "$kver" $MODULES); do
		install -D -m 644 "$MODROOT/lib/modules/$kver/$m" \
			"$stage/lib/modules/$kver/$m"
	done
	cp "$MODROOT/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} \
		"$stage/lib/modules/$kver/" 2>/dev/null || true
	depmod -b "$stage" "$kver"
}

install_files() {
	local stage=$1 f d
	for d in proc sys dev tmp run root mnt; do mkdir -p "$stage/$d"; done
	install -m 755 "$HARNESS/guest/init" "$stage/init"
	install -D -m 644 "$HARNESS/guest/lib.sh" "$stage/xpv/lib.sh"
	install -m 644 "$HARNESS/shared/lib.sh" "$stage/xpv/shared.sh"
	install -m 755 "$HARNESS/guest/systemd-init" "$stage/xpv/systemd-init"
	install -m 644 "$HARNESS/guest/xpv-guest.service" "$stage/xpv/xpv-guest.service"
	install -m 644 "$ENV" "$stage/xpv/guest.env"
	[ -z "$SCRIPT" ] || install -m 644 "$SCRIPT" "$stage/xpv/guest.sh"
	for f in "${FILES[@]}"; do
		[ -e "${f%%:*}" ] || die "guest file ${f%%:*} does not exist"
		mkdir -p "$stage/$(dirname "${f#*:}")"
		cp -a "${f%%:*}" "$stage/${f#*:}"
	done
}

main() {
	parse_args "$@"
	need_pkgs cpio kmod
	STAGE=$(mktemp -d)
	trap 'rm -rf "$STAGE"' EXIT
	install_modules "$STAGE"
	install_files "$STAGE"
	mkcpio "$STAGE" "$STAGE.cpio"
	cat "$BASE" "$STAGE.cpio" >"$OUT"
	rm -f "$STAGE.cpio"
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
