/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the xpv port share with each other and nobody else.
 *
 * Boot order (boot.c): early console, early traps and callbacks
 * (traps.c, entry.S), P2M (p2m.c), pv_ops (cpu.c, idt.c, irq.c, mmu.c,
 * pin.c), our own page tables (pagetable.c), shared_info (irq.c), GDT,
 * boot_params and the memory map (setup.c), events and time hooks
 * (events.c, time.c), the boot console (console.c), then the kernel's own
 * x86_64_start_reservations(). hvc.c takes the console over later.
 */
#ifndef _XPV_PV_H
#define _XPV_PV_H

/* entry.S: the early trap stubs are this far apart */
#define XPV_EARLY_TRAP_STUB_SIZE	16

#ifndef __ASSEMBLY__

#include <linux/init.h>
#include <linux/percpu-defs.h>
#include <linux/types.h>
#include <asm/pgtable_types.h>
#include <asm/xpv/boot.h>
#include <asm/xpv/events.h>
#include <asm/xpv/p2m.h>

struct pt_regs;
struct mm_struct;
struct vcpu_info;
struct shared_info;

/* idt.c */
struct trap_info;
void __init xpv_idt_ops_init(void);
void xpv_idt_trap_ctxt(struct trap_info *ctxt);

/* p2m.c */
void __init xpv_p2m_init(const struct start_info *si);
void __init xpv_p2m_use_direct_map(void);
void xpv_p2m_fl_publish(void);

/* traps.c */
void __init xpv_early_traps_init(void);
void __init xpv_callbacks_init(void);

/* entry.S */
extern const char xpv_early_trap_stubs[];
void xpv_early_event(void);
void xpv_iret(void);
void xpv_event_entry(void);
void xpv_syscall_entry(void);
void xpv_failsafe_entry(void);
void xpv_cpu_entry(void);

/* The kernel's entry_64.S with patch H2: the jmp rel32 after the kernel exit */
extern u8 early_xen_iret_patch[];

/* events.c (and asm/xpv/events.h for drivers) */
void __init xpv_events_setup(void);
void xpv_events_resume(void);

/* time.c */
void __init xpv_time_setup(void);
void __init xpv_sched_clock_init(void);
void xpv_time_suspend(void);
void xpv_time_resume(void);
int xpv_timer_bind(unsigned int cpu);
void xpv_timer_start(void);
u64 xpv_clock_read(void);

/* steal.c */
struct vcpu_runstate_info;
void xpv_runstate_read(unsigned int cpu, struct vcpu_runstate_info *out);
u64 xpv_steal_clock(int cpu);
bool xpv_vcpu_runnable(unsigned int cpu);
int xpv_runstate_register(unsigned int cpu);
void __init xpv_steal_init(void);
void xpv_steal_suspend(void);
void xpv_steal_resume(void);

/* irq.c: each vCPU's event mask and pending flag, time, and cr2 */
DECLARE_PER_CPU(struct vcpu_info *, xpv_vcpu);
extern struct shared_info *xpv_shared_info;
void __init xpv_irq_ops_init(void);
void __init xpv_shared_info_init(unsigned long shared_info_ma);
void xpv_shared_info_unmap(void);
int xpv_shared_info_remap(unsigned long shared_info_ma);
int xpv_vcpu_info_register(unsigned int cpu);
bool xpv_vcpu_info_registered(unsigned int cpu);
void xpv_vcpu_info_resume(void);

/* cpu.c */
void __init xpv_cpu_ops_init(void);
void __init xpv_cpu_caps_init(void);
void __init xpv_gdt_init(void);
void __init xpv_gdt_release_boot(void);
unsigned long xpv_gdt_frame(unsigned long va);

/* mmu.c */
void __init xpv_mmu_ops_init(void);
void __init xpv_mmu_set_cr3(unsigned long cr3);
void xpv_mmu_cpu_cr3(unsigned int cpu, unsigned long cr3);
unsigned long xpv_mmu_cr3_of(unsigned int cpu);
int xpv_set_page_ro(void *va, bool ro);
u64 xpv_kernel_pte(const void *va, bool ro);

/* pin.c; L4 slots below 256 map user space, the rest is kernel and Xen */
#define XPV_USER_PGD_SLOTS	256

/*
 * The TLB flush a page-table page's read-only or writable transition
 * needs: none. Before Xen takes a page as a table it flushes every TLB
 * that may still hold a writable entry for it (the page's type change);
 * a stale read-only entry once the page is writable again costs at most
 * a spurious fault, which Xen resolves.
 */
#define XPV_TABLE_FLUSH		UVMF_NONE
void __init xpv_pin_ops_init(void);
bool xpv_mm_pinned(struct mm_struct *mm);
pgd_t *xpv_user_pgd(pgd_t *pgd);
void xpv_mm_pin_all(void);
void xpv_mm_unpin_all(void);

/* pagetable.c */
void __init xpv_pagetable_init(const struct start_info *si);

/* multicall.c: batches of hypercalls, flushed in one trap */
struct multicall_entry *xpv_mc_entry(void);
int xpv_mc_flush(void);

/* smp.c: each CPU's IPIs, the slots of xpv_evtchn_bind_ipi() */
enum xpv_ipi {
	XPV_IPI_RESCHEDULE,
	XPV_IPI_CALL_FUNCTION,
	XPV_IPI_CALL_FUNCTION_SINGLE,
	XPV_IPI_LOCK_KICK,	/* spinlock.c's; never requested (masked) */
	XPV_NR_IPIS
};

#ifdef CONFIG_SMP
void __init xpv_smp_init(void);
#else
static inline void xpv_smp_init(void) { }
#endif

/* spinlock.c: paravirtualized queued spinlocks */
#ifdef CONFIG_PARAVIRT_SPINLOCKS
void __init xpv_spinlock_init(void);
bool xpv_spinlock_kicks(void);
void xpv_qlock_wait_until(u8 *byte, u8 val, u64 deadline);
void xpv_qlock_kick(int cpu);
#else
static inline void xpv_spinlock_init(void) { }
static inline bool xpv_spinlock_kicks(void) { return false; }
#endif

/* setup.c */
void __init xpv_memory_map_init(const struct start_info *si);
void __init xpv_boot_params_init(const struct start_info *si);
void __init xpv_platform_init(void);

/* console.c */
void __init xpv_boot_console_init(void);

/* hvc.c */
void xpv_hvc_resume(void);

#endif /* __ASSEMBLY__ */
#endif /* _XPV_PV_H */
