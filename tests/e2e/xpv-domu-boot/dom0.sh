# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: the guest's console output arrives whole, and a line typed
# into its console, as `xl console` would, reaches the guest.
# What console_type writes into the console pty must reach a reader of hvc0.

# burst_complete N: lines "xpv-burst 1" .. "xpv-burst N" all in the log, in
# order, and nothing between them; a failure shows what broke the run.
burst_complete() {
	guest_wait 'XPV-VALUE burst-lines ' 180 >/dev/null || {
		echo "no burst-lines value from the guest"
		return 1
	}
	tr -d '\r' <"$GUEST_LOG" | awk -v want="$1" '
		/^xpv-burst [0-9]+$/ {
			if (!bad && ($2 != n + 1 || between != ""))
				bad = "after line " n " came line " $2 between
			n = $2
			between = ""
			next
		}
		n > 0 && n < want && !bad {
			between = between "\n  between " n " and the next: " $0
		}
		END {
			if (!bad && n != want) bad = "the last line is " n " of " want
			if (bad) { print bad; exit 1 }
		}'
}
check console-burst burst_complete 2000

TOKEN=typed-$$-$(date +%s)
check console-reader-ready guest_wait 'XPV-VALUE console-reading ' 180 &&
	check console-type console_type "$TOKEN" &&
	check_eq console-input "$TOKEN" "$(guest_value console-read 60)"
