#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side, 2 vCPUs: a queue per vCPU on xvda and eth0, each queue's
# interrupt on its CPU, and traffic through every queue.

# irqs NAME-REGEX: the irqs whose name (the last field of /proc/interrupts)
# matches.
irqs() { awk -v re="$1" '$NF ~ re { sub(":", "", $1); print $1 }' /proc/interrupts; }

# irq_on IRQ CPU: how many times IRQ came on CPU.
irq_on() { awk -v irq="$1:" -v col="$(($2 + 2))" '$1 == irq { print $col }' /proc/interrupts; }

# per_queue_cpus PREFIX: queue N's irqs (PREFIX-qN, PREFIX-qN-tx...) are
# bound to CPU N, for both queues.
per_queue_cpus() {
	local q irq cpu n=0
	for q in 0 1; do
		for irq in $(irqs "^$1-q$q(-|\$)"); do
			cpu=$(cat "/proc/irq/$irq/effective_affinity_list")
			echo "irq $irq, queue $q: CPU $cpu"
			[ "$cpu" = "$q" ] || return 1
			n=$((n + 1))
		done
	done
	[ "$n" -ge 2 ]
}

# per_queue_cpus_all CPU: every queue irq of xvda and eth0 is on CPU.
per_queue_cpus_all() {
	local irq cpu
	for irq in $(irqs "^($vbd|eth0)-q[01](-|\$)"); do
		cpu=$(cat "/proc/irq/$irq/effective_affinity_list")
		echo "irq $irq: CPU $cpu"
		[ "$cpu" = "$1" ] || return 1
	done
}

# disk_data_one_cpu: 1 MiB written and read back, direct, on CPU 0.
disk_data_one_cpu() {
	dd if=/dev/urandom of=/tmp/d1.bin bs=64k count=16 2>/dev/null
	dd if=/tmp/d1.bin of=/dev/xvda bs=64k seek=128 oflag=direct conv=fsync 2>&1 &&
		dd if=/dev/xvda of=/tmp/back1.bin bs=64k skip=128 count=16 iflag=direct 2>&1 &&
		[ "$(sha /tmp/d1.bin)" = "$(sha /tmp/back1.bin)" ]
}

# read_from CPU QUEUE-IRQ: 4 MiB read around the page cache by a task on
# CPU is answered through that CPU's queue (its irq counts on that CPU).
read_from() {
	local before after
	before=$(irq_on "$2" "$1")
	taskset -c "$1" dd if=/dev/xvda of=/dev/null bs=64k count=64 skip=$((64 * $1)) iflag=direct 2>&1
	after=$(irq_on "$2" "$1")
	echo "irq $2 on CPU $1: $before, then $after"
	[ "$after" -gt "$before" ]
}

# disk_data: written from CPU 1, read back from CPU 0, both direct.
disk_data() {
	dd if=/dev/urandom of=/tmp/d.bin bs=64k count=64 2>/dev/null
	taskset -c 1 dd if=/tmp/d.bin of=/dev/xvda bs=64k oflag=direct conv=fsync 2>&1 &&
		taskset -c 0 dd if=/dev/xvda of=/tmp/back.bin bs=64k count=64 iflag=direct 2>&1 &&
		[ "$(sha /tmp/d.bin)" = "$(sha /tmp/back.bin)" ]
}

# queue_total PREFIX Q: interrupts of queue Q's irqs, on every CPU.
queue_total() {
	local irq t=0
	for irq in $(irqs "^$1-q$2(-|\$)"); do
		t=$((t + $(irq_on "$irq" 0) + $(irq_on "$irq" 1)))
	done
	echo "$t"
}

# both_queues_moved B0 B1: each eth0 queue took interrupts since B0, B1.
both_queues_moved() {
	local a0 a1
	a0=$(queue_total eth0 0)
	a1=$(queue_total eth0 1)
	echo "eth0 queue 0: $1 -> $a0, queue 1: $2 -> $a1"
	[ "$a0" -gt "$1" ] && [ "$a1" -gt "$2" ]
}

cat /proc/interrupts
vbd=$(irqs '^vbd-.*-q0$' | head -n 1)
vbd=$(awk -v irq="$vbd:" '$1 == irq { sub(/-q0$/, "", $NF); print $NF }' /proc/interrupts)
check_eq blk-queues 2 "$(ls -d /sys/block/xvda/mq/* | wc -l)"
check_eq net-queues 2 "$(ls -d /sys/class/net/eth0/queues/tx-* | wc -l)"
check blk-irq-cpus per_queue_cpus "$vbd"
check net-irq-cpus per_queue_cpus eth0
check blk-q0-from-cpu0 read_from 0 "$(irqs "^$vbd-q0\$")"
check blk-q1-from-cpu1 read_from 1 "$(irqs "^$vbd-q1\$")"
check disk-data disk_data
b0=$(queue_total eth0 0)
b1=$(queue_total eth0 1)
check net-flows small_flows 64
check net-both-queues both_queues_moved "$b0" "$b1"

# CPU 1 offline: its queues' interrupts move to CPU 0 (EVTCHNOP_bind_vcpu
# from the kernel's irq migration) and both devices go on working.
check cpu1-offline sh -c 'echo 0 >/sys/devices/system/cpu/cpu1/online'
check irqs-off-cpu1 per_queue_cpus_all 0
check disk-data-cpu1-offline disk_data_one_cpu
check net-flows-cpu1-offline small_flows 16
check cpu1-online sh -c 'echo 1 >/sys/devices/system/cpu/cpu1/online'
# CPU 1 back: each queue's interrupt is spread again, queue 1's to CPU 1.
check blk-irqs-back-cpu1 per_queue_cpus "$vbd"
check net-irqs-back-cpu1 per_queue_cpus eth0
check blk-q1-back-on-cpu1 read_from 1 "$(irqs "^$vbd-q1\$")"
cat /proc/interrupts
