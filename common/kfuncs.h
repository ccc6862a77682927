/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Traceable kernel functions (spec §2.3): available_filter_functions, less the kprobe
 * blacklist, "*.cold" parts and the prefixes BCC leaves out (_kbl_addr_, __perf, perf_,
 * __SCT__). Each name once, in file order.
 */
#ifndef BPFBOX_KFUNCS_H
#define BPFBOX_KFUNCS_H

#include <stddef.h>
#include <stdio.h>

struct probe_spec;

/*
 * Calls fn(name, ctx) for every candidate that spec matches; a non-zero return stops the walk
 * and is returned. avail: available_filter_functions ("name" or "name [module]" lines);
 * blacklist: the kprobes blacklist ("0xSTART-0xEND\tname" lines) or NULL. Returns 0, -errno.
 */
int kfuncs__match_files(FILE *avail, FILE *blacklist, const struct probe_spec *spec,
			int (*fn)(const char *name, void *ctx), void *ctx);
/* Same on this kernel's files (tracefs, debugfs). */
int kfuncs__match(const struct probe_spec *spec, int (*fn)(const char *name, void *ctx),
		  void *ctx);

#endif
