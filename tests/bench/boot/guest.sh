#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Each step is checked (a wrong byte or a failed child fails the run) and
# timed by the guest's own clock.

# timed METRIC CMD...: run the check CMD, report its seconds.
timed() {
	local name=$1 secs
	shift
	hypercalls "before $name"
	check "$name" "$@" || return
	hypercalls "$name"
	secs=$(cat "/tmp/check-$name.out")
	bench "$name" "$secs" s
}

bench boot-to-init "$INIT_UPTIME" s
bench mem-used-at-init "$(mem_used_kib)" KiB
timed mmap xpv-mmtest mmap 100 4
timed fork xpv-mmtest fork 20 4
timed exec xpv-mmtest exec 300 /bin/true
# what a fork+exec costs in page faults, each a trip through Xen
check exec-faults xpv-mmtest exec-faults 50 /bin/true &&
	bench exec-faults "$(cat /tmp/check-exec-faults.out)" faults

shell_loop() {
	local i=0 start
	start=$(uptime_s)
	while [ $i -lt 300 ]; do
		/bin/busybox true || return 1
		i=$((i + 1))
	done
	seconds_between "$start" "$(uptime_s)"
}
timed shell-fork-exec shell_loop
