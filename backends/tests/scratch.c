// SPDX-License-Identifier: GPL-2.0-only
/* The image tests' scratch directory; see scratch.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "scratch.h"

char scratch_dir[64];

void scratch_make(void)
{
	snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/xpv-scratch-XXXXXX");
	if (!mkdtemp(scratch_dir))
		abort();
}

void scratch_remove(void)
{
	if (sh("cd / && rm -rf %s", scratch_dir))
		abort();
}

int sh(const char *fmt, ...)
{
	char cmd[1024];
	int n, st;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd %s && ", scratch_dir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *at(const char *name)
{
	static char path[4][128];
	static unsigned int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", scratch_dir, name);
	return path[i];
}
