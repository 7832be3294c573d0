# SPDX-License-Identifier: GPL-2.0-only
# Hang dom0 on purpose (before the guest exists).
echo "xpv: hanging dom0 on purpose"
while :; do sleep 60; done
