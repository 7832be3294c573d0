#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Debian's Xen 4.17 source package, for build-xen-shadow.sh: the one in
# Debian 12's main archive, checked from the release's signed InRelease
# down to each file's SHA-256 and unpacked with Debian's patches by
# dpkg-source. (The harness boots the security archive's hypervisor, a
# later 4.17; that archive's sources are not reachable from every machine
# that reaches its packages.) Prints the tree: $XPV_CACHE/xen-src/<version>/xen.
# Without the network, the newest tree already unpacked, saying so.
#
# Usage: xen-source.sh
# Environment: XPV_DEBIAN_MIRROR (default http://deb.debian.org/debian)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=shared/lib.sh
. "$HARNESS/shared/lib.sh"	# sha

MIRROR=${XPV_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
DIR=$XPV_CACHE/xen-src

get() { curl -fsSL --retry 3 --connect-timeout 20 -o "$2" "$1"; }

# offline WHY: the newest tree unpacked before, or die.
offline() {
	local t
	t=$(ls -d "$DIR"/*/xen 2>/dev/null | sort -V | tail -n1)
	[ -n "$t" ] || die "$1, and no Xen source unpacked before"
	echo "xen-source: $1; using $t" >&2
	echo "$t"
	exit 0
}

# stanza FILE: the xen source package's paragraph of a Sources index.
stanza() { awk '/^Package: xen$/ { p = 1 } p && /^$/ { exit } p' "$1"; }

# sha256s: "SHA256 NAME" per file of the SHA256 (a Release file) or
# Checksums-Sha256 (a Sources paragraph) field on stdin.
sha256s() {
	awk '/^(SHA256|Checksums-Sha256):/ { p = 1; next } /^[^ ]/ { p = 0 }
		p { print $1, $3 }'
}

# fetch_checked URL FILE SHA256: download and check; a file already there
# with that hash is kept.
fetch_checked() {
	[ -f "$2" ] && [ "$(sha "$2")" = "$3" ] && return 0
	get "$1" "$2.part" || return 1
	[ "$(sha "$2.part")" = "$3" ] ||
		die "$1: SHA-256 is not what the signed index says"
	mv "$2.part" "$2"
}

main() {
	local sum para version dir pool f
	need_pkgs curl gpgv xz-utils dpkg-dev debian-archive-keyring
	mkdir -p "$DIR"
	cache_lock xen-src
	tmp=$(mktemp -d)	# global: the EXIT trap runs after main returns
	trap 'rm -rf "$tmp"' EXIT
	get "$MIRROR/dists/$SUITE/InRelease" "$tmp/InRelease" ||
		offline "cannot fetch $MIRROR/dists/$SUITE/InRelease"
	gpgv --keyring "$KEYRING" --output "$tmp/Release" "$tmp/InRelease" 2>"$tmp/gpgv.log" ||
		die "$MIRROR: InRelease is not signed by Debian's archive key: $(cat "$tmp/gpgv.log")"
	sum=$(sha256s <"$tmp/Release" | awk '$2 == "main/source/Sources.xz" { print $1 }')
	[ -n "$sum" ] || die "$MIRROR: the Release file lists no main/source/Sources.xz"
	fetch_checked "$MIRROR/dists/$SUITE/main/source/Sources.xz" "$tmp/Sources.xz" "$sum" ||
		offline "cannot fetch $SUITE's Sources index"
	para=$(xz -dc "$tmp/Sources.xz" >"$tmp/Sources" && stanza "$tmp/Sources")
	version=$(sed -n 's/^Version: //p' <<<"$para")
	[[ $version =~ ^4\.17\. ]] || die "$SUITE's xen source is '$version', not Xen 4.17"
	dir=$DIR/$version
	if [ ! -f "$dir/xen/.unpacked" ]; then
		stage "fetching Debian's Xen $version source"
		mkdir -p "$dir"
		pool=$MIRROR/$(sed -n 's/^Directory: //p' <<<"$para")
		while read -r sum f; do
			fetch_checked "$pool/$f" "$dir/$f" "$sum" || die "cannot fetch $f"
		done < <(sha256s <<<"$para")
		rm -rf "$dir/xen"
		(cd "$dir" && dpkg-source -x ./*.dsc xen) >"$dir/unpack.log" 2>&1 ||
			die "dpkg-source could not unpack $version; see $dir/unpack.log"
		: >"$dir/xen/.unpacked"
	fi
	echo "$dir/xen"
}

main "$@"
