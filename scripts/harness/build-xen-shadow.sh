#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build a Xen 4.17 hypervisor like Debian's but with shadow paging, for the
# scenarios that live-migrate a PV guest (XEN=shadow in scenario.conf).
#
# Debian builds Xen without CONFIG_SHADOW_PAGING, and PV guests' log-dirty
# tracking, which `xl migrate` needs to copy memory while the guest runs,
# lives in the shadow code: on Debian's Xen every PV live migration fails
# with "Failed to enable logdirty: 95" before the guest is asked anything.
# xl save and xl restore do not need it.
#
# Usage: build-xen-shadow.sh [XEN_SRC]
#   XEN_SRC   a Xen 4.17 source tree (a git checkout of RELEASE-4.17.x);
#             default: Debian's source package (xen-source.sh)
# Takes Debian's .config from the harness's package tree, turns shadow
# paging on, builds xen/ only and prints the image's path, cached by the
# source's and the config's content (about 3 minutes on 2 cores the first
# time). A scenario with XEN=shadow boots it; by hand:
# XPV_XEN=$(build-xen-shadow.sh) scripts/harness/scenario.sh NAME
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

src=${1:-}
[ -n "$src" ] || src=$("$HARNESS/xen-source.sh")
[ -f "$src/xen/Makefile" ] ||
	die "usage: build-xen-shadow.sh [XEN_SRC] (a Xen 4.17 source tree)"
src=$(cd "$src" && pwd)
grep -q '^export XEN_VERSION *= *4$' "$src/xen/Makefile" &&
	grep -q '^export XEN_SUBVERSION *= *17$' "$src/xen/Makefile" ||
	die "$src is not Xen 4.17 (dom0's xl and libxc are 4.17)"
need_pkgs gcc make flex bison python3
tree=$("$HARNESS/fetch.sh")
cache_lock xen-shadow
config=$(echo "$tree"/boot/xen-4.17-amd64.config)
[ -f "$config" ] || die "no Xen config in $tree/boot"

# the key: Debian's config and every source and build file of xen/
key=$( (cat "$config"
	cd "$src/xen" && find . -type f \( -name '*.[chS]' -o -name 'Makefile*' \
		-o -name 'Kconfig*' -o -name '*.mk' -o -name '*.lds*' \) -print0 |
		sort -z | xargs -0 sha256sum) | hash_text)
out=$XPV_CACHE/xen-shadow/$key
if [ ! -f "$out/xen" ]; then
	stage "building Xen with shadow paging from $src (log: $out/build.log)"
	mkdir -p "$out"
	rm -rf "$out/obj"
	sed 's/^# CONFIG_SHADOW_PAGING is not set/CONFIG_SHADOW_PAGING=y/' "$config" >"$out/config"
	grep -q '^CONFIG_SHADOW_PAGING=y' "$out/config" || die "$config: no SHADOW_PAGING line to turn on"
	mkdir -p "$out/obj"
	cp "$out/config" "$out/obj/.config"
	{ make -C "$src/xen" O="$out/obj" olddefconfig &&
		make -C "$src/xen" O="$out/obj" -j"$(nproc)"; } >"$out/build.log" 2>&1 ||
		die "the Xen build failed; see $out/build.log"
	grep -q '^CONFIG_SHADOW_PAGING=y' "$out/obj/.config" || die "olddefconfig dropped shadow paging"
	cp "$out/obj/xen" "$out/xen"
fi
echo "$out/xen"
