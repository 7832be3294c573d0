# SPDX-License-Identifier: GPL-2.0-only
# Before the guest exists: the pattern into the raw base under xvda's
# overlay (the harness made both, see DISKS), then our daemon in place of
# xen-blkback.
. /scenario/base.sh

fill_base() { base_pattern >"$(disk_image 1 0).base" && ls -l "$(disk_image 1 0)".*; }

check base-filled fill_base
check daemon-started /usr/local/sbin/start-xpv-blkback
