#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a Debian 12 root filesystem as a raw ext4 image, for a guest that
# boots from xvda (DISKS kind "debian", tests/e2e/README.md), and print its
# path: $XPV_CACHE/rootfs/<key>/debian12.img.
#
# mmdebstrap (installed on the host with apt-get) makes a minbase tree from
# deb.debian.org plus ROOTFS_PKGS, without Recommends and without docs, man
# pages or translations; a hook sets what a console login needs (root's
# password "xpv", a hostname, the fstab); mke2fs -d turns the tree into
# the image. The key hashes the package list and this script, so the image
# is rebuilt only when one of them changes. Nobody writes to the image
# afterwards: QEMU gives it to dom0 with snapshot=on (boot.sh --disk).
#
# Usage: build-rootfs.sh     (prints the image)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SUITE=bookworm
MIRROR=http://deb.debian.org/debian
# systemd as PID 1, the tools the scenario uses, dbus for logind, kmod for
# modprobe (and systemd's kmod-static-nodes once the kernel has modules).
ROOTFS_PKGS=(systemd systemd-sysv udev dbus iproute2 e2fsprogs kmod)
# The image's size; the tree takes ~250 MiB of it, the rest is free space
# for the guest (the file is sparse).
ROOTFS_MIB=640
# Left out of the tree: documentation, man pages, translations.
ROOTFS_EXCLUDES=('/usr/share/doc/*' '/usr/share/man/*' '/usr/share/info/*'
	'/usr/share/locale/*' '/usr/share/lintian/*')

# setup_hook ROOT: what a console login and a disk root need.
setup_hook() {
	echo 'root:xpv' | chroot "$1" chpasswd
	echo debian >"$1/etc/hostname"
	echo '/dev/xvda / ext4 rw,errors=remount-ro 0 1' >"$1/etc/fstab"
	rm -f "$1"/etc/machine-id "$1"/var/lib/dbus/machine-id
	: >"$1/etc/machine-id"
	rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*
}

build() {
	local dir=$1 tree=$1/tree opts=() p
	for p in "${ROOTFS_EXCLUDES[@]}"; do opts+=(--dpkgopt="path-exclude=$p"); done
	rm -rf "$dir"
	mkdir -p "$dir"
	stage "building the Debian rootfs in $dir (mmdebstrap, a few minutes)"
	mmdebstrap --mode=root --variant=minbase \
		--include="$(IFS=,; echo "${ROOTFS_PKGS[*]}")" "${opts[@]}" \
		"$SUITE" "$tree" "$MIRROR" >"$dir/mmdebstrap.log" 2>&1 ||
		die "mmdebstrap failed; see $dir/mmdebstrap.log"
	setup_hook "$tree"
	mke2fs -q -t ext4 -L debian-root -d "$tree" "$dir/debian12.img" "${ROOTFS_MIB}M" >&2 ||
		die "mke2fs -d $tree failed"
	rm -rf "$tree"
}

main() {
	need_pkgs mmdebstrap e2fsprogs
	local key out
	key=$( {
		printf '%s\n' "$SUITE" "${ROOTFS_PKGS[@]}" "$ROOTFS_MIB"
		hash_files "$HARNESS/build-rootfs.sh"
	} | hash_text)
	out=$XPV_CACHE/rootfs/$key
	cache_lock rootfs
	if [ ! -f "$out/debian12.img" ]; then
		build "$out.tmp"
		rm -rf "$out"
		mv "$out.tmp" "$out"
	fi
	touch "$out"
	cache_prune "$XPV_CACHE/rootfs" 2
	echo "$out/debian12.img"
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
