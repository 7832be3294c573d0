# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: xpv-hostile in place of both backends, started by
# the daemons' own start scripts; an image file per disk script.
mkdir -p /run/xpv/hostile
grep '^vbd ' /etc/xpv-hostile.list | while read -r _ name _; do
	truncate -s 8M "/run/xpv/hostile/$name"
done
(
	export XPV_BLKBACK=/usr/local/sbin/xpv-hostile
	export XPV_BLKBACK_LOG=/var/log/xpv-hostile-vbd.log
	export XPV_BLKBACK_PID=/run/xpv-hostile-vbd.pid
	check vbd-daemon-started /usr/local/sbin/start-xpv-blkback vbd -1
)
(
	export XPV_NETBACK=/usr/local/sbin/xpv-hostile
	export XPV_NETBACK_LOG=/var/log/xpv-hostile-vif.log
	export XPV_NETBACK_PID=/run/xpv-hostile-vif.pid
	check vif-daemon-started /usr/local/sbin/start-xpv-netback vif -1
)
