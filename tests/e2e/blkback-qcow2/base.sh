# SPDX-License-Identifier: GPL-2.0-only
# The raw base's contents, which dom0 writes and the guest expects to read
# through the overlay: a pattern both can make without shipping 32 MiB.
BASE_BYTES=33554432

# base_pattern [BYTES]: the first BYTES (default: all) of the base.
base_pattern() { yes xpv-qcow2-base | head -c "${1:-$BASE_BYTES}"; }
base_sha() { base_pattern "$@" | sha256sum | cut -d' ' -f1; }
