/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How Xen finds and enters an xpv kernel.
 *
 * The domain builder reads the Xen ELF notes below: where the kernel's
 * virtual addresses start, where to enter, and which page to fill with
 * hypercall stubs. It enters xpv_entry in 64-bit mode, in ring 3, with
 * events masked, %rsi pointing at start_info and Xen's bootstrap page
 * tables and stack. We move to the init task's stack and go to C.
 */
#include <linux/elfnote.h>
#include <linux/init.h>
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/page_types.h>
#include <asm/thread_info.h>
#include <asm/unwind_hints.h>
#include <asm/xpv/hypercall.h>
#include <xen/interface/elfnote.h>
#include <xen/interface/features.h>

	__INIT
SYM_CODE_START(xpv_entry)
	UNWIND_HINT_EMPTY
	ANNOTATE_NOENDBR
	cld
	leaq	init_thread_union + THREAD_SIZE(%rip), %rsp
	movq	%rsi, %rdi
	call	xpv_start_kernel
	ud2
SYM_CODE_END(xpv_entry)

/*
 * Xen overwrites this page with its stubs when it builds the domain.
 * Until then (and on bare metal, where nothing fills it) every slot
 * returns at once; the slots are functions to objtool.
 */
	.text
	.balign PAGE_SIZE
SYM_CODE_START(xpv_hypercall_page)
	.rept (PAGE_SIZE / XPV_HYPERCALL_STUB_SIZE)
		UNWIND_HINT_FUNC
		ANNOTATE_NOENDBR
		ANNOTATE_UNRET_SAFE
		ret
		.skip XPV_HYPERCALL_STUB_SIZE - 1, 0xcc
	.endr
SYM_CODE_END(xpv_hypercall_page)

	ELFNOTE(Xen, XEN_ELFNOTE_GUEST_OS,	.asciz "linux")
	ELFNOTE(Xen, XEN_ELFNOTE_GUEST_VERSION,	.asciz "2.6")
	ELFNOTE(Xen, XEN_ELFNOTE_XEN_VERSION,	.asciz "xen-3.0")
	ELFNOTE(Xen, XEN_ELFNOTE_LOADER,	.asciz "generic")
	ELFNOTE(Xen, XEN_ELFNOTE_PAE_MODE,	.asciz "yes")
	/* pfn 0 is __START_KERNEL_map, as in the kernel's own identity. */
	ELFNOTE(Xen, XEN_ELFNOTE_VIRT_BASE,	.quad __START_KERNEL_map)
	ELFNOTE(Xen, XEN_ELFNOTE_PADDR_OFFSET,	.quad 0)
	ELFNOTE(Xen, XEN_ELFNOTE_ENTRY,		.quad xpv_entry)
	ELFNOTE(Xen, XEN_ELFNOTE_HYPERCALL_PAGE, .quad xpv_hypercall_page)
	/*
	 * Load the initrd after the bootstrap area and tell us its pfn: it
	 * then needs no mapping of Xen's, and the kernel maps it itself.
	 */
	ELFNOTE(Xen, XEN_ELFNOTE_MOD_START_PFN,	.long 1)
	/*
	 * Xen starts a first domain only if it declares dom0 support. xpv is
	 * a domU port; the claim lets the early-boot lane start us as Xen's
	 * first domain, where CONSOLEIO_write reaches the serial line.
	 */
	ELFNOTE(Xen, XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0))
