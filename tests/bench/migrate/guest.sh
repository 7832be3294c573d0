#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Guest side: nothing but being there (dom0 pings it) until dom0 types
# "stop" into the console.
value bench-ready 1
while read -r line </dev/hvc0; do
	case $line in stop*) break ;; esac
done
