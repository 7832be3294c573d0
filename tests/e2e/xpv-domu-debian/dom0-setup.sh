# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: start our daemon in place of xen-blkback.
check daemon-started /usr/local/sbin/start-xpv-blkback
