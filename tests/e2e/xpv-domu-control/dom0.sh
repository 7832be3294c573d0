#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: xl sysrq and xl reboot in boot 1, xl shutdown in boot 2, each
# seen on the guest's console from the kernel (xpv-control) and from the
# harness's /init (XPV-GUEST-SIGNAL), never from guest.sh running out.

# ctl NODE: the guest's control/NODE.
ctl() { xenstore-read "/local/domain/$(xl domid "$GUEST_NAME")/control/$1"; }

ctl_is() { [ "$(ctl "$1")" = "$2" ]; }

gone() { ! xl domid "$GUEST_NAME" >/dev/null 2>&1; }

# taken N WORD: the kernel took WORD from control/shutdown, and /init the
# signal /sbin/WORD sent it.
taken() {
	guest_seen_after "$1" "xpv-control: the toolstack asks for $2" 60 &&
		guest_seen_after "$1" "XPV-GUEST-SIGNAL $2" 60
}

guest_wait 'XPV-VALUE control-waiting 1' 240 >/dev/null || exit 0
for f in poweroff reboot; do
	check_eq "feature-$f" 1 "$(ctl "feature-$f")"
done

n=$(guest_lines)
xl sysrq "$GUEST_NAME" h
check sysrq-help guest_seen_after "$n" 'sysrq: HELP'
check sysrq-acked wait_until 10 ctl_is sysrq ''

n=$(guest_lines)
xenstore-write "/local/domain/$(xl domid "$GUEST_NAME")/control/shutdown" bogus
check unknown-ignored guest_seen_after "$n" 'xpv-control: ignoring shutdown request "bogus"'
check_eq unknown-left bogus "$(ctl shutdown)"

n=$(guest_lines)
xl reboot "$GUEST_NAME"
check reboot-taken taken "$n" reboot
check reboot-came-back guest_wait 'XPV-VALUE control-waiting 2' 240

n=$(guest_lines)
xl shutdown "$GUEST_NAME"
check shutdown-taken taken "$n" poweroff
check shutdown-gone wait_until 60 gone
