# SPDX-License-Identifier: GPL-2.0-only
# Helpers for dom0's /init, the scenario runner and a scenario's dom0.sh
# (busybox sh). Everything written to stdout goes to dom0's console, which
# is Xen's serial line, which is the host's log. Lines the host reads:
#   XPV-STAGE <text>           progress, shown live
#   XPV-CHECK dom0:<name> ok|fail [detail]
#   XPV-RESULT ...             the runner's final report
#   XPV-BENCH <metric> <value> <unit>   a number for make bench
#   XPV-FATAL <text>           dom0 could not run the scenario

. /usr/lib/xpv/shared.sh

XPV_RUN=/run/xpv
GUEST_NAME=${GUEST_NAME:-guest}
GUEST_LOG=/var/log/xen/console/guest-$GUEST_NAME.log
GUESTS=${GUESTS:-1}

# A scenario may run several guests at once (GUESTS). Guest 1 is
# $GUEST_NAME with console log $GUEST_LOG, as with one guest; guest I > 1 is
# "$GUEST_NAME-I". Its checks are reported as guest<I>:NAME (guest:NAME for
# guest 1), its console line prefix is [guest<I>].
guest_name() { if [ "$1" -eq 1 ]; then echo "$GUEST_NAME"; else echo "$GUEST_NAME-$1"; fi; }
guest_label() { if [ "$1" -eq 1 ]; then echo guest; else echo "guest$1"; fi; }
guest_log() { echo "/var/log/xen/console/guest-$(guest_name "$1").log"; }
# guest_ip I: word I of GUEST_IPS (192.0.2.<1+I>).
guest_ip() { echo "$GUEST_IPS" | awk -v i="$1" '{ print $i }'; }
# disk_image I K: the image of guest I's disk K (0 = xvda): a file on dom0's
# tmpfs, or for the Debian rootfs (DISKS "KIND:debian", one guest) QEMU's
# disk /dev/vda.
disk_image() {
	case $(echo $DISKS | awk -v k=$(($2 + 1)) '{ print $k }') in
	*:debian) echo /dev/vda ;;
	*) disk_file "$@" ;;
	esac
}

# disk_format K: the image format of disk K (DISKS "KIND:MiB[:FORMAT]"; a
# read-only disk, "KIND:MiB:ro", is raw).
disk_format() {
	local f
	f=$(echo $DISKS | awk -v k=$(($1 + 1)) '{ n = split($k, w, ":"); print (n > 2 && w[3] != "ro" ? w[3] : "raw") }')
	echo "$f"
}

# disk_target I K: the xl line's target: the image, with its format first
# unless raw (how a qcow2 disk reaches xpv-blkback: backends/README.md,
# "Image formats"); for an nbd disk the server's URI.
disk_target() {
	case $(disk_format "$2") in
	raw) disk_image "$@" ;;
	nbd) echo "nbd+unix:///?socket=$(nbd_socket "$@")" ;;
	*) echo "$(disk_format "$2"):$(disk_image "$@")" ;;
	esac
}

# nbd_socket I K, nbd_pidfile I K: where guest I's disk K is served (DISKS
# "xpv:MiB:nbd"), and the server's pid.
nbd_socket() { echo "$(disk_image "$@").sock"; }
nbd_pidfile() { echo "$(disk_image "$@").nbd.pid"; }

# nbd_serve I K: qemu-nbd serving guest I's disk K, listening when this
# returns (--fork); -t: it stays for the next connection.
nbd_serve() {
	rm -f "$(nbd_socket "$@")"
	qemu-nbd --fork --pid-file="$(nbd_pidfile "$@")" -k "$(nbd_socket "$@")" \
		-f raw -t --cache=writeback "$(disk_image "$@")"
}

disk_file() {
	if [ "$1" -eq 1 ]; then
		echo "/var/lib/xpv/disk$2.img"
	else
		echo "/var/lib/xpv/guest$1-disk$2.img"
	fi
}

stage_line() { echo "XPV-STAGE $*"; }

vdev_name() { printf 'xvd%s' "$(echo abcdefghijklmnop | cut -c$(($1 + 1)))"; }

# xl_config I NAME WORDS: on stdout, an xl configuration with guest I's
# disks (DISKS, its images) and NICs (VIFS, its MACs) named NAME, whose
# kernel command line is GUEST_CMDLINE plus WORDS. The runner writes each
# boot's with "xpv.guest=I xpv.boot=B"; a scenario may create more domains
# from it (tests/e2e/backends-soak).
xl_config() {
	local gi=$1 k=0 d v a sep=''
	echo "name = \"$2\""
	echo 'type = "pv"'
	echo 'kernel = "/scenario/guest-kernel"'
	[ "$GUEST_INITRD" = none ] ||
		echo 'ramdisk = "/scenario/guest-initrd.cpio"'
	echo "extra = \"$GUEST_CMDLINE $3\""
	echo "memory = $GUEST_MEMORY"
	echo "vcpus = $GUEST_VCPUS"
	echo 'on_poweroff = "destroy"'
	echo 'on_reboot = "destroy"'
	echo 'on_crash = "preserve"'
	echo 'on_watchdog = "preserve"'
	printf 'disk = ['
	for d in $DISKS; do
		case $d in *:ro) a=ro ;; *) a=rw ;; esac
		printf '%s"%s"' "$sep" "$(xl_disk "${d%%:*}" "$(vdev_name $k)" $a "$(disk_target "$gi" $k)")"
		sep=', '
		k=$((k + 1))
	done
	echo ']'
	printf 'vif = ['
	sep='' k=0
	for v in $VIFS; do
		printf '%s"mac=00:16:3e:00:%02x:%02x,bridge=xenbr0,script=/etc/xen/scripts/xpv-vif"' \
			"$sep" $((gi - 1)) $((k + 2))
		sep=', '
		k=$((k + 1))
	done
	echo ']'
}

# xl_disk KIND VDEV ACCESS TARGET: the xl disk spec (unquoted) of TARGET
# (disk_target's spelling: a path, FORMAT:PATH or an nbd URI) served by
# KIND. kernel and xpv: backendtype=phy through our xpv-block script, the
# format left in the target (how it reaches xpv-blkback: backends/README.md,
# "Image formats"); qemu: QEMU's qdisk, the format on the line, which libxl
# gives the device model it starts for the guest.
xl_disk() {
	local f=raw p=$4
	case $1:$4 in
	qemu:qcow2:*) f=qcow2 p=${4#qcow2:} ;;
	esac
	case $1 in
	qemu) echo "format=$f,vdev=$2,access=$3,backendtype=qdisk,target=$p" ;;
	*) echo "format=raw,vdev=$2,access=$3,backendtype=phy,script=/etc/xen/scripts/xpv-block,target=$4" ;;
	esac
}

# daemon_gone NAME: no process of our daemon NAME (xpv-blkback, xpv-netback).
daemon_gone() { ! pidof "$1" >/dev/null; }

# kernel_backend_instead KIND: stop our xpv-KIND (blkback, netback; its
# start script wrote /run/xpv-KIND.pid) and load dom0's xen-KIND in its
# place, as the benches' rounds swap them (each refuses to run beside the
# other).
kernel_backend_instead() {
	kill "$(cat "/run/xpv-$1.pid")" 2>/dev/null
	wait_until 30 daemon_gone "xpv-$1" || return 1
	rm -f "/etc/modprobe.d/xpv-$1.conf"
	modprobe "xen-$1"
}

# copy_reference: dom0's copy rates, the machine's reference rows beside a
# bench's (xpv-copyrate, which the bench ships to /usr/local/sbin), on the
# console as bench lines; a check of its own, whose output check keeps in
# check-copy-reference.out.
copy_reference() {
	check copy-reference /usr/local/sbin/xpv-copyrate || return
	grep '^ref:' "$XPV_RUN/check-copy-reference.out" |
		while read -r metric value unit; do bench "$metric" "$value" "$unit"; done
}

# bridge_up: xenbr0, dom0 at DOM0_IP on it (the runner's when VIFS names
# NICs; a scenario that attaches its NICs later calls it itself).
bridge_up() {
	ip link show xenbr0 >/dev/null 2>&1 && return 0
	ip link add xenbr0 type bridge && ip addr add "$DOM0_IP/24" dev xenbr0 &&
		ip link set xenbr0 up
}

# migrate_here NAME: live-migrate domain NAME to this host, as `xl migrate
# NAME localhost` would without ssh (dom0 has none): with -s "" xl runs the
# host argument as the receiver's command. The receiver leaves a monitor
# of the new domain behind (its log: domain_logs in xpv-dom0).
migrate_here() { xl migrate -s "" "$1" "xl migrate-receive"; }

# console_type LINE: type LINE and a carriage return into guest 1's
# console, as `xl console` would: xenconsoled owns the ring's dom0 end and
# offers it as the pty named in xenstore.
console_type() {
	local domid tty
	domid=$(xl domid "$GUEST_NAME") || return 1
	tty=$(xenstore-read "/local/domain/$domid/console/tty") || return 1
	echo "console pty of domain $domid: $tty"
	printf '%s\r' "$1" >"$tty"
}

# dom0_exit STATUS: end the QEMU run. isa-debug-exit at port 0xf4 makes QEMU
# exit with (16+STATUS)*2+1; if /dev/port fails, power off instead (the host
# then reports "no status").
dom0_exit() {
	local v=$((16 + $1))
	echo "XPV-DOM0-EXIT $1"
	sync
	printf "\\$(printf '%03o' "$v")" |
		dd of=/dev/port bs=1 seek=244 count=1 conv=notrunc 2>/dev/null
	sleep 2
	poweroff -f
	while :; do sleep 60; done
}

fatal() {
	echo "XPV-FATAL $*"
	dom0_exit 1
}

# check NAME CMD...: run CMD, record and print the outcome. The output of
# CMD goes to $XPV_RUN/check-NAME.out and, on failure, to the console.
check() {
	local name=$1 out rc=0
	shift
	out=$XPV_RUN/check-$name.out
	"$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "XPV-CHECK dom0:$name ok" | tee -a "$XPV_RUN/checks"
	else
		sed "s/^/  $name: /" "$out" | tail -n 20
		echo "XPV-CHECK dom0:$name fail (exit $rc: $*)" | tee -a "$XPV_RUN/checks"
	fi
	return "$rc"
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then
		echo "XPV-CHECK dom0:$1 ok" | tee -a "$XPV_RUN/checks"
	else
		echo "XPV-CHECK dom0:$1 fail (expected '$2', got '$3')" |
			tee -a "$XPV_RUN/checks"
		return 1
	fi
}

# bench_features [SIDE: [DEV]]: what guest 1's disks and NICs (or only DEV:
# a disk's vdev, or vif-MAC) and their backends agreed on, from xenstore
# ("-" for a node that is not there): what the backend offers, what the
# frontend took. One line "XPV-BENCH-FEATURES SIDE:DEV BACKEND-TYPE: ..."
# each, on stdout; make bench lists them under its table, per side.
bench_features() {
	local id fe be dev vdev
	id=$(xl domid "$GUEST_NAME") || return 1
	for fe in $(xs_dirs "/local/domain/$id/device/vbd") $(xs_dirs "/local/domain/$id/device/vif"); do
		be=$(xenstore-read "$fe/backend") || continue
		case $fe in
		*/vbd/*)
			vdev=$(xenstore-read "$be/dev" 2>/dev/null) || continue
			[ -z "${2:-}" ] || [ "$vdev" = "$2" ] || continue
			echo "XPV-BENCH-FEATURES ${1:-}$vdev $(backend_type "$be"):" \
				"backend $(xs_nodes "$be" feature-persistent feature-max-indirect-segments \
					multi-queue-max-queues max-ring-page-order)" \
				"frontend $(xs_nodes "$fe" feature-persistent multi-queue-num-queues ring-page-order)" ;;
		*)
			dev=vif-$(xenstore-read "$fe/mac" 2>/dev/null || echo "${fe##*/}")
			[ -z "${2:-}" ] || [ "$dev" = "$2" ] || continue
			echo "XPV-BENCH-FEATURES ${1:-}$dev $(backend_type "$be"):" \
				"backend $(xs_nodes "$be" feature-sg feature-gso-tcpv4 feature-gso-tcpv6 \
					feature-split-event-channels multi-queue-max-queues)" \
				"frontend $(xs_nodes "$fe" feature-sg feature-gso-tcpv4 feature-gso-tcpv6 \
					multi-queue-num-queues)" ;;
		esac
	done
}

# xs_dirs DIR: the paths of DIR's children in xenstore (none if no DIR).
xs_dirs() { xenstore-list "$1" 2>/dev/null | sed "s|^|$1/|"; }

# backend_type DIR: a backend directory's kind (vbd, qdisk, vif...).
backend_type() { echo "$1" | awk -F/ '{ print $(NF - 2) }'; }

# xs_nodes DIR KEY...: "KEY=VALUE,..." of xenstore directory DIR.
xs_nodes() {
	local d=$1 k out=
	shift
	for k; do out="$out${out:+,}$k=$(xenstore-read "$d/$k" 2>/dev/null || echo -)"; done
	echo "$out"
}

# guest_gone_cap T [I]: T, or at most 3 once the runner has seen guest I
# (default: every guest) end, so dom0.sh does not wait its full timeouts for
# a guest that died. A guest that reboots has ended after its last boot.
guest_gone_cap() {
	local f=$XPV_RUN/guest-ended
	[ -z "${2:-}" ] || f=$XPV_RUN/guest$2-ended
	if [ -e "$f" ] && [ "$1" -gt 3 ]; then
		echo 3
	else
		echo "$1"
	fi
}

# peer_gone_cap T: shared.sh's tcp_receive_wait stops waiting soon once
# guest 1 has ended.
peer_gone_cap() { guest_gone_cap "$1"; }

# guest_wait REGEX [TIMEOUT]: wait for a line of guest 1's console log to
# match; print it (without CR). Polls the log file once a second, which
# costs the guest nothing (unlike polling xl). A guest's log keeps every
# boot: the first matching line wins, whichever boot printed it.
guest_wait() { guest_wait_on 1 "$@"; }

# guest_wait_on I REGEX [TIMEOUT]: the same in guest I's console log.
guest_wait_on() { log_wait "$(guest_log "$1")" "$2" "${3:-120}" "$1"; }

# log_wait LOG REGEX [TIMEOUT [I]]: the same in any console log LOG; with I,
# cut short once guest I has ended (guest_gone_cap).
log_wait() {
	local log=$1 re=$2 t=${3:-120} line
	while [ "$t" -gt 0 ]; do
		line=$(grep -E -m1 -- "$re" "$log" 2>/dev/null) && {
			printf '%s\n' "$line" | tr -d '\r'
			return 0
		}
		sleep 1
		t=$(($(guest_gone_cap "$t" "${4:-}") - 1))
	done
	echo "xpv: timed out waiting for /$re/ in $log" >&2
	return 1
}

# guest_lines: how many lines guest 1's console log has now; with
# guest_seen_after, what came after a point (a log keeps every boot).
guest_lines() { wc -l <"$GUEST_LOG"; }

# guest_seen_after N REGEX [TIMEOUT]: within TIMEOUT (30) seconds, a line
# after line N of guest 1's console log matches REGEX.
guest_seen_after() {
	wait_until "${3:-30}" guest_after "$1" "$2"
}

guest_after() { tail -n +"$(($1 + 1))" "$GUEST_LOG" | tr -d '\r' | grep -E -q -- "$2"; }

# guest_value KEY [TIMEOUT]: the word after "XPV-VALUE KEY" in guest 1's log.
guest_value() { guest_value_on 1 "$@"; }

# guest_value_on I KEY [TIMEOUT]: the same in guest I's log. The value is
# the word after the key wherever the line starts (a getty prompt may come
# first on the same console line).
guest_value_on() {
	guest_wait_on "$1" "XPV-VALUE $2 " "${3:-120}" |
		sed -n "s/.*XPV-VALUE $2 \([^ ]*\).*/\1/p"
}

# serve_small_flows: what the guest's small_flows fetches, on port 8080.
serve_small_flows() {
	mkdir -p "$XPV_RUN/www"
	seq 1 3000 >"$XPV_RUN/www/small"
	httpd -p 8080 -h "$XPV_RUN/www"
}

# netback_removed VIF [N]: xpv-netback logs VIF's removal within 50 s, for
# the Nth time (default 1: a vif of that name that came and went before
# does not count).
netback_removed() {
	local t=50
	while [ "$t" -gt 0 ]; do
		[ "$(grep -c "$1 removed" /var/log/xpv-netback.log)" -ge "${2:-1}" ] && return 0
		sleep 1
		t=$((t - 1))
	done
	return 1
}

# netback_gone_checks VIF [N]: after the guest of xpv-netback's interface
# VIF powered off, the daemon logged its removal (the Nth of that name) and
# is still alive, the TAP device went, and the interface's last counters
# show no drops and GSO both ways. Checks vif-removed, tap-gone,
# daemon-alive, drops-zero, tx-gso, rx-gso.
netback_gone_checks() {
	local vif=$1 log=/var/log/xpv-netback.log line drops tx_gso rx_gso
	check vif-removed netback_removed "$vif" "${2:-1}"
	check tap-gone test ! -e "/sys/class/net/$vif"
	check daemon-alive kill -0 "$(cat /run/xpv-netback.pid)"
	line=$(grep "$vif, " "$log" | tail -n 1)
	echo "xpv-netback: $line"
	drops=$(echo "$line" | sed -n 's/.*, drops \([0-9]*\) .*/\1/p')
	tx_gso=$(echo "$line" | sed -n 's/.*, tx [0-9]* packets [0-9]* bytes \([0-9]*\) gso,.*/\1/p')
	rx_gso=$(echo "$line" | sed -n 's/.*, rx [0-9]* packets [0-9]* bytes \([0-9]*\) gso,.*/\1/p')
	check_eq drops-zero 0 "$drops"
	check tx-gso test "${tx_gso:-0}" -gt 0
	check rx-gso test "${rx_gso:-0}" -gt 0
}
