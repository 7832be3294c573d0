#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deb.sh: the Debian packages, into build/deb/ (make deb):
#   xpv-backends_<version>_amd64.deb  the daemons, their systemd units,
#       /etc/default files, modprobe.d entries and man pages (debian/),
#       built by dpkg-buildpackage in build/deb/xpv-<version>/, a copy of
#       what the package needs, so the clone's root stays clean; lintian
#       runs on the result
#   linux-image-*.deb (and kbuild's headers and libc-dev packages)  the
#       xenU_defconfig kernel in build/xenU, by kbuild's bindeb-pkg
# DEB_VERSION (default 0.<commits on HEAD>, so a later commit makes a newer
# package) is the version of both; make deb writes the changelog entry.
# DEB_LINTIAN=0 skips lintian (the e2e lane's builds).
# Usage: deb.sh [backends] [kernel]   (both when none is named); a build
# replaces the files of its own version only, so two versions can sit side
# by side (the packages-install scenario upgrades one to the other).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT=$XPV_BUILD/deb
# what debian/rules builds from: backends/Makefile's ROOT is the parent
SOURCES=(backends lib debian scripts/lib.sh)

version() {
	echo "${DEB_VERSION:-0.$(git -C "$XPV_ROOT" rev-list --count HEAD)}"
}

# changelog VERSION: one entry, naming the commit it was built from
changelog() {
	local rev
	rev=$(git -C "$XPV_ROOT" describe --always --dirty 2>/dev/null || echo unknown)
	cat <<-EOF
	xpv ($1) unstable; urgency=medium

	  * Built from commit $rev by make deb.

	 -- $(sed -n 's/^Maintainer: //p' "$XPV_ROOT/debian/control")  $(date -R)
	EOF
}

copy_sources() {
	local src=$1 p
	rm -rf "$src"
	mkdir -p "$src"
	for p in "${SOURCES[@]}"; do
		mkdir -p "$src/$(dirname "$p")"
		cp -a "$XPV_ROOT/$p" "$src/$p"
	done
	rm -rf "$src/backends/out"
}

backends_deb() {
	local v=$1 src=$OUT/xpv-$1
	rm -f "$OUT/xpv-backends_${v}_amd64.deb"
	stage "xpv-backends $v (log: $OUT/xpv-backends.log)"
	copy_sources "$src"
	changelog "$v" >"$src/debian/changelog"
	(cd "$src" && dpkg-buildpackage -b -us -uc) >"$OUT/xpv-backends.log" 2>&1 ||
		{ tail -n 30 "$OUT/xpv-backends.log"; die "dpkg-buildpackage failed"; }
	rm -rf "$src"
	[ "${DEB_LINTIAN:-1}" = 1 ] || return 0
	stage "lintian"
	lintian --info "$OUT/xpv_${v}_amd64.changes" | tee "$OUT/lintian.log"
}

kernel_debs() {
	local v=$1
	# what kbuild's generated debian/control asks for beyond the build's
	need_pkgs rsync
	stage "the xenU kernel's packages (log: $OUT/kernel.log)"
	rm -f "$XPV_BUILD"/linux-*.deb "$OUT"/linux-*_"$v"_*.deb
	make -C "$XPV_ROOT" kernel-deb KDEB_PKGVERSION="$v" >"$OUT/kernel.log" 2>&1 ||
		{ tail -n 30 "$OUT/kernel.log"; die "bindeb-pkg failed"; }
	mv "$XPV_BUILD"/linux-*.deb "$OUT/"
	rm -f "$XPV_BUILD"/linux-*_"$v"_*.{buildinfo,changes}
}

main() {
	local what=("$@") v w
	[ ${#what[@]} -gt 0 ] || what=(backends kernel)
	need_pkgs debhelper dpkg-dev fakeroot lintian
	v=$(version)
	mkdir -p "$OUT"
	for w in "${what[@]}"; do
		case $w in
		backends) backends_deb "$v" ;;
		kernel) kernel_debs "$v" ;;
		*) die "deb.sh: no '$w' (backends, kernel)" ;;
		esac
	done
	ls -1 "$OUT"/*_"$v"_*.deb
}

main "$@"; exit
