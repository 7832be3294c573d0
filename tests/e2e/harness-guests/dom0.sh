# SPDX-License-Identifier: GPL-2.0-only
# dom0 side: one image file per guest, and the names the runner gives.
check own-images test -f "$(disk_image 1 0)" -a -f "$(disk_image 2 0)" \
	-a "$(disk_image 1 0)" != "$(disk_image 2 0)"
check_eq names "guest guest-2" "$GUEST_NAMES"
