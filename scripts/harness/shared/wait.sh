# SPDX-License-Identifier: GPL-2.0-only
# Sourced by both dom0's and the guest's lib.sh (busybox sh): the one
# polling loop of the harness's scripts.

# wait_until SECS CMD...: CMD holds within SECS seconds (tried once a second).
wait_until() {
	local t=$1
	shift
	until "$@"; do
		[ "$t" -gt 0 ] || return 1
		sleep 1
		t=$((t - 1))
	done
}
