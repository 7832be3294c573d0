# SPDX-License-Identifier: GPL-2.0-only
# dom0 side, next to the harness's guest (the last one): ping it, hear
# which clean cycle's block it found; once it is gone, the final figures
# against the baseline the setup hook took (soak.sh).
. /scenario/soak.sh

final_guest() {
	guest_wait 'XPV-VALUE final-ready' 300 >/dev/null || return 1
	check ping-guest ping -c 3 -W 5 "$GUEST_IP"
	check_eq last-clean-cycle-kept "$(cat "$XPV_RUN/soak-last-clean")" \
		"$(guest_value soak-kept 10)"
	echo go | nc -w 10 "$GUEST_IP" 5301
}

# guest_ended [SECS]: the runner has seen guest 1 end (xl create -F returned).
guest_ended() {
	local t=${1:-300}
	while [ ! -e "$XPV_RUN/guest1-ended" ]; do
		[ "$t" -gt 0 ] || return 1
		sleep 1
		t=$((t - 1))
	done
}

final_guest
guest_ended 300
check final-settled soak_settled 30
soak_figures >"$XPV_RUN/soak-final"
soak_report "$XPV_RUN/soak-baseline" "$XPV_RUN/soak-final"
