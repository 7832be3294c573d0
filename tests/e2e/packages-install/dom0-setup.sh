# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: xpv-backends installed as an admin would, with
# dpkg; its maintainer scripts enable and start both services.
. /scenario/pkg-dom0.sh
# what debhelper's snippets test to take their systemd branch
mkdir -p /run/systemd/system
check installed /usr/bin/dpkg -i "$DEBS/xpv-backends_old.deb"
sed 's/^/[dpkg -i] /' "$XPV_RUN/check-installed.out"
check installed-version is_version 0~e2e.1
check units-enabled systemctl is-enabled xpv-blkback.service xpv-netback.service
check services-active systemctl is-active xpv-blkback.service xpv-netback.service
check blkback-serving serving vbd
check netback-serving serving vif
check modprobe-d-installed modprobe_d_keeps_out
check no-kernel-backends test ! -d /sys/module/xen_blkback -a ! -d /sys/module/xen_netback
