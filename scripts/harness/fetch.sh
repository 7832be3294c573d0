#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch Debian's Xen 4.17, Linux 6.1 and busybox as .debs and unpack them into
# one tree: $XPV_CACHE/root/<key>/ (key = hash of the exact package versions).
# Prints that directory on stdout.
#
# The package set is HARNESS_PKGS plus their library dependencies (packages
# named lib* or zlib*), followed through the apt candidate versions. Nothing
# is installed on the host: `apt-get download` + `dpkg-deb -x`, then
# `depmod -b` because the kernel package ships no modules.dep.
#
# Usage: fetch.sh            (prints the tree)
#        fetch.sh --list     (prints the pkg=version manifest only)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEBS=$XPV_CACHE/debs

# apt's lists may be missing on a fresh machine.
ensure_apt_lists() {
	apt-cache show --no-all-versions xen-hypervisor-4.17-amd64 >/dev/null 2>&1 &&
		return 0
	stage "updating apt package lists"
	apt-get update -q >"$XPV_BUILD/apt.log" 2>&1 ||
		die "apt-get update failed; see $XPV_BUILD/apt.log"
}

# records PKG...: "pkg version arch dep,dep,..." for each candidate, from one
# apt-cache call (each call costs about a second). Dependencies keep their
# first alternative only, without version constraints.
records() {
	apt-cache show --no-all-versions "$@" 2>/dev/null | awk '
	function flush() {
		if (pkg != "") print pkg, ver, arch, (deps == "" ? "-" : deps)
		pkg = ver = arch = deps = ""
	}
	/^Package:/ { flush(); pkg = $2 }
	/^Version:/ { ver = $2 }
	/^Architecture:/ { arch = $2 }
	/^(Pre-)?Depends:/ {
		sub(/^[^:]*: */, "")
		n = split($0, d, ",")
		for (i = 1; i <= n; i++) {
			x = d[i]; sub(/\|.*/, "", x); sub(/\(.*/, "", x)
			sub(/:any/, "", x); gsub(/[ \t]/, "", x)
			if (x != "") deps = deps (deps == "" ? "" : ",") x
		}
	}
	END { flush() }'
}

# wanted DEP: is a dependency part of the image's closure?
wanted() {
	case $1 in
	lib*-dev | lib*-bin) return 1 ;;
	lib* | zlib* | linux-image-[0-9]*) return 0 ;;
	esac
	return 1
}

# manifest: "pkg version arch" for the closure of HARNESS_PKGS, sorted,
# walked one dependency level per apt-cache call.
manifest() {
	local -A seen=()
	local level=("${HARNESS_PKGS[@]}") next p v a deps d
	while [ ${#level[@]} -gt 0 ]; do
		next=()
		while read -r p v a deps; do
			[ -n "${seen[$p]:-}" ] && continue
			seen[$p]="$v $a"
			for d in ${deps//,/ }; do
				[ -z "${seen[$d]:-}" ] && wanted "$d" && next+=("$d")
			done
		done < <(records "${level[@]}")
		level=("${next[@]}")
	done
	for p in "${HARNESS_PKGS[@]}"; do
		[ -n "${seen[$p]:-}" ] || die "no apt candidate for $p"
	done
	for p in "${!seen[@]}"; do
		[ "$p" = linux-image-amd64 ] || echo "$p ${seen[$p]}"
	done | sort
}

# deb_path PKG VER ARCH: where apt-get download leaves the file.
deb_path() { printf '%s/%s_%s_%s.deb' "$DEBS" "$1" "${2//:/%3a}" "$3"; }

download() {
	local p v a missing=()
	mkdir -p "$DEBS"
	while read -r p v a; do
		[ -f "$(deb_path "$p" "$v" "$a")" ] || missing+=("$p=$v")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	stage "fetching ${#missing[@]} Debian packages"
	(cd "$DEBS" && apt-get download -q "${missing[@]}") \
		>"$XPV_BUILD/fetch.log" 2>&1 ||
		die "apt-get download failed; see $XPV_BUILD/fetch.log"
}

# unpack MANIFEST DIR: dpkg-deb -x every package, then depmod.
unpack() {
	local tmp=$2.tmp p v a kver
	rm -rf "$tmp"
	mkdir -p "$tmp"
	stage "unpacking packages into $2"
	while read -r p v a; do
		dpkg-deb -x "$(deb_path "$p" "$v" "$a")" "$tmp"
	done <"$1"
	kver=$(basename "$(ls -d "$tmp"/lib/modules/*)")
	depmod -b "$tmp" "$kver"
	cp "$1" "$tmp/xpv-packages.txt"
	echo "$kver" >"$tmp/xpv-kernel-version"
	mv "$tmp" "$2"
}

# apt_state: what the manifest depends on besides HARNESS_PKGS and this
# script: the package lists apt resolves from.
apt_state() {
	{
		printf '%s\n' "${HARNESS_PKGS[@]}"
		sha256sum <"${BASH_SOURCE[0]}"
		find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' \
			-printf '%f %s %T@\n' | LC_ALL=C sort
	} | hash_text
}

# cached_manifest FILE: the manifest; resolving it costs several apt-cache
# calls, so it is kept per apt state.
cached_manifest() {
	local c
	c=$XPV_CACHE/manifests/$(apt_state)
	if [ ! -s "$c" ]; then
		ensure_apt_lists
		mkdir -p "$XPV_CACHE/manifests"
		manifest >"$c.tmp"
		mv "$c.tmp" "$c"
	fi
	cp "$c" "$1"
}

main() {
	need_pkgs kmod
	local key root
	MANIFEST=$(mktemp)
	trap 'rm -f "$MANIFEST"' EXIT
	cached_manifest "$MANIFEST"
	if [ "${1:-}" = --list ]; then
		cat "$MANIFEST"
		return
	fi
	key=$(hash_text <"$MANIFEST")
	root=$XPV_CACHE/root/$key
	cache_lock root
	if [ ! -d "$root" ]; then
		download <"$MANIFEST"
		unpack "$MANIFEST" "$root"
	fi
	touch "$root"
	cache_prune "$XPV_CACHE/root" 2
	echo "$root"
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
