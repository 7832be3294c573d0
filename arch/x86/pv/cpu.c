// SPDX-License-Identifier: GPL-2.0-only
/*
 * Privileged CPU state of the xpv port, through hypercalls.
 *
 * We run in ring 3. What the kernel does with privileged instructions it
 * asks of Xen instead, through pv_ops.cpu:
 *
 *	lgdt		set_gdt with the machine frames of a read-only GDT
 *	GDT writes	update_descriptor (Xen validates each one); no TSS
 *			or LDT descriptors, which Xen refuses in a guest GDT
 *	lidt		the trap table (traps.c)
 *	wrmsr FS/GS	set_segment_base; the syscall MSRs are Xen's business
 *	TSS.sp0		stack_switch
 *	cpuid		forced emulation (ud2; "xen"; cpuid) to see Xen's
 *			policy for the guest, not the host's bits
 *	mov %dr		set_debugreg / get_debugreg
 *	CR0.TS		fpu_taskswitch
 *
 * Everything else privileged traps and Xen emulates it (cr4, rdmsr, I/O
 * ports with our iopl).
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <asm/cpufeature.h>
#include <asm/desc.h>
#include <asm/hypervisor.h>
#include <asm/msr.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/proto.h>
#include <asm/setup.h>
#include <asm/xen/interface.h>
#include <asm/xpv/hypercall.h>
#include <../kernel/cpu/cpu.h>
#include "pv.h"

static void xpv_cpuid(unsigned int *ax, unsigned int *bx, unsigned int *cx,
		      unsigned int *dx)
{
	unsigned int leaf = *ax;

	asm volatile(XEN_EMULATE_PREFIX "cpuid"
		     : "+a" (*ax), "=b" (*bx), "+c" (*cx), "=d" (*dx));
	if (leaf == 5)		/* no MONITOR/MWAIT for a PV guest */
		*ax = *bx = *cx = *dx = 0;
}

static int write_msr_pv(unsigned int msr, u32 low, u32 high, bool safe)
{
	u64 val = ((u64)high << 32) | low;

	switch (msr) {
	case MSR_FS_BASE:
		return xpv_set_segment_base(SEGBASE_FS, val) ? -EIO : 0;
	case MSR_KERNEL_GS_BASE:
		return xpv_set_segment_base(SEGBASE_GS_USER, val) ? -EIO : 0;
	case MSR_GS_BASE:
		return xpv_set_segment_base(SEGBASE_GS_KERNEL, val) ? -EIO : 0;
	case MSR_STAR:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_SYSCALL_MASK:
	case MSR_IA32_SYSENTER_CS:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		return 0;	/* Xen's syscall entry, our callback */
	}
	if (safe)
		return native_write_msr_safe(msr, low, high);
	native_write_msr(msr, low, high);
	return 0;
}

static void xpv_write_msr(unsigned int msr, unsigned int low, unsigned int high)
{
	write_msr_pv(msr, low, high, false);
}

static int xpv_write_msr_safe(unsigned int msr, unsigned int low,
			      unsigned int high)
{
	return write_msr_pv(msr, low, high, true);
}

static DEFINE_PER_CPU(unsigned long, xpv_cr0) = X86_CR0_PE | X86_CR0_MP |
	X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_AM | X86_CR0_PG;

static unsigned long xpv_read_cr0(void)
{
	return this_cpu_read(xpv_cr0);
}

/* Of CR0, a PV guest controls only TS. */
static void xpv_write_cr0(unsigned long cr0)
{
	if ((cr0 ^ this_cpu_read(xpv_cr0)) & X86_CR0_TS)
		xpv_fpu_taskswitch(!!(cr0 & X86_CR0_TS));
	this_cpu_write(xpv_cr0, cr0);
}

static void xpv_write_cr4(unsigned long cr4)
{
	native_write_cr4(cr4 & ~(X86_CR4_PGE | X86_CR4_PSE | X86_CR4_PCE));
}

static unsigned long xpv_op_get_debugreg(int reg)
{
	return xpv_get_debugreg(reg);
}

static void xpv_op_set_debugreg(int reg, unsigned long val)
{
	xpv_set_debugreg(reg, val);
}

/* Kernel image or direct map: one PTE, and the P2M knows the frame. */
static bool linear_va(unsigned long va)
{
	if (va >= __START_KERNEL_map && va < MODULES_VADDR)
		return true;
	return va >= PAGE_OFFSET && va < PAGE_OFFSET + PFN_PHYS(xpv_p2m.nr_pfns);
}

/* The machine frame of a GDT page; read-only in the mapping we know. */
unsigned long xpv_gdt_frame(unsigned long va)
{
	unsigned int level;
	pte_t *pte;

	if (linear_va(va)) {
		xpv_set_page_ro((void *)(va & PAGE_MASK), true);
		return xpv_virt_to_machine((void *)va) >> PAGE_SHIFT;
	}
	/* The cpu_entry_area alias, mapped read-only by core code. */
	pte = lookup_address(va, &level);
	if (!pte || level != PG_LEVEL_4K)
		return XPV_INVALID_MFN;
	return (native_pte_val(*pte) & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static void xpv_load_gdt(const struct desc_ptr *dtr)
{
	unsigned long mfn = xpv_gdt_frame(dtr->address);
	unsigned int entries = (dtr->size + 1) / LDT_ENTRY_SIZE;
	long rc;

	/* Linux's GDT is one page (GDT_ENTRIES descriptors). */
	BUILD_BUG_ON(GDT_SIZE > PAGE_SIZE);
	rc = xpv_set_gdt(&mfn, entries);
	if (rc)
		xpv_early_printf("xpv: set_gdt %#lx (mfn %#lx, %u entries): %ld\n",
				 dtr->address, mfn, entries, rc);
}

static void xpv_write_gdt_entry(struct desc_struct *gdt, int entry,
				const void *desc, int type)
{
	u64 ma, d;
	long rc;

	/* Xen refuses system descriptors in a guest GDT; it has its own TSS. */
	if (type == DESC_TSS || type == DESC_LDT)
		return;
	memcpy(&d, desc, sizeof(d));
	ma = xpv_virt_to_machine(&gdt[entry]);
	rc = xpv_update_descriptor(ma, d);
	if (rc)
		xpv_early_printf("xpv: GDT entry %d = %#llx: %ld\n", entry, d, rc);
}

/*
 * Every context switch loads the next task's TLS entries: only those that
 * differ from what the GDT holds cost a hypercall. 64-bit tasks keep
 * their TLS in the FS base and leave the entries empty, so most switches
 * write none. (An entry Xen adjusted, or the CPU marked accessed, reads
 * back different and is written again: never skipped wrongly.)
 */
static void xpv_load_tls(struct thread_struct *t, unsigned int cpu)
{
	struct desc_struct *gdt = get_cpu_gdt_rw(cpu);
	unsigned int i, e;

	for (i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++) {
		e = GDT_ENTRY_TLS_MIN + i;
		if (!memcmp(&gdt[e], &t->tls_array[i], sizeof(gdt[e])))
			continue;
		xpv_write_gdt_entry(gdt, e, &t->tls_array[i], DESCTYPE_S);
	}
}

static void xpv_load_gs_index(unsigned int sel)
{
	xpv_set_segment_base(SEGBASE_GS_USER_SEL, sel);
}

static void xpv_load_sp0(unsigned long sp0)
{
	xpv_stack_switch(__KERNEL_DS, sp0);
	this_cpu_write(cpu_tss_rw.x86_tss.sp0, sp0);
}

static void xpv_set_ldt(const void *addr, unsigned int entries)
{
	struct mmuext_op op = {
		.cmd = MMUEXT_SET_LDT,
		.arg1.linear_addr = (unsigned long)addr,
		.arg2.nr_ents = entries,
	};

	xpv_mmuext_op(&op, 1, NULL);
}

static unsigned long xpv_store_tr(void)
{
	return 0;
}

void __init xpv_cpu_ops_init(void)
{
	pv_info.name = "Xen PV (xpv)";
	pv_info.extra_user_64bit_cs = FLAT_USER_CS64;

	pv_ops.cpu.io_delay = paravirt_nop;
	pv_ops.cpu.cpuid = xpv_cpuid;
	pv_ops.cpu.write_msr = xpv_write_msr;
	pv_ops.cpu.write_msr_safe = xpv_write_msr_safe;
	pv_ops.cpu.read_cr0 = xpv_read_cr0;
	pv_ops.cpu.write_cr0 = xpv_write_cr0;
	pv_ops.cpu.write_cr4 = xpv_write_cr4;
	pv_ops.cpu.get_debugreg = xpv_op_get_debugreg;
	pv_ops.cpu.set_debugreg = xpv_op_set_debugreg;
	pv_ops.cpu.load_tr_desc = paravirt_nop;
	pv_ops.cpu.store_tr = xpv_store_tr;
	pv_ops.cpu.load_gdt = xpv_load_gdt;
	pv_ops.cpu.write_gdt_entry = xpv_write_gdt_entry;
	pv_ops.cpu.set_ldt = xpv_set_ldt;
	pv_ops.cpu.load_tls = xpv_load_tls;
	pv_ops.cpu.load_gs_index = xpv_load_gs_index;
	pv_ops.cpu.load_sp0 = xpv_load_sp0;
}

/* What a PV guest has no use for, or must not believe it has. */
static const unsigned int xpv_hidden_caps[] __initconst = {
	X86_FEATURE_PSE, X86_FEATURE_PGE, X86_FEATURE_PSE36,
	X86_FEATURE_GBPAGES, X86_FEATURE_LA57, X86_FEATURE_PCID,
	X86_FEATURE_MTRR, X86_FEATURE_ACC, X86_FEATURE_DCA,
	X86_FEATURE_APERFMPERF, X86_FEATURE_X2APIC, X86_FEATURE_APIC,
	X86_FEATURE_ACPI, X86_FEATURE_MWAIT, X86_FEATURE_SME,
	X86_FEATURE_SMEP, X86_FEATURE_SMAP, X86_FEATURE_UMIP,
	X86_FEATURE_PKU, X86_FEATURE_TSC_DEADLINE_TIMER, X86_FEATURE_FSGSBASE,
	X86_FEATURE_XSAVE, X86_FEATURE_OSXSAVE,
};

void __init xpv_cpu_caps_init(void)
{
	unsigned int i;

	setup_force_cpu_cap(X86_FEATURE_XENPV);
	x86_hyper_type = X86_HYPER_XEN_PV;
	for (i = 0; i < ARRAY_SIZE(xpv_hidden_caps); i++)
		setup_clear_cpu_cap(xpv_hidden_caps[i]);
	/* Xen idles the real CPU; the E400 workaround probes host MSRs. */
	setup_clear_cpu_cap(X86_BUG_AMD_E400);

	/* NX in __supported_pte_mask before any PTE is built. */
	get_cpu_cap(&boot_cpu_data);
	x86_configure_nx();

	/* Xen refuses global kernel pages (and hides PGE anyway). */
	__supported_pte_mask &= ~_PAGE_GLOBAL;
	__default_kernel_pte_mask &= ~_PAGE_GLOBAL;
}

/* The boot CPU's first GDT, in the per-CPU template on an SMP kernel. */
static struct desc_struct *xpv_boot_gdt __initdata;

/*
 * The kernel's own GDT, and the per-cpu GS base with it (set at entry,
 * boot.c). switch_to_new_gdt() does both through the ops above.
 */
void __init xpv_gdt_init(void)
{
	xpv_boot_gdt = get_cpu_gdt_rw(0);
	switch_to_new_gdt(0);
}

/*
 * After the boot CPU moved to its GDT in its per-CPU area: the template's
 * page is init memory, freed later, so writable again.
 */
void __init xpv_gdt_release_boot(void)
{
	if (xpv_boot_gdt != get_cpu_gdt_rw(0))
		xpv_set_page_ro(xpv_boot_gdt, false);
}
