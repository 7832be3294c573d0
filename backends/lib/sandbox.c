// SPDX-License-Identifier: GPL-2.0-only
/*
 * sandbox: the seccomp filter a guest's worker (sup.c) locks itself into
 * once it is set up.
 *
 * WHY: a worker reads everything its guest writes. Should a guest find a
 * bug that runs code in it, the filter leaves that code only the system
 * calls serving needs: I/O on descriptors, memory, time, poll, threads
 * (libxenstore reads in a thread of its own), and opening files (the
 * toolstack names a new disk or TAP device at any time). ioctl is allowed
 * for the grant, event-channel, TAP and block-device requests the daemons
 * make and nothing else, so privcmd's hypercalls stay out of reach even
 * though a worker could open /dev/xen/privcmd. Sockets only as a client
 * of an NBD server (xpv-blkback's nbd driver, which connects again when
 * the server goes away): stream sockets over Unix, IPv4 and IPv6, and
 * datagram ones over IPv4 and IPv6 for the resolver, connected out,
 * never listening (no bind, listen or accept), no raw or packet sockets.
 * io_uring_enter only, for a ring made before the filter and restricted
 * to the operations it serves (xpv-blkback's aio.c: its operations pass
 * no filter); io_uring_setup and io_uring_register kill.
 * No exec, no fork, no ptrace, no mount, no module loading: any other
 * call kills the worker (SIGSYS; the kernel logs the call's number), and
 * the supervisor starts it again.
 *
 * What it cannot close (Linux 6.1 offers no per-domain restriction of
 * these): the worker's gntdev can map pages that other guests granted to
 * dom0, and its xenstore connection is dom0's. Separating guests fully
 * takes a backend domain per guest (a driver domain; -S names it).
 */
#define _GNU_SOURCE	/* CLONE_THREAD */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <xen/xen.h>		/* domid_t, which evtchn.h uses */
#include <xen/sys/evtchn.h>
#include <xen/sys/gntdev.h>

#include <xpvback/backend.h>

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static const int allowed[] = {
	/* descriptors */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(preadv), SCMP_SYS(pwritev),
	SCMP_SYS(preadv2), SCMP_SYS(pwritev2), SCMP_SYS(lseek), SCMP_SYS(fsync),
	SCMP_SYS(fdatasync), SCMP_SYS(fallocate), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fstatfs), SCMP_SYS(openat),
	SCMP_SYS(close), SCMP_SYS(fcntl), SCMP_SYS(dup), SCMP_SYS(pipe2),
	SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlinkat),
	SCMP_SYS(getdents64),
	/* sockets (what socket() may open: add_socket_rules()) */
	SCMP_SYS(connect), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg), SCMP_SYS(shutdown),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	/* waiting */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(timerfd_create), SCMP_SYS(timerfd_settime),
	SCMP_SYS(timerfd_gettime), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday),
	SCMP_SYS(sched_yield), SCMP_SYS(restart_syscall),
	/* a ring made before the filter (xpv-blkback's aio.c); never
	 * io_uring_setup or io_uring_register */
	SCMP_SYS(io_uring_enter),
	/* memory */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
	SCMP_SYS(madvise), SCMP_SYS(brk),
	/* threads and signals */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity), SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(getrandom), SCMP_SYS(prlimit64), SCMP_SYS(exit),
	SCMP_SYS(exit_group),
};

/* The ioctl requests the daemons and Xen's libraries make. */
static const unsigned long ioctls[] = {
	IOCTL_GNTDEV_MAP_GRANT_REF, IOCTL_GNTDEV_UNMAP_GRANT_REF,
	IOCTL_GNTDEV_GET_OFFSET_FOR_VADDR, IOCTL_GNTDEV_SET_MAX_GRANTS,
	IOCTL_GNTDEV_SET_UNMAP_NOTIFY, IOCTL_GNTDEV_GRANT_COPY,
	IOCTL_EVTCHN_BIND_INTERDOMAIN, IOCTL_EVTCHN_UNBIND, IOCTL_EVTCHN_NOTIFY,
	IOCTL_EVTCHN_RESTRICT_DOMID,
	TUNSETIFF, TUNSETVNETHDRSZ, TUNSETOFFLOAD, SIOCSIFHWADDR,
	BLKGETSIZE64, BLKSSZGET, BLKPBSZGET, BLKDISCARD,
	TCGETS,			/* isatty(), from stdio */
};

/* The sockets socket() may open: the domain, and the type without flags. */
static const struct {
	int domain, type;
} sockets[] = {
	{ AF_UNIX, SOCK_STREAM },
	{ AF_INET, SOCK_STREAM }, { AF_INET6, SOCK_STREAM },
	{ AF_INET, SOCK_DGRAM }, { AF_INET6, SOCK_DGRAM },
};

/* SOCK_NONBLOCK and SOCK_CLOEXEC ride in the type's upper bits. */
#define SOCK_TYPE_MASK	0xf

static int add_socket_rules(scmp_filter_ctx ctx)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < ARRAY_LEN(sockets); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
				       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)sockets[i].domain),
				       SCMP_A1(SCMP_CMP_MASKED_EQ, SOCK_TYPE_MASK,
					       (scmp_datum_t)sockets[i].type));
	return err;
}

static int add_rules(scmp_filter_ctx ctx)
{
	size_t i;
	int err = add_socket_rules(ctx);

	for (i = 0; !err && i < ARRAY_LEN(allowed); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* the request is an unsigned int to the kernel: compare 32 bits */
	for (i = 0; !err && i < ARRAY_LEN(ioctls); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu,
					       ioctls[i] & 0xffffffffu));
	/* threads, never processes */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					       CLONE_THREAD));
	/* clone3's flags lie behind a pointer: ENOSYS sends glibc to clone */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return err;
}

/**
 * xpv_sandbox_enter() - lock this process, every thread of it, into the filter
 *
 * Needs no_new_privs (xpv_drop_privileges_keep() sets it) or CAP_SYS_ADMIN.
 *
 * Return: 0 or -errno; on failure nothing was loaded.
 */
int xpv_sandbox_enter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int err;

	if (!ctx)
		return -ENOMEM;
	err = add_rules(ctx);
	if (!err)	/* threads started before the filter get it too */
		err = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!err)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	return err;
}
