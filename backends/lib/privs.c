// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dropping privileges once a backend daemon is set up.
 *
 * After the xenstore connection and /dev/xen/{gntdev,evtchn} are open,
 * the daemon still has to open the disk images and devices the toolstack
 * names as guests come and go, so it stays uid 0 but keeps only the
 * capabilities that opening files needs (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH). Everything else - loading modules, raw I/O,
 * ptrace, mounting, changing ids - is gone from the effective, permitted,
 * inheritable and bounding sets, and no_new_privs stops exec from getting
 * any back. A daemon subverted by a guest is still dangerous, but less so.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <xpvback/backend.h>

#define KEEP	XPV_KEEP_CAPS_FILES

_Static_assert(XPV_KEEP_CAPS_FILES ==
	       ((1ull << CAP_DAC_OVERRIDE) | (1ull << CAP_DAC_READ_SEARCH)), "caps");

/**
 * xpv_drop_privileges() - keep only what opening backing stores needs
 *
 * Return: 0, or -errno (the process is then left as it was or with fewer
 * capabilities, never more).
 */
int xpv_drop_privileges(void)
{
	return xpv_drop_privileges_keep(KEEP);
}

/**
 * xpv_drop_privileges_keep() - keep only the capabilities in @keep
 *
 * The network backend keeps CAP_NET_ADMIN too: it creates a TAP device
 * for every guest interface as guests come.
 *
 * Return: as xpv_drop_privileges().
 */
int xpv_drop_privileges_keep(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {
		{ .effective = (uint32_t)keep, .permitted = (uint32_t)keep,
		  .inheritable = 0 },
		{ .effective = (uint32_t)(keep >> 32),
		  .permitted = (uint32_t)(keep >> 32), .inheritable = 0 },
	};
	int cap;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	for (cap = 0; cap <= 63; cap++) {
		if (keep & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EINVAL)
			return -errno;	/* EINVAL: no such capability here */
	}
	return syscall(SYS_capset, &hdr, data) ? -errno : 0;
}
