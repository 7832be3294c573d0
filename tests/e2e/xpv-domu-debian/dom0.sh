# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: log in as root on the guest's hvc0 as a person at `xl
# console` would (the password is the rootfs's, build-rootfs.sh), run one
# command that leaves the session's terminal and user for guest.sh; then
# compare the file boot 1 wrote with what boot 2 read.
console_login() {
	guest_wait 'XPV-VALUE login-wanted ' 900 >/dev/null &&
		guest_wait 'debian login:' 60 >/dev/null || return 1
	console_type root
	guest_wait 'Password:' 60 >/dev/null || return 1
	console_type xpv
	guest_wait 'root@debian:' 60 >/dev/null || return 1
	console_type 'echo "$(tty) $(id -un)" >/run/xpv-login'
}
check console-login console_login
check_eq persisted "$(guest_value persist-written 900)" \
	"$(guest_value persist-read 900)"
# For a person reading the log: what the daemon said about the rootfs disk.
sed 's/^/xpv-blkback: /' /var/log/xpv-blkback.log | tail -n 20
