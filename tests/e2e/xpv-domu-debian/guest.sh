# SPDX-License-Identifier: GPL-2.0-only
# Guest side, run by systemd's xpv-guest.service on the Debian rootfs once
# the boot finished (guest/systemd-init reported system-running). Boot 1:
# what the root is and what systemd got from our kernel, a package built
# here and installed with dpkg -i, the loop module of our build attached
# to a file, a login on hvc0 that dom0.sh types, a file written for boot 2.
# Boot 2 (after `systemctl reboot`): the file and the package are still
# there.
PERSIST=/var/lib/xpv-persist

make_deb() {
	local d=/tmp/xpv-hello
	mkdir -p $d/DEBIAN $d/usr/bin
	cat >$d/DEBIAN/control <<-EOT
	Package: xpv-hello
	Version: 1.0
	Architecture: all
	Maintainer: xpv <xpv@example.org>
	Description: a package built in the guest for the dpkg -i check
	EOT
	printf '#!/bin/sh\necho xpv-hello-ran\n' >$d/usr/bin/xpv-hello
	chmod 755 $d/usr/bin/xpv-hello
	dpkg-deb --build $d /tmp/xpv-hello.deb
}

# loop_attach: a file on a loop device, found and released again.
loop_attach() {
	local dev
	truncate -s 8M /tmp/loop.img
	dev=$(losetup --find --show /tmp/loop.img) || return 1
	echo "$dev"
	losetup -d "$dev"
}

dpkg_status() { dpkg-query -W -f '${Status}' xpv-hello; }

# wait_login: dom0.sh logs in as root on hvc0 and records the session's
# terminal and user in /run/xpv-login; up to 300 s.
wait_login() {
	local t=300
	while [ ! -s /run/xpv-login ] && [ "$t" -gt 0 ]; do
		sleep 1
		t=$((t - 1))
	done
	cat /run/xpv-login
}

boot1() {
	check_eq multi-user active "$(systemctl is-active multi-user.target)"
	check_eq root-device "/dev/xvda ext4" "$(findmnt -n -r -o SOURCE,FSTYPE /)"
	check xpv-bus test -d /sys/bus/xpv-xenbus
	check_eq cgroup2 cgroup2fs "$(stat -f -c %T /sys/fs/cgroup)"
	check sysv-shm ipcmk -M 4096
	check mqueue findmnt /dev/mqueue
	check dpkg-build make_deb
	check dpkg-install dpkg -i /tmp/xpv-hello.deb
	check_eq dpkg-status "install ok installed" "$(dpkg_status)"
	check_eq package-runs xpv-hello-ran "$(xpv-hello)"
	check module-load modprobe loop
	check loop-attach loop_attach
	value login-wanted 1
	check_eq login "/dev/hvc0 root" "$(wait_login)"
	cat /proc/sys/kernel/random/uuid >$PERSIST
	check persist-write test -s $PERSIST
	value persist-written "$(cat $PERSIST)"
}

boot2() {
	check persist-present test -s $PERSIST
	value persist-read "$(cat $PERSIST)"
	check_eq dpkg-status "install ok installed" "$(dpkg_status)"
}

uname -a
systemd-analyze time || true
if [ "$GUEST_BOOT" -eq 1 ]; then boot1; else boot2; fi
