# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: both daemons in place of the kernel's backends.
check blkback-started /usr/local/sbin/start-xpv-blkback
check netback-started /usr/local/sbin/start-xpv-netback
