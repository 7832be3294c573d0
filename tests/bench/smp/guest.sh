#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Each loop is xpv-mmtest's checked work (a wrong byte or a failed child
# fails the run), first pinned to CPU 0 alone, then one copy pinned to
# each vCPU at once, timed by the guest's clock. Reported as operations
# per second (the 4-vCPU number counts all four copies) and the factor
# between them; the harness's two emulated CPUs bound it near 2.
check_eq nproc 4 "$(nproc)"

# on_cpus CPUS ARGS...: one xpv-mmtest ARGS pinned to each of CPUS, all at
# once; prints the seconds from the first start to the last exit.
on_cpus() {
	local cpus=$1 cpu start
	shift
	start=$(uptime_s)
	for cpu in $cpus; do
		bg "mm$cpu" taskset -c "$cpu" xpv-mmtest "$@"
	done
	bg_wait || return 1
	seconds_between "$start" "$(uptime_s)"
}

# per_sec COUNT SECS: COUNT / SECS.
per_sec() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.2f\n", (s > 0 ? n / s : 0) }'; }

# measure NAME UNIT COUNT ARGS...: NAME-1vcpu and NAME-4vcpu in UNIT/s
# (COUNT operations per copy), then NAME-scaling.
measure() {
	local name=$1 unit=$2 count=$3 one four
	shift 3
	hypercalls "before $name"
	check "$name-1" on_cpus 0 "$@" || return
	hypercalls "$name-1vcpu"
	one=$(per_sec "$count" "$(cat "/tmp/check-$name-1.out")")
	check "$name-4" on_cpus "0 1 2 3" "$@" || return
	hypercalls "$name-4vcpu"
	four=$(per_sec "$((count * 4))" "$(cat "/tmp/check-$name-4.out")")
	bench "$name-1vcpu" "$one" "$unit/s"
	bench "$name-4vcpu" "$four" "$unit/s"
	bench "$name-scaling" "$(awk -v a="$four" -v b="$one" 'BEGIN { printf "%.2f\n", (b > 0 ? a / b : 0) }')" x
}

measure mmap maps 40 mmap 40 4
measure fork forks 10 fork 10 4
measure exec execs 150 exec 150 /bin/true
