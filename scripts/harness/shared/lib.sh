# SPDX-License-Identifier: GPL-2.0-only
# Sourced by both dom0's and the guest's lib.sh (busybox sh): what the two
# sides of a scenario must do alike.

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

# sha FILE: the sha256 of FILE alone.
sha() { sha256sum "$1" | cut -d' ' -f1; }

# read_only_pattern MIB: the content of a read-only disk (DISKS
# "KIND:MIB:ro"), MIB MiB, which dom0 writes and the guest checks.
read_only_pattern() {
	yes 'xpv read-only disk' | head -c $(($1 * 1048576))
}

# bench METRIC VALUE UNIT: a measurement for make bench (scripts/bench/run.sh).
bench() { echo "XPV-BENCH $1 $2 $3"; }
