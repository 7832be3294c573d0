/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypercalls of the xpv port.
 *
 * Xen fills xpv_hypercall_page (named by the XEN_ELFNOTE_HYPERCALL_PAGE
 * note) with one 32-byte stub per hypercall; hypercall N is a direct call
 * to page + N * 32 with the System V argument registers, except that the
 * fourth argument goes in %r10 (the stub issues `syscall`). Xen may
 * scramble every argument register, so all five are outputs here too.
 * Failures come back as -errno in %rax: callers return them, never BUG.
 */
#ifndef _ASM_X86_XPV_HYPERCALL_H
#define _ASM_X86_XPV_HYPERCALL_H

#include <asm/page_types.h>

#define XPV_HYPERCALL_STUB_SIZE	32

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <asm/asm.h>
#include <xen/interface/xen.h>
#include <xen/interface/sched.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/callback.h>
#include <xen/interface/memory.h>
#include <xen/interface/physdev.h>
#include <xen/interface/vcpu.h>
#include <xen/interface/version.h>

extern u8 xpv_hypercall_page[PAGE_SIZE];

#ifdef CONFIG_XPV_HYPERCALL_STATS
#define XPV_HYPERCALLS	(PAGE_SIZE / XPV_HYPERCALL_STUB_SIZE)

/* What hypercall_stats.c counts of each hypercall number. */
struct xpv_hypercall_stat {
	unsigned long calls;	/* traps into Xen */
	unsigned long batched;	/* entries of multicalls */
	unsigned long requests;	/* mmu_update and mmuext_op requests */
};
extern struct xpv_hypercall_stat xpv_hypercall_stats[XPV_HYPERCALLS];

/*
 * A locked add to one array for all CPUs: hypercalls come before per-CPU
 * data exists, and the cost is small beside the trap it counts.
 */
#define xpv_hypercall_stat_add(nr, field, n)				\
do {									\
	asm volatile("lock addq %1, %0"					\
		     : "+m" (xpv_hypercall_stats[nr].field)		\
		     : "er" ((unsigned long)(n)));			\
} while (0)
#else
#define xpv_hypercall_stat_add(nr, field, n)	do { } while (0)
#endif

/*
 * The arguments are evaluated before any is bound to its register: an
 * argument that calls a function (PFN_DOWN(xpv_virt_to_machine(p))) would
 * clobber the argument registers already loaded, and GCC does not keep a
 * local register variable alive across a call.
 */
#define __xpv_hypercall(nr, a1, a2, a3, a4, a5)				\
({									\
	unsigned long __v1 = (unsigned long)(a1);			\
	unsigned long __v2 = (unsigned long)(a2);			\
	unsigned long __v3 = (unsigned long)(a3);			\
	unsigned long __v4 = (unsigned long)(a4);			\
	unsigned long __v5 = (unsigned long)(a5);			\
	register unsigned long __a1 asm("rdi") = __v1;			\
	register unsigned long __a2 asm("rsi") = __v2;			\
	register unsigned long __a3 asm("rdx") = __v3;			\
	register unsigned long __a4 asm("r10") = __v4;			\
	register unsigned long __a5 asm("r8") = __v5;			\
	long __ret;							\
									\
	xpv_hypercall_stat_add(nr, calls, 1);				\
	asm volatile("call xpv_hypercall_page + %c[off]"		\
		     : "=a" (__ret), "+r" (__a1), "+r" (__a2),		\
		       "+r" (__a3), "+r" (__a4), "+r" (__a5),		\
		       ASM_CALL_CONSTRAINT				\
		     : [off] "i" ((nr) * XPV_HYPERCALL_STUB_SIZE)	\
		     : "memory", "rcx", "r9", "r11");			\
	__ret;								\
})

static inline long xpv_console_write(const char *buf, unsigned int len)
{
	return __xpv_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len,
			       buf, 0, 0);
}

static inline long xpv_console_read(char *buf, unsigned int len)
{
	return __xpv_hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, len,
			       buf, 0, 0);
}

static inline long xpv_sched_op(int cmd, void *arg)
{
	return __xpv_hypercall(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline long xpv_event_channel_op(int cmd, void *arg)
{
	return __xpv_hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long xpv_set_trap_table(const struct trap_info *table)
{
	return __xpv_hypercall(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0);
}

static inline long xpv_mmu_update(struct mmu_update *req, unsigned int count,
				  unsigned int *done)
{
	xpv_hypercall_stat_add(__HYPERVISOR_mmu_update, requests, count);
	return __xpv_hypercall(__HYPERVISOR_mmu_update, req, count, done,
			       DOMID_SELF, 0);
}

static inline long xpv_mmuext_op(struct mmuext_op *op, unsigned int count,
				 unsigned int *done)
{
	xpv_hypercall_stat_add(__HYPERVISOR_mmuext_op, requests, count);
	return __xpv_hypercall(__HYPERVISOR_mmuext_op, op, count, done,
			       DOMID_SELF, 0);
}

static inline long xpv_update_va_mapping(unsigned long va, u64 pte,
					 unsigned long flags)
{
	return __xpv_hypercall(__HYPERVISOR_update_va_mapping, va, pte, flags,
			       0, 0);
}

static inline long xpv_grant_table_op(unsigned int cmd, void *uop,
				      unsigned int count)
{
	return __xpv_hypercall(__HYPERVISOR_grant_table_op, cmd, uop, count,
			       0, 0);
}

static inline long xpv_set_gdt(unsigned long *frames, unsigned int entries)
{
	return __xpv_hypercall(__HYPERVISOR_set_gdt, frames, entries, 0, 0, 0);
}

static inline long xpv_update_descriptor(u64 maddr, u64 desc)
{
	return __xpv_hypercall(__HYPERVISOR_update_descriptor, maddr, desc,
			       0, 0, 0);
}

static inline long xpv_stack_switch(unsigned long ss, unsigned long sp)
{
	return __xpv_hypercall(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0);
}

static inline long xpv_set_segment_base(int which, unsigned long base)
{
	return __xpv_hypercall(__HYPERVISOR_set_segment_base, which, base,
			       0, 0, 0);
}

static inline long xpv_fpu_taskswitch(int set)
{
	return __xpv_hypercall(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0);
}

static inline long xpv_set_debugreg(int reg, unsigned long value)
{
	return __xpv_hypercall(__HYPERVISOR_set_debugreg, reg, value, 0, 0, 0);
}

static inline unsigned long xpv_get_debugreg(int reg)
{
	return __xpv_hypercall(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0);
}

static inline long xpv_vm_assist(unsigned int cmd, unsigned int type)
{
	return __xpv_hypercall(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0);
}

static inline long xpv_callback_op(int cmd, void *arg)
{
	return __xpv_hypercall(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}

static inline long xpv_physdev_op(int cmd, void *arg)
{
	return __xpv_hypercall(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0);
}

static inline long xpv_memory_op(unsigned int cmd, void *arg)
{
	return __xpv_hypercall(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}

static inline long xpv_multicall(struct multicall_entry *calls,
				 unsigned int count)
{
	return __xpv_hypercall(__HYPERVISOR_multicall, calls, count, 0, 0, 0);
}

static inline long xpv_vcpu_op(int cmd, int vcpu, void *arg)
{
	return __xpv_hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

static inline long xpv_xen_version(int cmd, void *arg)
{
	return __xpv_hypercall(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

#endif /* __ASSEMBLY__ */
#endif /* _ASM_X86_XPV_HYPERCALL_H */
