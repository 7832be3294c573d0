# SPDX-License-Identifier: GPL-2.0-only
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
# fetcher follows it to the versioned image package.
HARNESS_PKGS=(xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
	xenstore-utils linux-image-amd64 busybox-static)

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
