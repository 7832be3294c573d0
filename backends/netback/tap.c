// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TAP devices of xpv-netback on Linux's tun driver. One device per
 * guest interface, named vif<domid>.<devid> like xen-netback's, so the
 * stock vif-bridge hotplug script finds and enslaves it; multi-queue, one
 * fd per netif queue; virtio_net_hdr in front of every frame both ways so
 * checksum offload and GSO cross it. The device is not persistent: it goes
 * when its last fd is closed (the guest's interface removed, or the daemon
 * gone).
 *
 * Its MAC is fe:ff:ff:ff:ff:ff, as xen-netback sets its vifs': a bridge
 * takes the lowest MAC of its ports, and this one is never the lowest.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "netback.h"

static int set_mac(int fd, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memset(ifr.ifr_hwaddr.sa_data, 0xff, 6);
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	return ioctl(fd, SIOCSIFHWADDR, &ifr) ? -errno : 0;
}

static int tap_open(const char *name, bool create, int *fdp)
{
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC), hdr = NET_VNET_HDR;
	struct ifreq ifr;
	int err = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNSETIFF, &ifr) || ioctl(fd, TUNSETVNETHDRSZ, &hdr))
		err = -errno;
	else if (strcmp(ifr.ifr_name, name))
		err = -EEXIST;
	if (!err && create)
		err = set_mac(fd, name);
	if (!err && create)	/* nothing offered until the guest says what it takes */
		err = ioctl(fd, TUNSETOFFLOAD, 0) ? -errno : 0;
	if (err) {
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

static int tap_set_offload(int fd, unsigned int flags)
{
	return ioctl(fd, TUNSETOFFLOAD, flags) ? -errno : 0;
}

static void tap_close(int fd)
{
	close(fd);
}

const struct net_tap_ops net_tap_linux = {
	.open = tap_open,
	.set_offload = tap_set_offload,
	.close = tap_close,
};
