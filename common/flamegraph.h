/* SPDX-License-Identifier: GPL-2.0 */
/* Interactive flame graphs (self-contained SVG with inline JavaScript) written directly. */
#ifndef BPFBOX_FLAMEGRAPH_H
#define BPFBOX_FLAMEGRAPH_H

#include <stdbool.h>
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

/*
 * --svg FILE: the graph goes to a temporary file beside FILE, created at the start so that a
 * bad path fails before a long run, and renamed over FILE only once complete, so that an
 * interrupted or failed run never leaves a half-written graph (or the temporary file).
 */
struct flamegraph_file {
	FILE *f;		/* write the graph here */
	const char *path;
	char tmp[4096];
};

/* A name that cannot become a file (empty, ending in '/', an existing directory): -EISDIR. */
int flamegraph_file__check(const char *path);
/* Creates the temporary file (mode 0666 less the umask). Returns 0 or -errno. */
int flamegraph_file__open(struct flamegraph_file *ff, const char *path);
/* Closes it and, when keep, renames it over the path; else (or on an error) removes it.
 * Returns 0 or the -errno of the failed close or rename. */
int flamegraph_file__close(struct flamegraph_file *ff, bool keep);

#endif
