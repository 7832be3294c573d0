# SPDX-License-Identifier: GPL-2.0-only
# Crash dom0 on purpose.
echo "xpv: crashing dom0 on purpose"
echo c >/proc/sysrq-trigger
