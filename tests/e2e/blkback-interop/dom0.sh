# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: the disk must be ours, not the kernel's, and the daemon must
# still be running once the guest has done its I/O.
check no-kernel-blkback test ! -d /sys/module/xen_blkback
check guest-io-done guest_wait 'XPV-CHECK checksums ok' 240
check daemon-alive kill -0 "$(cat /run/xpv-blkback.pid)"
# the raw disk was served through the worker's io_uring (aio.c)
check io-uring grep -q 'io_uring: up to 32 requests in flight' /var/log/xpv-blkback.log
