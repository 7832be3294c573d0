// SPDX-License-Identifier: GPL-2.0-only
/*
 * A first user space for the early-boot lane (tests/early/run.sh): the
 * kernel's /init, static, no libc beyond what it links. It says hello on
 * /dev/kmsg and /dev/console, forks and execs itself 20 times, maps and
 * unmaps 1 MB 50 times, then powers off. Each line it prints is one
 * thing that works: user mode entry and exit, syscalls, page faults,
 * fork (pinned page tables), exec, munmap (page-table release).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

static int kmsg = -1;

static void say(const char *s)
{
	if (kmsg >= 0 && write(kmsg, s, strlen(s)) < 0)
		kmsg = -1;
}

int main(int argc, char **argv)
{
	char buf[128];
	int i, ok = 0;

	if (argc > 1) /* child mode */
		return 7;
	kmsg = open("/dev/kmsg", O_WRONLY);
	say("xpv-init: hello from user space\n");
	if (write(1, "xpv-init: hello on /dev/console\n", 32) != 32)
		say("xpv-init: no /dev/console\n");
	for (i = 0; i < 20; i++) {
		pid_t p = fork();
		int st;
		if (p == 0) {
			execl("/init", "/init", "child", NULL);
			_exit(1);
		}
		if (p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 7)
			ok++;
	}
	snprintf(buf, sizeof(buf), "xpv-init: %d/20 fork+exec ok\n", ok);
	say(buf);
	for (i = 0; i < 50; i++) {
		char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED) {
			say("xpv-init: mmap failed\n");
			break;
		}
		memset(m, i, 1 << 20);
		munmap(m, 1 << 20);
	}
	say("xpv-init: mmap loop done, powering off\n");
	reboot(RB_POWER_OFF);
	return 0;
}
