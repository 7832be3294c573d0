# SPDX-License-Identifier: GPL-2.0-only
# The moves dom0.sh makes (the kernel's backends load on demand).
MOVE=migrate MOVES=2
