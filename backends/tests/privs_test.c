// SPDX-License-Identifier: GPL-2.0-only
/*
 * xpv_drop_privileges() in a child process: afterwards only the
 * capabilities for opening files are left, in every set, and opening a
 * file only root may read still works.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <xpvback/backend.h>

static int effective(struct __user_cap_data_struct *d)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &hdr, d);
}

/* Exit status: 0 when every check held, else the number of the check. */
static int child(const char *secret)
{
	struct __user_cap_data_struct d[2];
	int fd;

	if (xpv_drop_privileges())
		return 1;
	if (effective(d) || d[0].effective != ((1u << CAP_DAC_OVERRIDE) |
					       (1u << CAP_DAC_READ_SEARCH)))
		return 2;
	if (d[0].permitted != d[0].effective || d[0].inheritable || d[1].effective)
		return 3;
	if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0 ||
	    prctl(PR_CAPBSET_READ, CAP_SYS_MODULE, 0, 0, 0) != 0)
		return 4;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 5;
	fd = open(secret, O_RDWR);
	if (fd < 0)
		return 6;
	close(fd);
	return 0;
}

static void test_drop_privileges(void **state)
{
	char secret[] = "/tmp/xpv-privs-XXXXXX";
	int fd, status;
	pid_t pid;

	(void)state;
	if (geteuid() != 0 || prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 1)
		skip();			/* nothing to drop */
	fd = mkstemp(secret);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0), 0);	/* only DAC override opens it */
	close(fd);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child(secret));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	unlink(secret);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_privileges),
	};

	return cmocka_run_group_tests_name("xpv_backend_privs", tests, NULL, NULL);
}
