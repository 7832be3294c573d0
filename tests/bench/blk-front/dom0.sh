# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: what the disk's two ends agreed on, once the guest measures it.
guest_wait 'XPV-BENCH seq-write ' 600 >/dev/null || exit 1
bench_features
