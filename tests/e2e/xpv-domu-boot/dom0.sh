# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: type a line into the guest's console, as `xl console` would.
# xenconsoled owns the console ring's dom0 end and offers it as the pty
# named in xenstore; what is written there must reach a reader of hvc0.
console_type() {
	local domid tty
	domid=$(xl domid "$GUEST_NAME") || return 1
	tty=$(xenstore-read "/local/domain/$domid/console/tty") || return 1
	echo "console pty of domain $domid: $tty"
	printf '%s\r' "$1" >"$tty"
}

TOKEN=typed-$$-$(date +%s)
check console-reader-ready guest_wait 'XPV-VALUE console-reading ' 180 &&
	check console-type console_type "$TOKEN" &&
	check_eq console-input "$TOKEN" "$(guest_value console-read 60)"
