// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's IDT, told to Xen as a trap table.
 *
 * A PV guest has no IDT register: load_idt() reads the gates the kernel
 * wrote (its idt_table) and hands Xen, for each exception vector whose
 * handler we know, the entry point that first drops the two words Xen
 * adds to the frame (entry.S). A gate's DPL carries over (int3 and into
 * may come from user mode); an interrupt gate becomes "mask events on
 * entry", the PV form of clearing IF.
 *
 * Vectors we do not know keep what Xen had for them: the early stubs,
 * which report and crash. Interrupts are event channels, not vectors.
 * Gates written after the IDT was loaded reach Xen one by one.
 */
#include <linux/kernel.h>
#include <asm/desc.h>
#include <asm/idtentry.h>
#include <asm/paravirt.h>
#include <asm/traps.h>
#include <asm/xpv/hypercall.h>
#include "pv.h"

#define XPV_EXC_VECTORS		32
#define XPV_TI_MASK_EVENTS	4

#define XPV_GATE(name)	{ name, xpv_##name }
#define XPV_DECLARE(name) void xpv_##name(void)

XPV_DECLARE(asm_exc_divide_error);
XPV_DECLARE(asm_exc_debug);
XPV_DECLARE(asm_exc_int3);
XPV_DECLARE(asm_exc_overflow);
XPV_DECLARE(asm_exc_bounds);
XPV_DECLARE(asm_exc_invalid_op);
XPV_DECLARE(asm_exc_device_not_available);
XPV_DECLARE(asm_exc_double_fault);
XPV_DECLARE(asm_exc_coproc_segment_overrun);
XPV_DECLARE(asm_exc_invalid_tss);
XPV_DECLARE(asm_exc_segment_not_present);
XPV_DECLARE(asm_exc_stack_segment);
XPV_DECLARE(asm_exc_general_protection);
XPV_DECLARE(asm_exc_page_fault);
XPV_DECLARE(asm_exc_spurious_interrupt_bug);
XPV_DECLARE(asm_exc_coprocessor_error);
XPV_DECLARE(asm_exc_alignment_check);
XPV_DECLARE(asm_exc_simd_coprocessor_error);

static const struct {
	void (*native)(void);
	void (*xen)(void);
} xpv_gates[] = {
	XPV_GATE(asm_exc_divide_error),
	XPV_GATE(asm_exc_debug),
	XPV_GATE(asm_exc_int3),
	XPV_GATE(asm_exc_overflow),
	XPV_GATE(asm_exc_bounds),
	XPV_GATE(asm_exc_invalid_op),
	XPV_GATE(asm_exc_device_not_available),
	XPV_GATE(asm_exc_double_fault),
	XPV_GATE(asm_exc_coproc_segment_overrun),
	XPV_GATE(asm_exc_invalid_tss),
	XPV_GATE(asm_exc_segment_not_present),
	XPV_GATE(asm_exc_stack_segment),
	XPV_GATE(asm_exc_general_protection),
	XPV_GATE(asm_exc_page_fault),
	XPV_GATE(asm_exc_spurious_interrupt_bug),
	XPV_GATE(asm_exc_coprocessor_error),
	XPV_GATE(asm_exc_alignment_check),
	XPV_GATE(asm_exc_simd_coprocessor_error),
};

/* #DB and #DF arrive on the current stack (entry.S); no IST games. */
__visible noinstr void xpv_exc_debug(struct pt_regs *regs)
{
	if (user_mode(regs))
		noist_exc_debug(regs);
	else
		exc_debug(regs);
}

__visible noinstr void xpv_exc_double_fault(struct pt_regs *regs,
					    unsigned long error_code)
{
	exc_double_fault(regs, error_code);
}

static unsigned long xen_entry_of(unsigned long handler)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xpv_gates); i++)
		if ((unsigned long)xpv_gates[i].native == handler)
			return (unsigned long)xpv_gates[i].xen;
	return 0;
}

/* The IDT Xen was last given, so gates written into it later reach Xen. */
static const struct gate_struct *xpv_loaded_idt;

/* Gate @g of vector @v as Xen's trap_info; false if we have no entry for it. */
static bool xpv_trap_info(const gate_desc *g, unsigned int v, struct trap_info *t)
{
	unsigned long entry = xen_entry_of(gate_offset(g));

	if (v >= XPV_EXC_VECTORS || !g->bits.p || !entry)
		return false;
	t->vector = v;
	t->flags = g->bits.dpl;
	if (g->bits.type == GATE_INTERRUPT)
		t->flags |= XPV_TI_MASK_EVENTS;
	t->cs = __KERNEL_CS;
	t->address = entry;
	return true;
}

static void xpv_load_idt(const struct desc_ptr *dtr)
{
	/* load_idt() is rare and runs with interrupts off: one table. */
	static struct trap_info table[XPV_EXC_VECTORS + 1];
	const gate_desc *idt = (const gate_desc *)dtr->address;
	unsigned int v, n = 0, nr = (dtr->size + 1) / sizeof(gate_desc);
	long rc;

	for (v = 0; v < min(nr, XPV_EXC_VECTORS); v++)
		if (xpv_trap_info(&idt[v], v, &table[n]))
			n++;
	memset(&table[n], 0, sizeof(table[n]));
	rc = xpv_set_trap_table(table);
	if (rc)
		xpv_early_printf("xpv: set_trap_table of %u vectors: %ld\n", n, rc);
	xpv_loaded_idt = idt;
}

/*
 * Xen's trap table of a vCPU about to start, indexed by vector (the
 * context of VCPUOP_initialise): what the loaded IDT has.
 */
void xpv_idt_trap_ctxt(struct trap_info *ctxt)
{
	unsigned int v;

	for (v = 0; v < XPV_EXC_VECTORS; v++)
		if (!xpv_trap_info(&xpv_loaded_idt[v], v, &ctxt[v]))
			memset(&ctxt[v], 0, sizeof(ctxt[v]));
}

/*
 * A gate written into the loaded IDT. Natively the CPU reads the table
 * at the next exception; Xen keeps its own copy, so tell it. trap_init()
 * fills in #GP, #UD, #DE and the rest this way, after the IDT was loaded
 * with only the early gates. Xen's table takes single entries: the list
 * ends at the first entry with no address.
 */
static void xpv_write_idt_entry(gate_desc *idt, int v, const gate_desc *g)
{
	struct trap_info t[2] = {};
	long rc;

	native_write_idt_entry(idt, v, g);
	if (idt != xpv_loaded_idt || !xpv_trap_info(g, v, &t[0]))
		return;
	rc = xpv_set_trap_table(t);
	if (rc)
		xpv_early_printf("xpv: set_trap_table for vector %d: %ld\n", v, rc);
}

void __init xpv_idt_ops_init(void)
{
	pv_ops.cpu.load_idt = xpv_load_idt;
	pv_ops.cpu.write_idt_entry = xpv_write_idt_entry;
}
