# SPDX-License-Identifier: GPL-2.0-only
# Never finish.
echo "xpv: hanging on purpose"
while :; do sleep 10; done
