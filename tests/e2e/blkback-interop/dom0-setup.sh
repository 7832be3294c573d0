# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: start our daemon in place of xen-blkback, on
# its asynchronous path (-a 32; the default is synchronous: Kconfig says why).
check daemon-started /usr/local/sbin/start-xpv-blkback -a 32
