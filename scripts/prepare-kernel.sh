#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# prepare-kernel.sh - make build/linux a Linux 6.1 tree that builds xpv.
#
# The tree is Debian's linux-source-6.1 tarball, unpacked once. Our kernel
# code stays in this repository: build/linux/xpv/ holds symlinks to the
# entries listed in XPV_LINKS, and the hook patches in patches/series teach
# the kernel to descend there. The prepared tree carries a stamp naming the
# tarball, the patches and the repository path it was made from; while the
# stamp matches, this script is a no-op, and when any of them changes the
# tree is thrown away and prepared again from the tarball.
#
# Usage: scripts/prepare-kernel.sh [--force]
# Environment: XPV_KERNEL_TARBALL overrides /usr/src/linux-source-6.1.tar.xz.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

KSRC=$XPV_BUILD/linux
KVERSION=6.1
PKG=linux-source-$KVERSION
DEFAULT_TARBALL=/usr/src/$PKG.tar.xz
TARBALL=${XPV_KERNEL_TARBALL:-$DEFAULT_TARBALL}
STAMP=$KSRC/.xpv-prepared

# What the kernel sees of us, relative to both the repo and build/linux/xpv.
XPV_LINKS=(Kbuild Kconfig arch drivers lib)
# Files we add to the kernel's own directories.
XPV_EXTRA_LINKS=(arch/x86/configs/xenU_defconfig arch/x86/configs/xpv_debug.config)

# Packages to unpack the tarball, apply patches and build a kernel.
BUILD_DEPS=(xz-utils patch make gcc bc bison flex libelf-dev libssl-dev cpio
	    kmod python3 ccache)

ensure_packages() {
	local pkgs=("${BUILD_DEPS[@]}")
	[ -n "${XPV_KERNEL_TARBALL:-}" ] || pkgs+=("$PKG")
	need_pkgs "${pkgs[@]}"
}

# A tarball from the package must match the checksum dpkg recorded for it;
# anything else (a file given by the user) must at least decompress.
verify_tarball() {
	[ -f "$TARBALL" ] || {
		[ "$TARBALL" = "$DEFAULT_TARBALL" ] &&
			die "$TARBALL is missing although $PKG is installed;" \
			    "reinstall it: apt-get install --reinstall $PKG"
		die "kernel tarball $TARBALL does not exist"
	}
	local sums=/var/lib/dpkg/info/$PKG.md5sums
	if [ "$TARBALL" = "$DEFAULT_TARBALL" ] && [ -f "$sums" ]; then
		stage "verifying $TARBALL against $PKG's checksum"
		(cd / && grep " ${DEFAULT_TARBALL#/}\$" "$sums" | md5sum -c --quiet -) \
			>/dev/null 2>&1 ||
			die "$TARBALL is corrupted (checksum differs from $PKG's);" \
			    "reinstall it: apt-get install --reinstall $PKG"
	else
		stage "checking that $TARBALL decompresses"
		xz -t "$TARBALL" 2>/dev/null || die "$TARBALL is not a valid .tar.xz"
	fi
}

# The stamp changes whenever the prepared tree would come out different.
stamp_of() {
	{
		echo "root $XPV_ROOT"
		stat -L -c 'tarball %n %s %Y' "$TARBALL" 2>/dev/null || echo "tarball missing"
		echo "links ${XPV_LINKS[*]} ${XPV_EXTRA_LINKS[*]}"
		cat "$XPV_ROOT/patches/series"
		while read -r p; do
			cat "$XPV_ROOT/patches/$p"
		done < <(series)
	} | sha256sum | cut -d' ' -f1
}

series() {
	grep -v -e '^#' -e '^[[:space:]]*$' "$XPV_ROOT/patches/series"
}

unpack() {
	local tmp=$XPV_BUILD/linux.tmp
	rm -rf "$tmp" && mkdir -p "$tmp"
	stage "unpacking $(basename "$TARBALL") (about a minute)"
	tar -xJf "$TARBALL" -C "$tmp" --strip-components=1 ||
		die "unpacking $TARBALL failed"
	local v
	v=$(make -s -C "$tmp" kernelversion 2>/dev/null) ||
		die "$TARBALL does not look like a kernel tree (no kernelversion)"
	case $v in
	"$KVERSION".*) ;;
	*) die "$TARBALL is Linux $v; xpv patches Linux $KVERSION.x" ;;
	esac
	echo "$v" > "$tmp/.xpv-version"
	printf '%s\n' "$tmp"
}

link_ours() {
	local tree=$1 e
	mkdir -p "$tree/xpv"
	for e in "${XPV_LINKS[@]}"; do
		[ -e "$XPV_ROOT/$e" ] || die "$XPV_ROOT/$e is missing"
		ln -sfn "$XPV_ROOT/$e" "$tree/xpv/$e"
	done
	for e in "${XPV_EXTRA_LINKS[@]}"; do
		ln -sfn "$XPV_ROOT/$e" "$tree/$e"
	done
}

apply_patches() {
	local tree=$1 p out
	while read -r p; do
		[ -f "$XPV_ROOT/patches/$p" ] || die "patches/series names $p, which does not exist"
		if ! out=$(patch -d "$tree" -p1 --forward --batch --dry-run \
				< "$XPV_ROOT/patches/$p" 2>&1); then
			die "patch $p does not apply to Linux $(cat "$tree/.xpv-version"):" \
			    $'\n'"$out"$'\n'"Refresh it against $TARBALL."
		fi
		patch -d "$tree" -p1 --forward --batch --silent < "$XPV_ROOT/patches/$p"
	done < <(series)
}

main() {
	local force=${1:-}
	ensure_packages
	local want
	want=$(stamp_of)
	if [ "$force" != --force ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
		return 0
	fi
	verify_tarball
	# A failed attempt leaves the previous tree, if any, as it was.
	trap 'rm -rf "$XPV_BUILD/linux.tmp"' EXIT
	local tree
	tree=$(unpack)
	link_ours "$tree"
	apply_patches "$tree"
	echo "$want" > "$tree/.xpv-prepared"
	rm -rf "$KSRC"
	mv "$tree" "$KSRC"
	# The symlinks above point into the repo, not into linux.tmp: no fixup.
	stage "prepared $KSRC (Linux $(cat "$KSRC/.xpv-version"))"
}

main "$@"
