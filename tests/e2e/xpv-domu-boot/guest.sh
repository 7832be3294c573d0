#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by the guest's /init: show that user space works, then return
# (the harness powers the guest off).
echo "xpv-domu: guest.sh runs"
uname -a
cat /proc/cmdline
grep -c . /proc/interrupts
echo "xpv-domu: done"
