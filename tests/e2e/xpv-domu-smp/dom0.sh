# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: take the guest down to one vCPU and back to four while its
# load runs, as a user would with xl; Xen's count of online vCPUs must
# follow (the guest's VCPUOP_down really happened). --ignore-host: xl
# refuses more vCPUs than the host has CPUs (the emulated machine has 2).
xl_vcpus() { xl list "$GUEST_NAME" | awk 'NR == 2 { print $4 }'; }

if check vcpu-set-ready guest_wait 'XPV-VALUE vcpu-set-ready ' 600; then
	check vcpu-set-1 xl vcpu-set --ignore-host "$GUEST_NAME" 1
	guest_wait 'XPV-VALUE cpus-down ' 300 >/dev/null
	check_eq xl-vcpus-1 1 "$(xl_vcpus)"
	check vcpu-set-4 xl vcpu-set --ignore-host "$GUEST_NAME" 4
fi
