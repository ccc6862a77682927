/* SPDX-License-Identifier: GPL-2.0 */
/* Interactive flame graphs (self-contained SVG with inline JavaScript) written directly. */
#ifndef BPFBOX_FLAMEGRAPH_H
#define BPFBOX_FLAMEGRAPH_H

#include <stdint.h>
#include <stdio.h>

/* What a frame is, for its colour. */
enum fg_kind {
	FG_COMM,	/* the process name at the bottom of each stack */
	FG_USER,
	FG_KERNEL,
	FG_OTHER,	/* [unknown], missed stacks, delimiters */
};

struct flamegraph;

struct flamegraph_opts {
	const char *title;	/* e.g. "CPU profile" */
	const char *subtitle;	/* e.g. "49 Hz, all threads, 10 s" (may be NULL) */
	const char *unit;	/* "samples" */
	int width;		/* pixels, 0: 1200 */
};

struct flamegraph *flamegraph__new(void);
void flamegraph__free(struct flamegraph *fg);

/* Adds count to the path names[0] (root side) .. names[n - 1] (leaf). Returns 0 or -ENOMEM. */
int flamegraph__add(struct flamegraph *fg, const char *const *names, const uint8_t *kinds, int n,
		    uint64_t count);

/* Writes the SVG. Returns 0 or -errno (-EIO on a write error). */
int flamegraph__write(const struct flamegraph *fg, FILE *f, const struct flamegraph_opts *o);

#endif
