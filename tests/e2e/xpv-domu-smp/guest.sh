#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by the guest's /init on 4 vCPUs. The CPUs and what runs on them:
# every check here fails on a kernel that loses an IPI, a timer or a
# remote TLB flush, or that cannot take a vCPU down and back.
echo "xpv-domu-smp: guest.sh runs"
cat /proc/interrupts
check_eq nproc 4 "$(nproc)"
check_eq cpus-online 0-3 "$(cat /sys/devices/system/cpu/online)"

# The KUnit suites ran at boot on this SMP kernel: suites ran and none failed.
kunit_all_ok() {
	local ok bad
	dmesg | sed -E 's/^\[[^]]*\] //' >/tmp/kunit.log
	ok=$(grep -cE '^ok [0-9]+ ' /tmp/kunit.log)
	bad=$(grep -cE '^ *not ok [0-9]+ ' /tmp/kunit.log)
	echo "$ok suites ok, $bad results not ok"
	grep -E '^ *not ok [0-9]+ ' /tmp/kunit.log
	[ "$ok" -gt 0 ] && [ "$bad" -eq 0 ]
}
check kunit-smp kunit_all_ok

# pinned_load: on each CPU at once, pinned there with taskset: anonymous
# mmap/munmap and copy on write across fork, checked page by page
# (xpv-mmtest), fork+exec, and faults, FPU and signals (xpv-cputest).
pinned_load() {
	local cpu
	for cpu in 0 1 2 3; do
		bg "mmap$cpu" taskset -c "$cpu" xpv-mmtest mmap 20 4
		bg "fork$cpu" taskset -c "$cpu" xpv-mmtest fork 8 2
		bg "exec$cpu" taskset -c "$cpu" xpv-mmtest exec 100 /bin/true
		bg "faults$cpu" taskset -c "$cpu" xpv-cputest faults
		bg "fpu$cpu" taskset -c "$cpu" xpv-cputest fpu
	done
	bg_wait
}
check pinned-load pinned_load

# Threads on every CPU share pages while one of them mprotects, remaps
# and unmaps them (tests/guest/xpv-smptest.c).
check shared-memory xpv-smptest 40 16

# wait_online LIST SECS: /sys/devices/system/cpu/online says LIST within SECS.
wait_online() {
	local t=$2
	while [ "$t" -gt 0 ]; do
		[ "$(cat /sys/devices/system/cpu/online)" = "$1" ] && return 0
		sleep 1
		t=$((t - 1))
	done
	echo "online: $(cat /sys/devices/system/cpu/online), want $1"
	return 1
}

# CPU hotplug under load: dom0 runs `xl vcpu-set guest 1`, then 4, while
# mm storms run, two of them pinned to CPUs that go away (the kernel moves
# them, and they must go on working).
rm -f /tmp/stop-load
LOOP='. /xpv/lib.sh; mm_loop 2'
bg loop-a sh -c "$LOOP"
bg loop-b sh -c "$LOOP"
bg loop-c taskset -c 2 sh -c "$LOOP"
bg loop-d taskset -c 3 sh -c "$LOOP"
value vcpu-set-ready 1
check cpus-down wait_online 0 300 && value cpus-down 1
check cpus-up wait_online 0-3 300
cat /proc/interrupts
touch /tmp/stop-load
check load-under-hotplug bg_wait
for f in /tmp/bg-loop-*; do echo "$f: $(tail -n 1 "$f")"; done

# The CPUs that came back work as before.
check pinned-load-after-hotplug pinned_load
check shared-memory-after-hotplug xpv-smptest 20 16

# Four vCPUs up at boot and three again after hotplug: none of it looked to
# the kernel like broken firmware (APIC ids it could not match, say).
no_firmware_bug() { ! dmesg | grep -F '[Firmware Bug]'; }
check no-firmware-bug no_firmware_bug
echo "xpv-domu-smp: done"
