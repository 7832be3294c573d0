#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A stand-in for a test program shipped into the guest with GUEST_FILES.
echo "hello from a guest file"
