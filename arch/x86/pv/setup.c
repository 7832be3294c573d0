// SPDX-License-Identifier: GPL-2.0-only
/*
 * The platform a PV domU is, told to the kernel's own setup code.
 *
 * There is no firmware: no BIOS data area, no ROMs, no MP tables, no
 * ACPI, no PIC, no real-mode trampoline. What setup_arch() would probe,
 * start_info and Xen tell us instead:
 *
 *  - memory: RAM is pfn 0 .. nr_pages-1. XENMEM_memory_map gives the
 *    toolstack's map (a domU's RAM entry is maxmem plus slack, larger
 *    than what is populated, so it is clamped to nr_pages); Xen's first
 *    domain usually gets -ENOSYS and the single range instead.
 *  - boot_params: the command line and initrd from start_info, and the
 *    Xen loader and subarch ids, which drop the RTC and PnP BIOS.
 *  - the bootstrap structures after the image (P2M, start_info, rings,
 *    Xen's page tables) stay reserved.
 *  - CPUs: the vCPUs Xen gave us (smp.c).
 *  - power off, reboot and crash through SCHEDOP_shutdown (time is in
 *    time.c, interrupts in events.c).
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/console.h>
#include <linux/memblock.h>
#include <linux/panic_notifier.h>
#include <linux/pm.h>
#include <linux/mm.h>
#include <linux/reboot.h>
#include <asm/bootparam.h>
#include <asm/e820/api.h>
#include <asm/i8259.h>
#include <asm/paravirt.h>
#include <asm/reboot.h>
#include <asm/setup.h>
#include <asm/x86_init.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

/* Where the bootstrap structures after the kernel image lie (pa). */
static phys_addr_t xpv_bootstrap_start __initdata, xpv_bootstrap_end __initdata;

static unsigned int __init clamp_ram(struct boot_e820_entry *map,
				     unsigned int n, u64 ram_end)
{
	unsigned int i, out = 0;

	for (i = 0; i < n; i++) {
		struct boot_e820_entry e = map[i];

		if (e.type == E820_TYPE_RAM) {
			if (e.addr >= ram_end)
				continue;
			e.size = min(e.size, ram_end - e.addr);
		}
		map[out++] = e;
	}
	return out;
}

void __init xpv_memory_map_init(const struct start_info *si)
{
	struct boot_e820_entry *map = boot_params.e820_table;
	struct xen_memory_map memmap = {
		.nr_entries = ARRAY_SIZE(boot_params.e820_table),
	};
	u64 ram_end = PFN_PHYS(si->nr_pages);
	unsigned int i, n;
	long rc;

	set_xen_guest_handle(memmap.buffer, map);
	rc = xpv_memory_op(XENMEM_memory_map, &memmap);
	if (rc || !memmap.nr_entries) {
		xpv_early_printf("xpv: XENMEM_memory_map: %ld, using nr_pages\n", rc);
		map[0].addr = 0;
		map[0].size = ram_end;
		map[0].type = E820_TYPE_RAM;
		n = 1;
	} else {
		n = clamp_ram(map, memmap.nr_entries, ram_end);
	}
	boot_params.e820_entries = n;
	for (i = 0; i < n; i++)
		xpv_early_printf("xpv: memory %#018llx-%#018llx type %u\n",
				 map[i].addr, map[i].addr + map[i].size - 1,
				 map[i].type);
}

static void __init note_bootstrap(unsigned long va, unsigned long len)
{
	phys_addr_t start = __pa(va), end = __pa(va) + PAGE_ALIGN(len);

	if (!xpv_bootstrap_end || start < xpv_bootstrap_start)
		xpv_bootstrap_start = start;
	xpv_bootstrap_end = max(xpv_bootstrap_end, end);
}

void __init xpv_boot_params_init(const struct start_info *si)
{
	struct setup_header *hdr = &boot_params.hdr;

	hdr->type_of_loader = 0x90;	/* Xen */
	hdr->hardware_subarch = X86_SUBARCH_XEN;
	hdr->cmd_line_ptr = __pa(si->cmd_line);
	if (si->mod_start && si->mod_len) {
		hdr->ramdisk_image = si->flags & SIF_MOD_START_PFN ?
				     PFN_PHYS(si->mod_start) : __pa(si->mod_start);
		hdr->ramdisk_size = si->mod_len;
	} else {
		xpv_early_printf("xpv: Xen gave no initramfs (ramdisk= in the domain config): init must come from root=\n");
	}

	/* P2M, start_info (and rings), Xen's tables and the boot stack. */
	note_bootstrap(si->mfn_list, si->nr_pages * sizeof(unsigned long));
	note_bootstrap((unsigned long)xpv_start_info, PAGE_SIZE);
	note_bootstrap(si->pt_base, (si->nr_pt_frames + 1) * PAGE_SIZE);
	xpv_early_printf("xpv: bootstrap structures %#llx-%#llx, initrd %#x+%#x\n",
			 xpv_bootstrap_start, xpv_bootstrap_end - 1,
			 hdr->ramdisk_image, hdr->ramdisk_size);
}

/*
 * x86_init.resources.memory_setup. Not through the default, which takes a
 * map of fewer than two entries for a broken BIOS and falls back to 640K.
 */
static char *__init xpv_memory_setup(void)
{
	const struct boot_e820_entry *map = boot_params.e820_table;
	unsigned int i;

	for (i = 0; i < boot_params.e820_entries; i++)
		e820__range_add(map[i].addr, map[i].size, map[i].type);
	e820__update_table(e820_table);
	memblock_reserve(xpv_bootstrap_start,
			 xpv_bootstrap_end - xpv_bootstrap_start);
	return "Xen PV";
}

static void xpv_power_off(void)
{
	xpv_shutdown(SHUTDOWN_poweroff);
}

static void xpv_restart(char *cmd)
{
	xpv_shutdown(SHUTDOWN_reboot);
}

static void xpv_emergency_restart(void)
{
	xpv_shutdown(SHUTDOWN_reboot);
}

static void xpv_crash_shutdown(struct pt_regs *regs)
{
	xpv_shutdown(SHUTDOWN_crash);
}

static void xpv_machine_noop(void)
{
}

/*
 * Last on the panic chain: flush what is still buffered and leave a
 * crashed domain (on_crash="preserve" keeps it for xenctx), instead of
 * a vCPU spinning in panic().
 */
static int xpv_panic(struct notifier_block *nb, unsigned long ev, void *msg)
{
	console_flush_on_panic(CONSOLE_FLUSH_PENDING);
	xpv_shutdown(SHUTDOWN_crash);
}

static struct notifier_block xpv_panic_nb = {
	.notifier_call	= xpv_panic,
	.priority	= INT_MIN,
};

/* x86_init.oem.arch_setup: early in setup_arch, before the memory map. */
static void __init xpv_arch_setup(void)
{
	xpv_sched_clock_init();
	/* hvc0 is the console unless the command line names another. */
	add_preferred_console("hvc", 0, NULL);
	atomic_notifier_chain_register(&panic_notifier_list, &xpv_panic_nb);
}

void __init xpv_platform_init(void)
{
	x86_init.oem.arch_setup = xpv_arch_setup;
	x86_init.resources.memory_setup = xpv_memory_setup;
	x86_init.resources.probe_roms = x86_init_noop;
	x86_init.mpparse.find_smp_config = x86_init_noop;
	x86_init.mpparse.get_smp_config = x86_init_uint_noop;
	x86_init.irqs.intr_mode_select = x86_init_noop;
	x86_init.irqs.intr_mode_init = x86_init_noop;
	x86_init.timers.setup_percpu_clockev = x86_init_noop;
	x86_cpuinit.setup_percpu_clockev = x86_init_noop;
	legacy_pic = &null_legacy_pic;
	xpv_smp_init();

	x86_platform.realmode_reserve = x86_init_noop;
	x86_platform.realmode_init = x86_init_noop;

	pm_power_off = xpv_power_off;
	machine_ops.power_off = xpv_power_off;
	machine_ops.halt = xpv_power_off;
	machine_ops.restart = xpv_restart;
	machine_ops.emergency_restart = xpv_emergency_restart;
	machine_ops.shutdown = xpv_machine_noop;
	machine_ops.crash_shutdown = xpv_crash_shutdown;
}
