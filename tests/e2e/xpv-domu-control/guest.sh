#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Each boot waits for dom0's xl command; the wait running out is a failure
# (the boot then ends the ordinary way, which dom0.sh tells apart).
value control-waiting "$GUEST_BOOT"
sleep 240
check control-request-came false
