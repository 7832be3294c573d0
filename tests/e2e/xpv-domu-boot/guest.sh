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
check mmap-munmap sh -c 'i=0; while [ $i -lt 50 ]; do head -c 1048576 /dev/zero >/dev/null || exit 1; i=$((i + 1)); done'
check_eq uname-release "$(uname -r)" "$(cut -d' ' -f3 /proc/version)"
dd if=/dev/zero of=/dev/null bs=1M count=64 2>&1 | tail -1
echo "xpv-domu: done"
