#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by the guest's /init: show that user space works, then return
# (the harness powers the guest off).
echo "xpv-domu: guest.sh runs"
uname -a
cat /proc/cmdline
cat /proc/interrupts
start=$(cut -d' ' -f1 /proc/uptime)
i=0 ok=0
while [ $i -lt 1000 ]; do
	/bin/busybox true && ok=$((ok + 1))
	i=$((i + 1))
done
end=$(cut -d' ' -f1 /proc/uptime)
echo "xpv-domu: $ok/1000 fork+exec ok ($start s -> $end s)"
check_eq fork-exec 1000 "$ok"
# Every page written and read back: anonymous mmap/munmap, and copy on
# write across fork (the child's writes must not reach the parent).
check mmap-munmap xpv-mmtest mmap 50 4
check fork-cow xpv-mmtest fork 10 4
# The CPU state user space sees: faults with their addresses, ud2, int3,
# divide error; FPU across processes and signal handlers; GS base and TLS;
# sigaltstack and nested signals (tests/guest/xpv-cputest.c).
for t in faults fpu segments signals; do
	check "cpu-$t" xpv-cputest "$t"
done
check_eq uname-release "$(uname -r)" "$(cut -d' ' -f3 /proc/version)"
dd if=/dev/zero of=/dev/null bs=1M count=64 2>&1 | tail -1

# Console output in a burst, many times what the ring holds: dom0.sh
# counts the lines in its log, none may be missing. The kernel's own
# messages stay off the console meanwhile: one printed at a random time
# ("random: crng init done", "hrtimer: interrupt took") lands between two
# of hvc0's writes, often inside a line, and splits it.
loglevel=$(cut -f1 /proc/sys/kernel/printk)
dmesg -n 1
i=1
while [ $i -le 2000 ]; do
	echo "xpv-burst $i"
	i=$((i + 1))
done
dmesg -n "$loglevel"
value burst-lines 2000

# Console input: dom0.sh types a line into the console pty (what `xl
# console` does); it must come out of hvc0 here, whole.
read_console_line() {
	local line=''
	value console-reading 1
	read -r -t 60 line </dev/hvc0
	value console-read "${line:-nothing}"
}
read_console_line
echo "xpv-domu: done"
