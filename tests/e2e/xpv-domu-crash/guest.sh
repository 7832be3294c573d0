#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Crash the guest kernel on purpose.
echo "xpv: crashing the guest on purpose"
echo c >/proc/sysrq-trigger
