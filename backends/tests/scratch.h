/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A scratch directory for the tests that work on image files (qcow2,
 * snapshots), with qemu-img and friends run in it through the shell.
 */
#ifndef SCRATCH_H
#define SCRATCH_H

extern char scratch_dir[64];

void scratch_make(void);	/* a fresh /tmp/xpv-scratch-XXXXXX */
void scratch_remove(void);
/* Run a shell command in the directory; its exit status (-1: no exit). */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The path of @name in the directory (one of four static buffers). */
const char *at(const char *name);

#endif /* SCRATCH_H */
