# SPDX-License-Identifier: GPL-2.0-only
# The dom0 side of harness-params.

xl_config() {
	xl list guest | awk 'NR == 2 { print "mem", $3, "vcpus", $4; ok = ($3 == 192 && $4 == 2) }
		END { exit !ok }'
}

check setup-hook grep -q 'hook ran' "$XPV_RUN/setup-hook"
# Full path: busybox sh runs its own applets (it has an xz) before PATH.
check dom0-file /usr/local/bin/xz --version
guest_wait 'XPV-VALUE hold' 240 >/dev/null
check xl-config xl_config
echo go | nc -w 10 "$GUEST_IP" 5001
