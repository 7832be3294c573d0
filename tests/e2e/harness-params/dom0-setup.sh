# SPDX-License-Identifier: GPL-2.0-only
# Runs in dom0 before the guest exists (where backend daemons would start).
echo "xpv: dom0 setup hook ran" >"$XPV_RUN/setup-hook"
