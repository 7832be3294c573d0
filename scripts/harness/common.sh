# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Shared by the scripts of the integration harness. Source it.
#
# The harness model: Debian's Xen 4.17 runs inside QEMU (TCG), its first
# domain is Debian's Linux 6.1 with a busybox initramfs (dom0), and dom0 runs
# one scenario (tests/e2e/<name>/) that boots a PV guest and checks it. Every
# binary comes from Debian packages unpacked with dpkg-deb under $XPV_CACHE,
# never installed on the host.
#
#   fetch.sh        packages -> unpacked tree   $XPV_CACHE/root/<key>/
#   build-dom0.sh   tree -> Xen, dom0 kernel, dom0 initramfs  $XPV_CACHE/dom0/<key>/
#   build-guest.sh  tree + scenario -> guest initramfs
#   boot.sh         QEMU runner: serial log with host timestamps, hard timeout
#   scenario.sh     one scenario: images, boot, verdict from the serial log
#   e2e.sh, run.sh, early-boot.sh   entry points
#
# Cache keys are hashes of content: the exact package versions plus the
# harness files that go into an image, so an input change rebuilds.

# shellcheck source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

HARNESS=$XPV_ROOT/scripts/harness

# A failing command names itself, so `set -e` never exits silently.
set -E
trap 'xpv_err_trap $? "$BASH_COMMAND" "${BASH_SOURCE[0]##*/}" "$LINENO"' ERR
xpv_err_trap() {
	case $2 in return* | exit* | main*) return 0 ;; esac
	echo "xpv: error: \"$2\" failed (exit $1) at $3:$4" >&2
}
XEN_BIN=/usr/lib/xen-4.17/bin

# What the dom0 image is made of. linux-image-amd64 is a metapackage: the
# fetcher follows it to the versioned image package. qemu-utils is in the
# tree for the scenarios that ship qemu-img or qemu-nbd to dom0
# (DOM0_DEBIAN_FILES), qemu-system-xen and qemu-system-data for those that
# ship QEMU's own Xen backend (libxl execs /usr/libexec/xen-qemu-system-i386
# for a backendtype=qdisk disk; it reads its en-us keymap even with -vnc
# none), libnbd0 for xpv-blkback's nbd driver (DOM0_FILES bring their
# libraries from the tree); dom0.cpio itself holds none of them.
HARNESS_PKGS=(xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
	xenstore-utils linux-image-amd64 busybox-static dpkg tar libc-bin qemu-utils
	qemu-system-xen qemu-system-data libnbd0)

# Xen's command line, from the trial on this kind of machine.
XEN_CMDLINE="console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=2 loglvl=all guest_loglvl=all console_timestamps=boot"

# hash_files FILE...: one sha256 over names and contents, stable across clones.
hash_files() {
	local f
	for f in "$@"; do
		printf '%s\n' "${f#"$XPV_ROOT"/}"
		sha256sum <"$f"
	done | sha256sum | cut -c1-16
}

# hash_text: sha256 of stdin, short.
hash_text() { sha256sum | cut -c1-16; }

# cache_lock NAME: serialise builds of one cache area between concurrent runs.
# The lock lives as long as the calling shell (fd 9).
cache_lock() {
	exec 9>"$XPV_CACHE/.lock-$1"
	flock 9
}

# elapsed START: seconds since START (from `date +%s`).
elapsed() { echo $(($(date +%s) - $1)); }

# module_paths ROOT KVER NAME...: the .ko files (relative to the modules
# directory) of the named modules and everything they depend on, from
# modules.dep. '-' and '_' are the same in module names. Dies on an unknown
# name, so a typo in a scenario is an error and not a missing driver at boot.
module_paths() {
	local root=$1 kver=$2
	shift 2
	awk -v want="$*" '
	function norm(s) { sub(/.*\//, "", s); sub(/\.ko.*$/, "", s); gsub(/-/, "_", s); return s }
	BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { x = w[i]; gsub(/-/, "_", x); need[x] = 1 } }
	{
		mod = $1; sub(/:$/, "", mod)
		if (!(norm(mod) in need)) next
		found[norm(mod)] = 1
		print mod
		for (i = 2; i <= NF; i++) print $i
	}
	END { for (x in need) if (!(x in found)) { print "unknown module: " x > "/dev/stderr"; exit 1 } }
	' "$root/lib/modules/$kver/modules.dep" | sort -u
}

# busybox_tree ROOT STAGE: busybox from the Debian tree with a symlink per
# applet at its usual path.
busybox_tree() {
	local a
	install -D -m 755 "$1/bin/busybox" "$2/bin/busybox"
	for a in $("$1/bin/busybox" --list-full); do
		[ -e "$2/$a" ] && continue
		[ "${a%/*}" = "$a" ] || mkdir -p "$2/${a%/*}"
		ln -s /bin/busybox "$2/$a"
	done
}

# mkcpio DIR OUT: a newc archive of DIR, owned by root, in a stable order.
mkcpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet) >"$2"
}

# cache_prune DIR KEEP: under DIR, keep the KEEP most recently used entries
# (users touch what they use) and drop the rest and any half-built *.tmp.
# Call with the area's cache_lock held.
cache_prune() {
	local d
	[ -d "$1" ] || return 0
	find "$1" -mindepth 1 -maxdepth 1 -name '*.tmp' -exec rm -rf {} +
	ls -1td "$1"/*/ 2>/dev/null | tail -n +$(($2 + 1)) | while read -r d; do
		rm -rf "$d"
	done
}

LIB_DIRS=(lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu)

# copy_path ROOT STAGE PATH: copy one file, following symlinks one by one so
# the image keeps the same names (libfoo.so.1 -> libfoo.so.1.2).
copy_path() {
	local root=$1 stage=$2 p=$3 t
	while :; do
		mkdir -p "$stage/$(dirname "$p")"
		if [ -L "$root/$p" ]; then
			t=$(readlink "$root/$p")
			ln -sfn "$t" "$stage/$p"
			case $t in /*) p=${t#/} ;; *) p=$(dirname "$p")/$t ;; esac
			continue
		fi
		[ -e "$root/$p" ] || die "missing in the Debian tree: /$p"
		cp -a "$root/$p" "$stage/$p"
		return
	done
}

# find_lib ROOT SONAME: the library's path relative to ROOT.
find_lib() {
	local d
	for d in "${LIB_DIRS[@]}"; do
		[ -e "$1/$d/$2" ] && { echo "$d/$2"; return; }
	done
	die "shared library $2 is not in the Debian tree (add its package to fetch.sh)"
}

# copy_with_libs ROOT STAGE PATH...: the files and their NEEDED closure.
copy_with_libs() {
	local root=$1 stage=$2 p lib
	shift 2
	local -A done_=()
	local todo=("$@")
	while [ ${#todo[@]} -gt 0 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		[ -n "${done_[$p]:-}" ] && continue
		done_[$p]=1
		copy_path "$root" "$stage" "$p"
		for lib in $(elf_needed "$root/$p"); do
			todo+=("$(find_lib "$root" "$lib")")
		done
	done
}

# elf_needed FILE: the shared libraries FILE names (none if not ELF).
elf_needed() {
	{ readelf -d "$1" 2>/dev/null || true; } | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
