// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hypercall counts (CONFIG_XPV_HYPERCALL_STATS), for finding where a
 * workload traps into Xen: /sys/kernel/debug/xpv/hypercalls lists each
 * hypercall the port made from C since boot or the last reset (not the
 * iret of the entry code, nor the few of head.S), with
 *
 *   calls     how often it trapped into Xen by itself
 *   batched   how often it rode in a multicall instead
 *   requests  for mmu_update and mmuext_op: the requests those carried
 *
 * Writing anything to the file sets every count to zero. The counts are
 * added with locked instructions (<asm/xpv/hypercall.h>), so they are
 * exact, but a reset racing with other CPUs' hypercalls may keep a few.
 */
#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/seq_file.h>
#include <asm/xpv/hypercall.h>

struct xpv_hypercall_stat xpv_hypercall_stats[XPV_HYPERCALLS];
EXPORT_SYMBOL_GPL(xpv_hypercall_stats);	/* frontends built as modules */

static const char *const hypercall_names[XPV_HYPERCALLS] = {
	[__HYPERVISOR_set_trap_table] = "set_trap_table",
	[__HYPERVISOR_mmu_update] = "mmu_update",
	[__HYPERVISOR_set_gdt] = "set_gdt",
	[__HYPERVISOR_stack_switch] = "stack_switch",
	[__HYPERVISOR_set_callbacks] = "set_callbacks",
	[__HYPERVISOR_fpu_taskswitch] = "fpu_taskswitch",
	[__HYPERVISOR_set_debugreg] = "set_debugreg",
	[__HYPERVISOR_get_debugreg] = "get_debugreg",
	[__HYPERVISOR_update_descriptor] = "update_descriptor",
	[__HYPERVISOR_memory_op] = "memory_op",
	[__HYPERVISOR_multicall] = "multicall",
	[__HYPERVISOR_update_va_mapping] = "update_va_mapping",
	[__HYPERVISOR_set_timer_op] = "set_timer_op",
	[__HYPERVISOR_xen_version] = "xen_version",
	[__HYPERVISOR_console_io] = "console_io",
	[__HYPERVISOR_grant_table_op] = "grant_table_op",
	[__HYPERVISOR_vm_assist] = "vm_assist",
	[__HYPERVISOR_iret] = "iret",
	[__HYPERVISOR_vcpu_op] = "vcpu_op",
	[__HYPERVISOR_set_segment_base] = "set_segment_base",
	[__HYPERVISOR_mmuext_op] = "mmuext_op",
	[__HYPERVISOR_nmi_op] = "nmi_op",
	[__HYPERVISOR_sched_op] = "sched_op",
	[__HYPERVISOR_callback_op] = "callback_op",
	[__HYPERVISOR_event_channel_op] = "event_channel_op",
	[__HYPERVISOR_physdev_op] = "physdev_op",
};

static int stats_show(struct seq_file *m, void *v)
{
	const struct xpv_hypercall_stat *s;
	unsigned int nr;

	seq_printf(m, "%-20s %12s %12s %12s\n", "hypercall", "calls",
		   "batched", "requests");
	for (nr = 0; nr < XPV_HYPERCALLS; nr++) {
		s = &xpv_hypercall_stats[nr];
		if (!READ_ONCE(s->calls) && !READ_ONCE(s->batched))
			continue;
		if (hypercall_names[nr])
			seq_printf(m, "%-20s", hypercall_names[nr]);
		else
			seq_printf(m, "hypercall-%-10u", nr);
		seq_printf(m, " %12lu %12lu %12lu\n", READ_ONCE(s->calls),
			   READ_ONCE(s->batched), READ_ONCE(s->requests));
	}
	return 0;
}

static int stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, stats_show, NULL);
}

static ssize_t stats_reset(struct file *file, const char __user *buf,
			   size_t len, loff_t *ppos)
{
	unsigned int nr;

	for (nr = 0; nr < XPV_HYPERCALLS; nr++) {
		WRITE_ONCE(xpv_hypercall_stats[nr].calls, 0);
		WRITE_ONCE(xpv_hypercall_stats[nr].batched, 0);
		WRITE_ONCE(xpv_hypercall_stats[nr].requests, 0);
	}
	return len;
}

static const struct file_operations stats_fops = {
	.owner		= THIS_MODULE,
	.open		= stats_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
	.write		= stats_reset,
};

static int __init xpv_hypercall_stats_init(void)
{
	struct dentry *dir = debugfs_create_dir("xpv", NULL);

	debugfs_create_file("hypercalls", 0600, dir, NULL, &stats_fops);
	return 0;
}
late_initcall(xpv_hypercall_stats_init);
