# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: what our blkfront negotiated with xen-blkback for xvdb, each
# min(ours, its): rings of 4 pages (it offers 16), two queues (asked for
# on the command line; it offers one per dom0 vCPU), 1 MiB requests
# (indirect), flush and discard (a loop device over a tmpfs file), and
# persistent grants.

guest_wait 'XPV-CHECK disks-present' 300 >/dev/null || exit 1
domid=$(xl domid "$GUEST_NAME")
fe=/local/domain/$domid/device/vbd/51728
be=/local/domain/0/backend/vbd/$domid/51728
queues=$(xenstore-read "$be/multi-queue-max-queues")
[ "$queues" -le 2 ] || queues=2
check kernel-blkback test -d /sys/module/xen_blkback
check_eq fe-ring-order 2 "$(xenstore-read "$fe/ring-page-order")"
if [ "$queues" -gt 1 ]; then
	check_eq fe-queues "$queues" "$(xenstore-read "$fe/multi-queue-num-queues")"
else
	check fe-one-queue test -z "$(xenstore-read "$fe/multi-queue-num-queues" 2>/dev/null)"
fi
check features guest_wait \
	"xvdb: .*, $queues queue\(s\), ring of 4 pages, 256 pages per request, flush, discard, persistent grants" 60
