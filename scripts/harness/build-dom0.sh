#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the dom0 images from the unpacked Debian tree (fetch.sh) into
# $XPV_CACHE/dom0/<key>/ and print that directory:
#   xen           Xen 4.17, gunzipped (QEMU's multiboot loader wants it plain)
#   vmlinux       Debian's kernel, uncompressed out of its bzImage: Xen loads
#                 an ELF ~6 s faster than it unpacks the xz bzImage under TCG
#   vmlinuz       Debian's kernel as shipped
#   dom0.cpio     busybox, the Xen tools dom0 needs, dpkg, their shared libraries,
#                 the Xen/backend/loop/bridge/tun/virtio/ext4 modules, the hotplug scripts,
#                 /init and the scenario runner (scripts/harness/dom0/)
#   guest-base.cpio  busybox and its applet links, the start of every
#                 guest initramfs (build-guest.sh appends the rest)
#   root          link to the unpacked Debian tree (guest busybox, modules)
#   kernel-version
# The key hashes the package manifest and the harness files that go into the
# images, so an edit of dom0/init rebuilds and nothing else does.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Xen tools the dom0 runs (from /usr/lib/xen-4.17/bin) and xenstore clients.
DOM0_XEN_TOOLS=(xl xenstored xenconsoled xenconsole xen-init-dom0 xenctx
	libxl-save-helper)
DOM0_XENSTORE_CLIENTS=(xenstore xenstore-read xenstore-write xenstore-ls
	xenstore-list xenstore-rm xenstore-watch xenstore-exists xenstore-chmod)
# virtio and ext4: the Debian rootfs disk (boot.sh --disk), which dom0
# mounts to put the harness's files into it.
DOM0_MODULES=(xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
	xen-blkback xen-netback loop bridge tun
	virtio_pci virtio_blk crc32c_generic ext4)

# extract_vmlinux BZIMAGE OUT: Debian compresses its kernel with xz; the ELF
# is the first xz stream after the setup code.
extract_vmlinux() {
	local off
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n1 | cut -d: -f1)
	[ -n "$off" ] || die "no xz stream in $1"
	# xz stops after its stream; reading through a substitution keeps
	# tail's SIGPIPE out of pipefail.
	xz -dc --single-stream <(tail -c +$((off + 1)) "$1" || true) >"$2"
	[ "$(head -c4 "$2" | od -An -c | tr -d ' ')" = '177ELF' ] ||
		die "what $1 holds is not an ELF kernel"
}

install_xen_tools() {
	local root=$1 stage=$2 files=() t
	for t in "${DOM0_XEN_TOOLS[@]}"; do files+=("${XEN_BIN#/}/$t"); done
	for t in "${DOM0_XENSTORE_CLIENTS[@]}"; do files+=("usr/bin/$t"); done
	# The interpreter, and libgcc_s which glibc dlopens for pthread_cancel.
	files+=(lib64/ld-linux-x86-64.so.2 "$(find_lib "$root" libgcc_s.so.1)")
	copy_with_libs "$root" "$stage" "${files[@]}"
	copy_path "$root" "$stage" etc/xen/xl.conf
}

# dpkg, for the packages-install scenario: dpkg-deb unpacks with GNU tar
# (busybox's lacks options it passes), and dpkg wants ldconfig and
# start-stop-daemon on PATH before it runs at all. These replace busybox's
# applets of the same names on PATH; busybox's sh still runs its own
# applets first, so a script calls /usr/bin/dpkg by its path.
DOM0_DPKG=(usr/bin/dpkg usr/bin/dpkg-deb usr/bin/dpkg-query
	usr/bin/dpkg-split usr/bin/dpkg-trigger usr/bin/dpkg-maintscript-helper
	sbin/start-stop-daemon sbin/ldconfig bin/tar)

# install_dpkg ROOT STAGE: dpkg, and a database that says what dom0 is made
# of: every package of the image's manifest as installed (with an empty
# file list: the image holds only parts of them), so that a package's
# Depends on libxen* and libc6 hold as on a Debian dom0.
install_dpkg() {
	local root=$1 stage=$2 db=$2/var/lib/dpkg p v a
	# Debian's, not busybox's applets of the same names
	for p in "${DOM0_DPKG[@]}"; do rm -f "$stage/$p"; done
	copy_with_libs "$root" "$stage" "${DOM0_DPKG[@]}"
	copy_path "$root" "$stage" etc/dpkg/dpkg.cfg
	mkdir -p "$db/info" "$db/updates" "$db/triggers"
	: >"$db/available"
	while read -r p v a; do
		: >"$db/info/$p.list"
		printf 'Package: %s\nStatus: install ok installed\n' "$p"
		printf 'Version: %s\nArchitecture: %s\n' "$v" "$a"
		printf 'Maintainer: Debian\nDescription: part of the dom0 image\n\n'
	done <"$root/xpv-packages.txt" >"$db/status"
}

install_modules() {
	local root=$1 stage=$2 kver=$3 m
	for m in $(module_paths "$root" "$kver" "${DOM0_MODULES[@]}"); do
		copy_path "$root" "$stage" "lib/modules/$kver/$m"
	done
	cp "$root/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} \
		"$stage/lib/modules/$kver/"
	depmod -b "$stage" "$kver"
}

install_harness() {
	local stage=$1 d
	for d in proc sys dev run tmp root var/lib/xen var/lib/xenstored \
		var/log/xen/console etc/xpv/dom0.d scenario; do
		mkdir -p "$stage/$d"
	done
	ln -sfn /run "$stage/var/run"
	ln -sfn /run/lock "$stage/var/lock"
	install -m 755 "$HARNESS/dom0/init" "$stage/init"
	install -D -m 755 "$HARNESS/dom0/xpv-dom0" "$stage/usr/lib/xpv/xpv-dom0"
	install -m 644 "$HARNESS/dom0/lib.sh" "$stage/usr/lib/xpv/lib.sh"
	install -m 644 "$HARNESS/shared/lib.sh" "$stage/usr/lib/xpv/shared.sh"
	install -D -m 755 "$HARNESS/dom0/hotplug/xpv-block" \
		"$stage/etc/xen/scripts/xpv-block"
	install -m 755 "$HARNESS/dom0/hotplug/xpv-vif" "$stage/etc/xen/scripts/xpv-vif"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
	echo 'root:x:0:' >"$stage/etc/group"
	echo 'dom0' >"$stage/etc/hostname"
}

build() {
	local root=$1 out=$2 kver stage
	kver=$(cat "$root/xpv-kernel-version")
	stage=$out/stage
	rm -rf "$out"
	mkdir -p "$stage"
	stage "building the dom0 image in $out"
	zcat "$root/boot/xen-4.17-amd64.gz" >"$out/xen"
	cp "$root/boot/vmlinuz-$kver" "$out/vmlinuz"
	extract_vmlinux "$out/vmlinuz" "$out/vmlinux"
	echo "$kver" >"$out/kernel-version"
	busybox_tree "$root" "$stage"
	install_xen_tools "$root" "$stage"
	install_dpkg "$root" "$stage"
	install_modules "$root" "$stage" "$kver"
	install_harness "$stage"
	mkcpio "$stage" "$out/dom0.cpio"
	rm -rf "$stage"
	mkdir "$stage"
	busybox_tree "$root" "$stage"
	mkcpio "$stage" "$out/guest-base.cpio"
	ln -s "$root" "$out/root"
	rm -rf "$stage"
}

main() {
	need_pkgs cpio xz-utils kmod binutils qemu-system-x86
	local root key out
	root=$("$HARNESS/fetch.sh")
	key=$( {
		basename "$root"
		hash_files "$HARNESS/build-dom0.sh" "$HARNESS/common.sh" \
			$(find "$HARNESS/dom0" "$HARNESS/shared" -type f | LC_ALL=C sort)
	} | hash_text)
	out=$XPV_CACHE/dom0/$key
	cache_lock dom0
	if [ ! -f "$out/dom0.cpio" ]; then
		build "$root" "$out.tmp"
		rm -rf "$out"
		mv "$out.tmp" "$out"
	fi
	touch "$out"
	cache_prune "$XPV_CACHE/dom0" 6
	echo "$out"
}

# On one line with main: bash reads a script as it runs, and this way an
# edit of the file during a long run cannot change what runs next.
main "$@"; exit
