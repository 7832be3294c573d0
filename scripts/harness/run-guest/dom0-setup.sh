# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: our daemons in place of xen-blkback and
# xen-netback.
check blkback-started /usr/local/sbin/start-xpv-blkback
check netback-started /usr/local/sbin/start-xpv-netback
