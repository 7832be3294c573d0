# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: both daemons in place of the kernel's backends;
# the moves dom0.sh makes.
check blkback-started /usr/local/sbin/start-xpv-blkback
check netback-started /usr/local/sbin/start-xpv-netback
MOVE=migrate MOVES=5
