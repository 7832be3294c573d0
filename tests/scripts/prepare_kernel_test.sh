#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests of scripts/prepare-kernel.sh on tiny fake kernel tarballs, in a
# scratch build directory: what a user sees when the tarball is missing,
# corrupted or the wrong version, or when a hook patch no longer applies;
# and that a good tree is prepared once, then left alone until its inputs
# change. Ends with "tools: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/testlib.sh"
prep=$here/../../scripts/prepare-kernel.sh

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export XPV_BUILD=$scratch/build

# fake_tree NAME SUBLEVEL-VERSION ANCHORS: a kernel-looking tarball whose
# Kbuild/Kconfig have the lines our patch anchors on (ANCHORS=yes) or not.
fake_tree() {
	local name=$1 version=$2 anchors=$3 d=$scratch/src/$1/linux-source-6.1
	mkdir -p "$d"
	IFS=. read -r v p s <<<"$version"
	printf 'VERSION = %s\nPATCHLEVEL = %s\nSUBLEVEL = %s\nkernelversion:\n\t@echo $(VERSION).$(PATCHLEVEL).$(SUBLEVEL)\n' \
		"$v" "$p" "$s" > "$d/Makefile"
	mkdir -p "$d/arch/x86/configs"
	if [ "$anchors" = yes ]; then
		# The lines every patch of the series expects (context and
		# removed lines), in order, per file.
		local patches=() p
		while read -r p; do
			patches+=("$here/../../patches/$p")
		done < <(grep -v -e '^#' -e '^[[:space:]]*$' "$here/../../patches/series")
		for p in $(awk '/^--- a\//{print substr($2,3)}' "${patches[@]}" | sort -u); do
			mkdir -p "$d/$(dirname "$p")"
		done
		awk '/^--- a\//{f=substr($2,3); next} /^[ -]/{print substr($0,2) > "'"$d"'/" f}' \
			"${patches[@]}"
	else
		echo 'obj-y += init/' > "$d/Kbuild"
		echo 'source "init/Kconfig"' > "$d/Kconfig"
	fi
	tar -cJf "$scratch/$name.tar.xz" -C "$scratch/src/$name" linux-source-6.1
	echo "$scratch/$name.tar.xz"
}

# run_prep TARBALL: run the script, keep its stderr, return its status.
run_prep() {
	XPV_KERNEL_TARBALL=$1 "$prep" >"$scratch/out" 2>&1
}

fails_saying() { # fails_saying TEXT TARBALL
	! run_prep "$2" && grep -q "$1" "$scratch/out" ||
		{ sed 's/^/    /' "$scratch/out"; return 1; }
}

good=$(fake_tree good 6.1.99 yes)
old=$(fake_tree old 5.10.7 yes)
drifted=$(fake_tree drifted 6.1.99 no)
head -c 4096 /dev/urandom > "$scratch/corrupt.tar.xz"

expect "missing tarball is named" fails_saying "does not exist" "$scratch/none.tar.xz"
expect "corrupted tarball is reported" fails_saying "not a valid .tar.xz" "$scratch/corrupt.tar.xz"
expect "wrong version is refused" fails_saying "is Linux 5.10.7; xpv patches Linux 6.1" "$old"
expect "a patch that no longer applies is named" \
	fails_saying "patch 0001-kbuild-descend-into-xpv.patch does not apply" "$drifted"
expect "no half-prepared tree is left behind" test ! -e "$XPV_BUILD/linux"

expect "a good tree is prepared" run_prep "$good"
tree=$XPV_BUILD/linux
expect "the hook patch is applied" grep -qx 'obj-y			+= xpv/' "$tree/Kbuild"
expect "our directories are linked" test -L "$tree/xpv/arch" -a -e "$tree/xpv/Kconfig"
expect "xenU_defconfig is linked" test -e "$tree/arch/x86/configs/xenU_defconfig"

touch "$tree/marker"
expect "a second run is a no-op" run_prep "$good"
expect "... and keeps the tree" test -e "$tree/marker"
expect "... silently" test ! -s "$scratch/out"

touch -d '2001-01-01' "$good"
expect "a changed tarball re-prepares" run_prep "$good"
expect "... from scratch" test ! -e "$tree/marker"

lane_summary tools
