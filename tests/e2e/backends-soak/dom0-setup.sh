# SPDX-License-Identifier: GPL-2.0-only
# Before the harness's guest: both daemons, then the soak cycles
# (soak.sh), the baseline taken after the first pair. A failed cycle is a
# failed check, not the end of the run: the figures still get reported.
. /scenario/soak.sh
check blkback-started /usr/local/sbin/start-xpv-blkback || return 1
check netback-started /usr/local/sbin/start-xpv-netback || return 1
soak_cycles "$SOAK_CYCLES" || :
