# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: two targets no toolstack would write, then xl mem-set to half
# the boot size and back, five times; Xen's count of the domain's memory
# (xl list, MiB) must follow, i.e. the frames really went back to Xen.
target_node() { echo "/local/domain/$(xl domid "$GUEST_NAME")/memory/target"; }
xl_mib() { xl list "$GUEST_NAME" | awk 'NR == 2 { print $3 }'; }

# xen_mib_near MIB: Xen counts MIB MiB for the domain, give or take one.
xen_mib_near() {
	local have
	have=$(xl_mib)
	[ "$have" -ge $(($1 - 1)) ] && [ "$have" -le $(($1 + 1)) ] && return 0
	echo "xl list: $have MiB, want $1"
	return 1
}

boot_kib=$(guest_value balloon-ready 300)
[ -n "$boot_kib" ] || exit 0

n=$(guest_lines)
xenstore-write "$(target_node)" 12ab
check target-not-a-number guest_seen_after "$n" 'xpv-balloon: ignoring memory/target "12ab"'
n=$(guest_lines)
xenstore-write "$(target_node)" $((boot_kib * 4))
check target-past-boot guest_seen_after "$n" \
	"xpv-balloon: memory/target $((boot_kib * 4)) KiB is out of reach; aiming at $boot_kib KiB"

for r in 1 2 3 4 5; do
	xl mem-set "$GUEST_NAME" "$((boot_kib / 2))k"
	guest_wait "XPV-VALUE down-$r " 300 >/dev/null || break
	check "xen-down-$r" xen_mib_near $((boot_kib / 2048))
	xl mem-set "$GUEST_NAME" "${boot_kib}k"
	guest_wait "XPV-VALUE up-$r " 300 >/dev/null || break
	check "xen-up-$r" xen_mib_near $((boot_kib / 1024))
done
console_type balloon-checked >/dev/null
