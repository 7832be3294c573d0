#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Tick once a second until dom0 types "stop" into the console, across the
# saves and restores dom0 makes. Each tick reads CLOCK_MONOTONIC (the
# "now at" of /proc/timer_list) and the uptime; neither may go back.

mono_ns() { awk '/^now at/ { print $3; exit }' /proc/timer_list; }
uptime_cs() { awk '{ split($1, a, "."); print a[1] a[2] }' /proc/uptime; }

ticks=0 mono_back=0 uptime_back=0
last_mono=$(mono_ns) last_up=$(uptime_cs)
value ticking 1
while :; do
	line=''
	read -r -t 1 line </dev/hvc0
	[ "$line" = stop ] && break
	mono=$(mono_ns) up=$(uptime_cs)
	[ "$mono" -ge "$last_mono" ] || mono_back=$((mono_back + 1))
	[ "$up" -ge "$last_up" ] || uptime_back=$((uptime_back + 1))
	last_mono=$mono last_up=$up ticks=$((ticks + 1))
	echo "XPV-VALUE tick $ticks $mono $up"
done
check_eq monotonic 0 "$mono_back"
check_eq uptime 0 "$uptime_back"
check ticked test "$ticks" -gt 10
