# SPDX-License-Identifier: GPL-2.0-only
# Guest side: send 64 MiB of zeros to dom0, then receive as much and time
# it from its first byte to its end (dom0.sh times the other direction).
. /usr/local/lib/net-bench.sh

recv_timed 5001
value net-ready 1
check tcp-to-dom0 send_zeros "$DOM0_IP" 5000
check tcp-from-dom0 recv_done 5001 300
bench tcp-dom0-to-domU "$(recv_mbits 5001)" Mbit/s
