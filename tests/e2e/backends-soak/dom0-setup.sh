# SPDX-License-Identifier: GPL-2.0-only
# Before the harness's guest: both daemons, then the soak cycles
# (soak.sh), the baseline taken after the first pair. A failed cycle is a
# failed check, not the end of the run: the figures still get reported.
. /scenario/soak.sh
# One process each (-1): what a guest's devices leave behind then stays in
# the process this soak measures. In the default mode each guest has a
# worker process that exits with it (blkback-lifecycle checks that they
# do), which would hide such a leak.
check blkback-started /usr/local/sbin/start-xpv-blkback -1 || return 1
check netback-started /usr/local/sbin/start-xpv-netback -1 || return 1
soak_cycles "$SOAK_CYCLES" || :
