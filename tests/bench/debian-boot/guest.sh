#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by guest/systemd-init once systemd has finished booting.

# seconds SPAN: a systemd time span ("1min 2.345s", "4.5s", "845ms") in s.
seconds() {
	echo "$1" | awk '{
		s = 0
		for (i = 1; i <= NF; i++) {
			v = $i + 0
			if ($i ~ /ms$/) s += v / 1000
			else if ($i ~ /min$/) s += v * 60
			else if ($i ~ /s$/) s += v
		}
		printf "%.3f\n", s
	}'
}

# kernel_span: what `systemd-analyze time` gives for the kernel (to PID 1).
kernel_span() {
	sed -n 's/^Startup finished in \([^(]*\) (kernel).*$/\1/p' /tmp/check-analyze.out
}
# target_span: when multi-user.target was reached, after PID 1 started (the
# default target, graphical.target, comes after it).
target_span() {
	sed -n 's/^multi-user.target @\([^ ].*[0-9]s\).*$/\1/p' /tmp/check-analyze.out
}

analyze() { systemd-analyze time && systemd-analyze critical-chain multi-user.target; }

# what to read when the sides differ: the slowest units, when udev saw the
# console device the getty waits for, how many devices coldplug announced
# (legacy ptys once made ours 585 against Debian's 329), and where the CPU
# time went (/proc/stat's first line).
evidence() {
	systemd-analyze blame | head -n 15
	journalctl -b -o short-monotonic --no-pager | grep -E 'hvc0|udev' | head -n 20
	echo "uevent files: $(find /sys/devices /sys/bus /sys/module -name uevent | wc -l)"
	head -n 1 /proc/stat
}

check analyze analyze || return
sed 's/^/xpv: /' /tmp/check-analyze.out
evidence 2>&1 | sed 's/^/xpv: /'
check analyze-parsed test -n "$(kernel_span)" -a -n "$(target_span)" || return
kernel=$(seconds "$(kernel_span)")
target=$(seconds "$(target_span)")
bench kernel-to-init "$kernel" s
bench init-to-multi-user "$target" s
bench boot-to-multi-user "$(awk -v a="$kernel" -v b="$target" 'BEGIN { printf "%.3f\n", a + b }')" s
bench mem-used-at-multi-user "$(mem_used_kib)" KiB
