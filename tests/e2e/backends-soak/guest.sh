# SPDX-License-Identifier: GPL-2.0-only
# Guest side. A soak guest (xpv.soak=N:MODE:SLOT on its command line,
# created by dom0's setup hook) loads both backends: O_DIRECT writes to
# xvda from 16 MiB on, and a TCP stream each way with dom0 (port
# 5199+SLOT). MODE kill: once both run, it says so and waits to be
# destroyed. MODE clean: it stops them, writes 1 MiB of random data at
# 1 MiB and "N SHA" at 0, and powers off. The harness's guest (no
# xpv.soak, the last) finds that block, writes and reads back a block of
# its own, and pings dom0 while dom0 pings it.

SOAK=
for w in $(cat /proc/cmdline); do
	case $w in xpv.soak=*) SOAK=${w#*=} ;; esac
done

# load PORT: the writer and the stream, in the background, until /tmp/stop.
# The stream connects again until then: the bridge may not forward yet
# when the first try goes out (seen once in 100 cycles: no route to host).
load() {
	(
		while [ ! -e /tmp/stop ]; do
			nc "$DOM0_IP" "$1" </dev/zero >/dev/null
			sleep 1
		done
	) &
	NC_PID=$!
	(
		i=0
		while [ ! -e /tmp/stop ]; do
			dd if=/dev/zero of=/dev/xvda bs=1M count=2 seek=$((16 + i % 8 * 2)) \
				oflag=direct 2>/dev/null || exit 1
			i=$((i + 1))
			echo "$i" >/tmp/rounds
		done
	) &
	WRITER_PID=$!
}

stat_of() { cat "/sys/class/net/eth0/statistics/$1"; }

# busy: both directions past 64 KiB and a round of writes done.
busy() {
	local t=120 tx rx r
	while [ "$t" -gt 0 ]; do
		tx=$(stat_of tx_bytes) rx=$(stat_of rx_bytes)
		r=$(cat /tmp/rounds 2>/dev/null || echo 0)
		if [ "$tx" -gt 65536 ] && [ "$rx" -gt 65536 ] && [ "$r" -ge 1 ]; then
			echo "eth0 tx $tx rx $rx bytes, $r rounds of 2 MiB written"
			return 0
		fi
		usleep 500000
		t=$((t - 1))
	done
	echo "eth0 tx $tx rx $rx bytes, $r rounds of 2 MiB written"
	return 1
}

stop_load() {
	: >/tmp/stop
	kill "$NC_PID" 2>/dev/null
	wait "$WRITER_PID"
}

# write_block N: 1 MiB at 1 MiB and its checksum at 0, both past the cache.
write_block() {
	dd if=/dev/urandom of=/tmp/block bs=1M count=1 2>/dev/null &&
		dd if=/tmp/block of=/dev/xvda bs=1M seek=1 oflag=direct conv=fsync 2>/dev/null &&
		printf '%-4095s\n' "$1 $(sha /tmp/block)" >/tmp/head &&
		dd if=/tmp/head of=/dev/xvda bs=4096 oflag=direct conv=fsync 2>/dev/null
}

soak() {
	local n mode slot
	IFS=: read -r n mode slot <<-EOT
	$SOAK
	EOT
	load $((5199 + slot))
	check soak-busy busy || return
	value soak-busy "$n"
	if [ "$mode" = kill ]; then
		sleep 600
		return
	fi
	stop_load
	check soak-block write_block "$n" &&
		value soak-clean "$n"
}

# block_kept: the block of the last clean cycle is on the disk; says
# which cycle wrote it.
block_kept() {
	local sum
	# shellcheck disable=SC2046 # the words of the padded line
	set -- $(dd if=/dev/xvda bs=4096 count=1 iflag=direct 2>/dev/null | tr -d '\0')
	value soak-kept "${1:-none}"
	sum=$(dd if=/dev/xvda bs=1M skip=1 count=1 iflag=direct 2>/dev/null |
		sha256sum | cut -d' ' -f1)
	check_eq soak-block-kept "${2:-no block}" "$sum"
}

readback() {
	dd if=/dev/urandom of=/tmp/mine bs=1M count=4 2>/dev/null &&
		dd if=/tmp/mine of=/dev/xvda bs=1M seek=40 oflag=direct conv=fsync 2>/dev/null &&
		[ "$(dd if=/dev/xvda bs=1M skip=40 count=4 iflag=direct 2>/dev/null |
			sha256sum | cut -d' ' -f1)" = "$(sha /tmp/mine)" ]
}

final() {
	block_kept
	check disk-readback readback
	check ping-dom0 ping -c 3 -W 5 "$DOM0_IP"
	tcp_receive 5301 /tmp/go
	value final-ready 1
	check dom0-done tcp_receive_wait 120
}

if [ -n "$SOAK" ]; then soak; else final; fi
