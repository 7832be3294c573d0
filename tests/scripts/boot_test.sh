#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# scripts/harness/boot.sh against a fake QEMU that prints a script of
# serial lines (with pauses) and exits as a first domain would: how a run
# ended, the --up watchdog, --broken, and lines that come in parts. No QEMU.
# Ends with "tools: N passed, N failed".

set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/scripts/testlib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The fakes: QEMU runs $FAKE_SERIAL (a shell snippet) with its stdout as
# the serial line; dpkg-query says every package is installed. The fake is
# one process, as QEMU is: its sleep is a read that times out on a FIFO no
# one writes. A sleep(1) child could hold the serial line open after the
# fake was killed (a SIGTERM between bash's fork and exec is lost), and
# boot.sh would read on until that sleep ended.
mkdir -p "$tmp/bin"
mkfifo "$tmp/never"
cat >"$tmp/bin/qemu-system-x86_64" <<'F'
#!/usr/bin/env bash
exec 9<>"$FAKE_NEVER"
sleep() { read -r -t "$1" -u 9 || :; }
eval "$FAKE_SERIAL"
F
cat >"$tmp/bin/dpkg-query" <<'F'
#!/bin/sh
printf 'install ok installed'
F
chmod +x "$tmp/bin/"*
: >"$tmp/xen"
: >"$tmp/vmlinux"

# run NAME SERIAL ARGS...: boot.sh with the fake; sets rc, secs, verdict.
run() {
	local start=$SECONDS
	rc=0
	FAKE_SERIAL=$2 FAKE_NEVER="$tmp/never" PATH="$tmp/bin:$PATH" XPV_BUILD="$tmp" \
		"$root/scripts/harness/boot.sh" --xen "$tmp/xen" --kernel "$tmp/vmlinux" \
		--log "$tmp/$1.log" "${@:3}" 2>/dev/null || rc=$?
	secs=$((SECONDS - start))
	verdict=$(cat "$tmp/$1.log.verdict" 2>/dev/null)
}

# status N: what the first domain's exit through isa-debug-exit makes QEMU do.
status() { echo "exit $(((16 + $1) * 2 + 1))"; }

run up "echo booting; echo 'XPV-STAGE dom0 userspace up'; $(status 0)" \
	--up 'userspace up' --up-within 5 --timeout 30
expect "a domain that came up and ended with status 0: exit 0" [ "$rc" -eq 0 ]

# The timeouts below are long and the "at once" bounds half of them: a
# busy CI machine may take seconds for what takes a tenth here, but only a
# watchdog that did not fire waits out the timeout.
run hung "echo booting; sleep 300" --up 'userspace up' --up-within 2 --timeout 120
echo "# hung: exit $rc after ${secs}s"
expect "no --up line in time: exit 5" [ "$rc" -eq 5 ]
expect "no --up line in time: stopped at the deadline, not the timeout" [ "$secs" -lt 60 ]
expect "no --up line in time: the verdict says it hung" \
	grep -q 'did not come up in 2s (hung while booting)' "$tmp/hung.log.verdict"

run chatty "for i in \$(seq 40); do echo line \$i; sleep 0.1; done; sleep 60" \
	--up 'userspace up' --up-within 2 --timeout 30
expect "lines flowing but never the --up one: exit 5" [ "$rc" -eq 5 ]

run parts "printf 'XPV-STA'; sleep 1.5; printf 'GE dom0 userspace up\\r\\n'; $(status 0)" \
	--up 'XPV-STAGE dom0 userspace up' --up-within 5 --timeout 30
expect "a line in two parts a second apart: whole in the log" \
	grep -q '^\[ *[0-9.]*\] XPV-STAGE dom0 userspace up$' "$tmp/parts.log"
expect "a line in two parts a second apart: it counts as up" [ "$rc" -eq 0 ]

run quiet "sleep 3; echo late; $(status 2)" --timeout 30
expect "without --up a quiet start is fine; status 2: exit 1" [ "$rc" -eq 1 ]
expect "without --up: the verdict names the status" \
	grep -q 'status 2' "$tmp/quiet.log.verdict"

run timeout "echo booting; sleep 60" --timeout 2
expect "the hard timeout: exit 3" [ "$rc" -eq 3 ]

run last "printf 'no newline at the end'; $(status 0)" --timeout 30
expect "a last line without a newline is kept" \
	grep -q '\] no newline at the end$' "$tmp/last.log"

run until "echo one; echo READY; sleep 60" --until READY \
	--up 'userspace up' --up-within 3 --timeout 30
expect "--until matched before the --up deadline: exit 0, not a hang" [ "$rc" -eq 0 ]

wrapped='(XEN) Platform timer appears to have unexpectedly wrapped 10 or more times.'
run broken "echo booting; echo '$wrapped'; sleep 300" \
	--broken 'unexpectedly wrapped 10 or more times' --timeout 120
echo "# broken: exit $rc after ${secs}s"
expect "a --broken line: exit 6, at once" [ "$rc" -eq 6 -a "$secs" -lt 60 ]
expect "a --broken line: the verdict quotes it" \
	grep -qF "the emulated machine broke, QEMU killed: $wrapped" "$tmp/broken.log.verdict"

run notbroken "echo 'Platform timer appears to have unexpectedly wrapped 3 times.'; $(status 0)" \
	--broken 'unexpectedly wrapped 10 or more times' --timeout 30
expect "a line --broken does not match: the run goes on (exit 0)" [ "$rc" -eq 0 ]

run badup "$(status 0)" --up 'userspace up' --timeout 30
expect "--up without --up-within is refused, before QEMU runs" \
	test "$rc" -ne 0 -a -z "$verdict"

lane_summary tools
