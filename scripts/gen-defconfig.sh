#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# gen-defconfig.sh - regenerate arch/x86/configs/xenU_defconfig from the
# readable fragment xenU.config on top of tinyconfig, and check that every
# symbol the fragment sets came out as asked (Kconfig drops what a missing
# dependency forbids, silently).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$XPV_ROOT/scripts/prepare-kernel.sh"
out=$XPV_BUILD/defconfig
frag=$XPV_ROOT/arch/x86/configs/xenU.config
kmake() { make -s -C "$XPV_BUILD/linux" O="$out" ARCH=x86_64 "$@"; }

rm -rf "$out"
kmake tinyconfig >/dev/null
"$XPV_BUILD/linux/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "$frag" >/dev/null 2>&1
kmake olddefconfig >/dev/null
bad=0
while read -r want; do
	sym=$(sed -E 's/^# (CONFIG_[A-Z0-9_]+) is not set$/\1/; s/=.*//' <<<"$want")
	grep -qxF "$want" "$out/.config" && continue
	got=$(grep -E "^(# )?$sym[= ]" "$out/.config") ||
		case $want in "# "*) continue ;; *) got="$sym absent" ;; esac
	warn "asked '$want', got '$got'"
	bad=1
done < <(grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$frag")
[ $bad -eq 0 ] || die "the fragment asks for symbols Kconfig refused"
kmake savedefconfig
cp "$out/defconfig" "$XPV_ROOT/arch/x86/configs/xenU_defconfig"
stage "wrote arch/x86/configs/xenU_defconfig"
