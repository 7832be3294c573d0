# SPDX-License-Identifier: GPL-2.0-only
# The raw base's contents, which dom0 writes and the guest expects to read
# through the overlay: a pattern both can make without shipping 32 MiB.
BASE_BYTES=33554432

# base_pattern [BYTES]: the first BYTES (default: all) of the base.
base_pattern() { yes xpv-qcow2-base | head -c "${1:-$BASE_BYTES}"; }
base_sha() { base_pattern "$@" | sha256sum | cut -d' ' -f1; }

# base_shows: (guest side) xvda, an overlay of the base, reads as the
# base. Its first 8 MiB: all of it takes minutes under TCG on a busy
# host, and qemu-img in dom0 reads the whole disk at the end.
base_shows() {
	local got want
	got=$(head -c 8388608 /dev/xvda | sha256sum | cut -d' ' -f1)
	want=$(base_sha 8388608)
	echo "xvda $got, base $want"
	[ "$got" = "$want" ]
}
