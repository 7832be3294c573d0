# SPDX-License-Identifier: GPL-2.0-only
# Only with VIFS=xpv (bench.conf clears it for the kernel's netback).
check daemon-started /usr/local/sbin/start-xpv-netback
