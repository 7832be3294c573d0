# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: the pages the guest's short flows fetch.
serve_small_flows
guest_wait 'XPV-CHECK net-both-queues' 600 >/dev/null || true
