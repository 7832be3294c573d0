# SPDX-License-Identifier: GPL-2.0-only
# The rounds of the block bench: one raw image on tmpfs, served ROUNDS
# times (after warm-up round 0) by xpv-blkback (as the guest's xvdb) and
# then by dom0's xen-blkback (xvdc), one backend running at a time
# (measure: io.sh).
. /usr/local/lib/blk-bench.sh
IMG=/var/lib/xpv/bench.img
exec 3>&1	# the console: check keeps a command's output in a file

# use_ours / use_base: the backend for the next attach.
use_ours() { /usr/local/sbin/start-xpv-blkback; }
use_base() { kernel_backend_instead blkback; }

mkdir -p /var/lib/xpv
mount -t tmpfs -o size=300m tmpfs /var/lib/xpv
truncate -s ${MIB}M "$IMG"
guest_wait 'XPV-VALUE ready ' 300 >/dev/null || exit 1
copy_reference
for r in 0 $(seq $ROUNDS); do
	check "ours-$r-backend" use_ours &&
		check "ours-$r" measure "ours-$r" xvdb "$(xl_disk xpv xvdb rw "$IMG")" &&
		check "base-$r-backend" use_base &&
		check "base-$r" measure "base-$r" xvdc "$(xl_disk kernel xvdc rw "$IMG")" || break
done
