/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The funccount/stackcount pattern (spec §2.3): which kind of probe, which binary, and a
 * compiled name matcher. Grammar only, no I/O, so that it can be unit-tested and fuzzed.
 */
#ifndef BPFBOX_PROBE_SPEC_H
#define BPFBOX_PROBE_SPEC_H

#include <regex.h>
#include <stdbool.h>

#define PROBE_SPEC_MAX 4096	/* longest pattern accepted */

enum probe_kind {
	PROBE_KFUNC,	/* kernel function: "vfs_*", "p::name" */
	PROBE_UFUNC,	/* user function: "c:malloc", "p:/bin/bash:readline" */
	PROBE_TP,	/* tracepoint: "t:cat:event", matched as "cat:event" */
	PROBE_USDT,	/* USDT probe: "u:lib:probe" */
};

struct probe_spec {
	enum probe_kind kind;
	char target[PROBE_SPEC_MAX];	/* library, program or path (user and USDT kinds) */
	char pattern[PROBE_SPEC_MAX];	/* the name part as written (tracepoints: "cat:event") */
	bool regex;			/* -r: pattern is a regular expression */
	regex_t re;			/* compiled matcher (POSIX extended) */
	bool compiled;
};

/* Where a pattern went wrong: byte offset into the text (for a caret) and what is wrong. */
struct probe_spec_err {
	int pos;
	char msg[160];
};

/*
 * Parses text (spec §2.3). Glob mode (regex false): '*' means any run of characters and the
 * whole name must match; the other regex characters keep their meaning, as in BCC. Regex mode:
 * kernel function names must match whole, other names by prefix (BCC's re.match). Returns 0,
 * or -EINVAL with *err filled. Free with probe_spec__free() after success.
 */
int probe_spec__parse(const char *text, bool regex, struct probe_spec *s,
		      struct probe_spec_err *err);
void probe_spec__free(struct probe_spec *s);

/*
 * True when name (a function, "cat:event" or USDT probe name) matches. For kernel functions
 * an architecture syscall wrapper and the syscall's body also match under the plain name, so
 * "sys_read" (and "sys_*") finds __x64_sys_read on x86, __arm64_sys_read on arm64, and
 * __do_sys_read where the kernel has it apart.
 */
bool probe_spec__match(const struct probe_spec *s, const char *name);

/* The prefix of this architecture's syscall wrappers ("__x64_", "__arm64_"). */
const char *probe_spec__syscall_prefix(void);

#endif
