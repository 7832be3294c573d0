# SPDX-License-Identifier: GPL-2.0-only
# The dom0 side of harness-params.

# dom0.sh starts before `xl create`: wait (once a second, xl is costly
# under TCG) for the domain to exist, then read its size while it runs.
# vcpu-list counts every vCPU, online or not yet.
xl_config() {
	local i=0 mem vcpus
	until xl list guest >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -le 120 ] || return 1
		sleep 1
	done
	mem=$(xl list guest | awk 'NR == 2 { print $3 }')
	vcpus=$(xl vcpu-list guest | awk 'NR > 1' | wc -l)
	echo "mem $mem vcpus $vcpus"
	[ "$mem" = 192 ] && [ "$vcpus" = 2 ]
}

check setup-hook grep -q 'hook ran' "$XPV_RUN/setup-hook"
# Full path: busybox sh runs its own applets (it has an xz) before PATH.
check dom0-file /usr/local/bin/xz --version
check xl-config xl_config
