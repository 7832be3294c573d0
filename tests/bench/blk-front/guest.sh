# SPDX-License-Identifier: GPL-2.0-only
# The block bench on xvda, whichever kernel's blkfront drives it.
. /usr/local/lib/blk-bench.sh
blk_bench /dev/xvda
