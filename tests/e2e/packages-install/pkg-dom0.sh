# SPDX-License-Identifier: GPL-2.0-only
# dom0 helpers of packages-install (shipped as /scenario/pkg-dom0.sh).
DEBS=/var/cache/xpv

# pkg_version: what dpkg says of xpv-backends, "STATUS VERSION"
pkg_version() { dpkg-query -W -f='${Status} ${Version}\n' xpv-backends 2>&1; }

# is_version V: xpv-backends V is installed and configured
is_version() {
	pkg_version
	[ "$(pkg_version)" = "install ok installed $1" ]
}

# serving TYPE: the daemon logged that it serves backend/TYPE (15 s)
serving() {
	local d=blkback t=30
	[ "$1" = vbd ] || d=netback
	until grep -q "serving /local/domain/0/backend/$1" "/var/log/xpv-$d.log"; do
		[ $t -gt 0 ] || { cat "/var/log/xpv-$d.log"; return 1; }
		sleep 0.5
		t=$((t - 1))
	done
}

# restarted NAME OLD: the service runs with a pid other than OLD, and OLD
# is gone
restarted() {
	local new
	new=$(cat "/run/$1.pid") || return 1
	echo "$1: pid $2 -> $new"
	[ "$new" != "$2" ] && kill -0 "$new" && ! kill -0 "$2" 2>/dev/null
}

# gone PID...: none of them runs any more
gone() {
	local p
	for p in "$@"; do ! kill -0 "$p" 2>/dev/null || { echo "$p runs"; return 1; }; done
}

# modprobe_d_keeps_out: both entries in /usr/lib/modprobe.d. (busybox's
# modprobe in this dom0 reads /etc/modprobe.d only; kmod on a Debian host
# reads them, through /lib, which is /usr/lib there.)
modprobe_d_keeps_out() {
	grep -x 'install xen-blkback /bin/false' /usr/lib/modprobe.d/xpv-blkback.conf &&
		grep -x 'install xen-netback /bin/false' /usr/lib/modprobe.d/xpv-netback.conf
}

# acked_past N: guest 1 saw chunk N acknowledged (within 240 s)
acked_past() {
	guest_wait "XPV-VALUE acked-$1 " 240
}
