# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: start our daemon in place of xen-blkback, with
# 4096-byte sectors (xen-blkback's loop devices in xpv-domu-disk-kernel
# and xpv-domu-disk-features' daemon have 512).
check daemon-started /usr/local/sbin/start-xpv-blkback -s 4096
