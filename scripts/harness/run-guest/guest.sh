# SPDX-License-Identifier: GPL-2.0-only
# Show a person what the guest has: its disk, formatted and mounted on /mnt,
# and its network interface, with a ping to dom0.
echo "== block devices"
cat /proc/partitions
check mkfs mke2fs -F -b 4096 -i 65536 /dev/xvda &&
	check mount mount -t ext2 /dev/xvda /mnt && df -h /mnt
echo "== network"
ip addr show eth0
check ping-dom0 ping -c 2 -W 5 "$DOM0_IP"
echo "== dom0 is $DOM0_IP, this guest $GUEST_IP; /dev/xvda is mounted on /mnt"
