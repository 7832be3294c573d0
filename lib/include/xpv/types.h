/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The types shim of the xpv protocol library.
 *
 * Modules under lib/ are plain C that build in four places: the kernel,
 * KUnit, the cmocka tests and the dom0 backend daemons. They include this
 * header and nothing else from the kernel or libc; it maps the handful of
 * things they need (fixed-size integers, errno values, memcpy, ARRAY_SIZE,
 * the memory barriers that order accesses to pages shared with another
 * domain, and compare-and-exchange on them) onto whichever environment is
 * compiling them.
 */
#ifndef XPV_TYPES_H
#define XPV_TYPES_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/barrier.h>
#include <asm/cmpxchg.h>

/* The peer is another domain, never a device: virt_* barriers. */
#define xpv_mb()		virt_mb()
#define xpv_rmb()		virt_rmb()
#define xpv_wmb()		virt_wmb()
#define XPV_READ_ONCE(x)	READ_ONCE(x)
#define XPV_WRITE_ONCE(x, v)	WRITE_ONCE(x, v)
/* the value *p had; the store happened if that equals @o */
#define xpv_cmpxchg(p, o, n)	cmpxchg(p, o, n)

#else /* userspace: backends and cmocka */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define xpv_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xpv_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xpv_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define XPV_READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define XPV_WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
#define xpv_cmpxchg(p, o, n) ({						\
	__typeof__(*(p)) __xpv_old = (o);				\
	__atomic_compare_exchange_n((p), &__xpv_old, (n), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__xpv_old;							\
})

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* __KERNEL__ */

#define XPV_STATIC_ASSERT(cond, msg)	_Static_assert(cond, msg)

#endif /* XPV_TYPES_H */
