// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs the toolstack takes away and gives back (xl vcpu-set).
 *
 * For a PV guest the toolstack does not stop or start vCPUs itself: it
 * writes cpu/<n>/availability, "online" or "offline", and the guest takes
 * the CPU down or brings it up (the port's smp_ops: VCPUOP_down from the
 * dying CPU, VCPUOP_up from the one that brings it back). The cpu/ tree is
 * watched as a whole; at each event every possible CPU's node is read
 * again (watches are hints) and the CPU brought to what it says. CPU 0
 * holds the devices' event channels and stays online.
 *
 * WHY the value is parsed strictly: the guest's own user space may write
 * under its home in xenstore; a value is one of the two words, anything
 * else is logged and ignored.
 */
#define pr_fmt(fmt) "xpv-cpu: " fmt

#include <linux/kernel.h>
#include <linux/cpu.h>
#include <linux/init.h>
#include <linux/slab.h>
#include <xpv/xenbus.h>

enum cpu_availability {
	CPU_AVAIL_NONE,		/* no node, or not a word we know */
	CPU_AVAIL_ONLINE,
	CPU_AVAIL_OFFLINE,
};

static enum cpu_availability cpu_availability(unsigned int cpu)
{
	enum cpu_availability a = CPU_AVAIL_NONE;
	char dir[16], *val;

	snprintf(dir, sizeof(dir), "cpu/%u", cpu);
	if (xpv_xs_read_node(0, dir, "availability", &val))
		return CPU_AVAIL_NONE;
	if (!strcmp(val, "online"))
		a = CPU_AVAIL_ONLINE;
	else if (!strcmp(val, "offline"))
		a = CPU_AVAIL_OFFLINE;
	else
		pr_info_ratelimited("ignoring cpu/%u/availability \"%.16s\"\n",
				    cpu, val);
	kfree(val);
	return a;
}

static void cpu_make_available(unsigned int cpu, bool online)
{
	int rc;

	if (cpu_online(cpu) == online)
		return;
	rc = online ? add_cpu(cpu) : remove_cpu(cpu);
	if (rc)
		pr_err("CPU %u %s: %d\n", cpu, online ? "up" : "down", rc);
	else
		pr_info("CPU %u %s\n", cpu, online ? "online" : "offline");
}

static void cpus_changed(struct xpv_xs_watch *w, const char *path)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		if (cpu == 0)
			continue;
		switch (cpu_availability(cpu)) {
		case CPU_AVAIL_ONLINE:
			cpu_make_available(cpu, true);
			break;
		case CPU_AVAIL_OFFLINE:
			cpu_make_available(cpu, false);
			break;
		default:
			break;
		}
	}
}

static struct xpv_xs_watch cpu_watch = {
	.path = "cpu",
	.callback = cpus_changed,
};

static int __init xpv_cpu_hotplug_init(void)
{
	int rc;

	if (!xpv_xs_available())
		return 0;
	/* Fires once now: vCPUs the toolstack holds back from the start. */
	rc = xpv_xs_watch_register(&cpu_watch);
	if (rc)
		pr_err("cannot watch cpu/: %d\n", rc);
	return rc;
}
late_initcall(xpv_cpu_hotplug_init);
