/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How Xen enters the xpv kernel, and how we leave back to where we were.
 *
 * Xen delivers an exception or callback like a CPU would, on our kernel
 * stack, with two more words at the bottom:
 *
 *	(%rsp)	rcx		the interrupted context's, saved by Xen
 *	8	r11		likewise
 *	16	[error code]	only for vectors that have one
 *	..	rip, cs, rflags, rsp, ss
 *
 * A frame from kernel mode says CS RPL 0 (Xen masks it), so user_mode()
 * works on it. We cannot leave with iretq (we run in ring 3): the iret
 * hypercall takes rax, r11, rcx, flags and the hardware frame from the
 * stack; its hypercall-page stub pushes rcx, r11 and rax itself, so we
 * push only the flags word (0: restore rcx and r11 too). Xen restores the
 * event mask from the frame's IF atomically with the return.
 *
 * Before the kernel's own trap_init() the early stubs below take every
 * vector to xpv_early_trap() (traps.c), which fixes up or reports.
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/asm.h>
#include <asm/frame.h>
#include <asm/ptrace-abi.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>
#include <asm/xpv/hypercall.h>
#include <xen/interface/xen.h>
#include <../entry/calling.h>
#include "pv.h"

/* Vectors for which the CPU, hence Xen, pushes an error code. */
#define XPV_ERRCODE_VECTORS						\
	((1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) |	\
	 (1 << 14) | (1 << 17) | (1 << 21) | (1 << 29) | (1 << 30))

#define XPV_IRET_STUB	(xpv_hypercall_page + __HYPERVISOR_iret * XPV_HYPERCALL_STUB_SIZE)

	.text

/*
 * Return through the iret hypercall from a frame whose registers are
 * already popped and whose orig_ax slot is already dropped: only the
 * hardware frame (rip, cs, rflags, rsp, ss) is left on the stack.
 */
SYM_CODE_START(xpv_iret)
	UNWIND_HINT_IRET_REGS
	ANNOTATE_NOENDBR
	pushq	$0
	jmp	XPV_IRET_STUB
SYM_CODE_END(xpv_iret)

/*
 * One 16-byte stub per vector 0-31: make the frame a hardware one with an
 * error-code slot, note the vector, and go to the common part.
 */
	.balign XPV_EARLY_TRAP_STUB_SIZE
SYM_CODE_START(xpv_early_trap_stubs)
	vector = 0
	.rept 32
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	popq	%rcx
	popq	%r11
	.if !(XPV_ERRCODE_VECTORS & (1 << vector))
	pushq	$-1
	.endif
	pushq	$vector
	jmp	xpv_early_trap_common
	.balign XPV_EARLY_TRAP_STUB_SIZE, 0xcc
	vector = vector + 1
	.endr
SYM_CODE_END(xpv_early_trap_stubs)

SYM_CODE_START_LOCAL(xpv_early_trap_common)
	UNWIND_HINT_EMPTY
	/* The vector sits where a return address would: save_ret keeps it. */
	PUSH_AND_CLEAR_REGS save_ret=1
	popq	%rsi
	movq	%rsp, %rdi
	call	xpv_early_trap
	POP_REGS
	addq	$8, %rsp		/* the error code (orig_ax) */
	jmp	xpv_iret
SYM_CODE_END(xpv_early_trap_common)

/*
 * The event callback before the kernel's own interrupt setup: events
 * stay masked until start_kernel enables them, so an upcall here is a
 * bug worth a report.
 */
SYM_CODE_START(xpv_early_event)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	popq	%rcx
	popq	%r11
	pushq	$-1
	pushq	$256			/* not a vector: the event callback */
	jmp	xpv_early_trap_common
SYM_CODE_END(xpv_early_event)

/*
 * After the kernel's trap_init(): Xen's frame minus rcx and r11 is the
 * hardware frame the kernel's own idtentry code expects. Its kernel-mode
 * exit reaches xpv_iret through early_xen_iret_patch (boot.c rewrites
 * that jmp); its user-mode exit through the symbol below.
 */
.macro XPV_TRAMPOLINE name
SYM_CODE_START(xpv_\name)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	popq	%rcx
	popq	%r11
	jmp	\name
SYM_CODE_END(xpv_\name)
.endm

XPV_TRAMPOLINE asm_exc_divide_error
XPV_TRAMPOLINE asm_exc_int3
XPV_TRAMPOLINE asm_exc_overflow
XPV_TRAMPOLINE asm_exc_bounds
XPV_TRAMPOLINE asm_exc_invalid_op
XPV_TRAMPOLINE asm_exc_device_not_available
XPV_TRAMPOLINE asm_exc_coproc_segment_overrun
XPV_TRAMPOLINE asm_exc_invalid_tss
XPV_TRAMPOLINE asm_exc_segment_not_present
XPV_TRAMPOLINE asm_exc_stack_segment
XPV_TRAMPOLINE asm_exc_general_protection
XPV_TRAMPOLINE asm_exc_page_fault
XPV_TRAMPOLINE asm_exc_spurious_interrupt_bug
XPV_TRAMPOLINE asm_exc_coprocessor_error
XPV_TRAMPOLINE asm_exc_alignment_check
XPV_TRAMPOLINE asm_exc_simd_coprocessor_error

/*
 * #DB and #DF natively run on IST stacks with paranoid entry code (swapgs,
 * cr3), none of which a PV guest may do. Xen delivers them on the current
 * stack like any other exception; build pt_regs and call the C handler.
 */
.macro XPV_IST_ENTRY name cfunc has_error_code
SYM_CODE_START(xpv_\name)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	popq	%rcx
	popq	%r11
	.if !\has_error_code
	pushq	$-1
	.endif
	PUSH_AND_CLEAR_REGS
	ENCODE_FRAME_POINTER
	movq	%rsp, %rdi
	movq	ORIG_RAX(%rsp), %rsi
	call	\cfunc
	jmp	xpv_exit_to_frame
SYM_CODE_END(xpv_\name)
.endm

XPV_IST_ENTRY asm_exc_debug xpv_exc_debug 0
XPV_IST_ENTRY asm_exc_double_fault xpv_exc_double_fault 1

/* Leave to the mode the frame came from, through the kernel's exits. */
SYM_CODE_START_LOCAL(xpv_exit_to_frame)
	UNWIND_HINT_REGS
	testb	$3, CS(%rsp)
	jnz	1f
	jmp	restore_regs_and_return_to_kernel
1:	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(xpv_exit_to_frame)

/* Patch H1: the kernel's exit to user mode, with registers in pt_regs. */
SYM_CODE_START(xenpv_restore_regs_and_return_to_usermode)
	UNWIND_HINT_REGS
	POP_REGS
	addq	$8, %rsp		/* orig_ax */
	jmp	xpv_iret
SYM_CODE_END(xenpv_restore_regs_and_return_to_usermode)

/*
 * The event callback: an upcall for pending event channels, delivered
 * with events masked. Leaves like an interrupt, through the kernel's
 * exits (which restore the mask from the frame's IF).
 */
SYM_CODE_START(xpv_event_entry)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	popq	%rcx
	popq	%r11
	pushq	$-1
	PUSH_AND_CLEAR_REGS
	ENCODE_FRAME_POINTER
	movq	%rsp, %rdi
	call	xpv_evtchn_upcall
	jmp	xpv_exit_to_frame
SYM_CODE_END(xpv_event_entry)

/*
 * syscall from user mode. Xen gives us the user rip and rflags in rcx
 * and r11 as the CPU would, plus a frame with its own selectors; with
 * Linux's selectors in it, the frame is what the native entry pushes
 * before entry_SYSCALL_64_after_hwframe. Events are masked on entry
 * (CALLBACKF_mask_events), as SFMASK clears IF natively.
 */
SYM_CODE_START(xpv_syscall_entry)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	popq	%rcx
	popq	%r11
	movq	$__USER_DS, 4*8(%rsp)
	movq	$__USER_CS, 1*8(%rsp)
	jmp	entry_SYSCALL_64_after_hwframe
SYM_CODE_END(xpv_syscall_entry)

#ifdef CONFIG_SMP
/*
 * Where a secondary vCPU starts (smp.c builds its context): on its idle
 * task's stack, events masked, on the kernel's own page tables.
 */
SYM_CODE_START(xpv_cpu_entry)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	call	xpv_cpu_bringup_and_idle
	ud2
SYM_CODE_END(xpv_cpu_entry)
#endif

/*
 * The failsafe callback: Xen could not complete a return to us. Its frame
 * is rcx, r11, then the ds, es, fs and gs it tried to load, then the
 * hardware frame. If a selector we hold now differs from the one saved,
 * Xen could not load it and has nulled it: return again. If all match,
 * the iret frame itself was refused: raise #GP (error code 0) at it, so
 * a user task gets its SIGSEGV and a kernel one its oops.
 */
SYM_CODE_START(xpv_failsafe_entry)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	movl	%ds, %ecx
	cmpw	%cx, 2*8(%rsp)
	jne	.Lxpv_failsafe_retry
	movl	%es, %ecx
	cmpw	%cx, 3*8(%rsp)
	jne	.Lxpv_failsafe_retry
	movl	%fs, %ecx
	cmpw	%cx, 4*8(%rsp)
	jne	.Lxpv_failsafe_retry
	movl	%gs, %ecx
	cmpw	%cx, 5*8(%rsp)
	jne	.Lxpv_failsafe_retry
	movq	(%rsp), %rcx
	movq	8(%rsp), %r11
	addq	$6*8, %rsp
	pushq	$0			/* error code */
	UNWIND_HINT_IRET_REGS offset=8
	jmp	asm_exc_general_protection
.Lxpv_failsafe_retry:
	movq	(%rsp), %rcx
	movq	8(%rsp), %r11
	addq	$6*8, %rsp
	UNWIND_HINT_IRET_REGS
	pushq	$-1
	PUSH_AND_CLEAR_REGS
	ENCODE_FRAME_POINTER
	jmp	xpv_exit_to_frame
SYM_CODE_END(xpv_failsafe_entry)
