/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A parsed pattern turned into the targets it names on this machine: kernel functions,
 * tracepoints, functions of one binary (with the file offsets uprobes need), or USDT probes.
 * A target's index in the set is the BPF cookie that tells it apart at run time.
 */
#ifndef BPFBOX_PROBE_RESOLVE_H
#define BPFBOX_PROBE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe_spec.h"

#define PROBE_TARGETS_MAX (1u << 20)	/* a hard cap on resolution, far above any probe limit */

struct probe_target {
	char *name;		/* function, "cat:event" or USDT probe name: what is printed */
	char *provider;		/* USDT provider, else NULL */
	uint64_t offset;	/* user function: file offset of its entry */
	/* a GNU IFUNC whose implementation is unknown: offset is its resolver's (listed by
	 * -l, never to be attached: see probe_set__drop_unresolved) */
	bool ifunc_unresolved;
	/* x86: its first instruction is AVX-512 (EVEX-encoded): listed, never attached */
	bool evex;
};

struct probe_set {
	enum probe_kind kind;
	char path[4096];	/* user functions and USDT: the binary the targets live in */
	struct probe_target *t;
	size_t n, cap;
	/* hooks for trace (set by the caller after resolving): target i's cookie is
	 * cookie_base + i, and retprobe attaches kernel and user functions at their return */
	uint64_t cookie_base;
	bool retprobe;
	/* targets that are GNU IFUNCs whose implementation is unknown: no process (-p, else one
	 * of root's) maps the binary, or the binary has no IRELATIVE slot for them */
	size_t ifunc_unresolved;
	/*
	 * x86 functions whose first instruction is EVEX-encoded (AVX-512): the kernel steps a
	 * probed instruction out of line, and here (6.18) an EVEX one then writes nothing,
	 * so the traced program silently computes wrong results (glibc's *_evex string
	 * functions: every process using them misbehaved). Never probed.
	 */
	size_t evex;
};

/*
 * Resolves s for process pid (0: every process). Returns 0 (n may be 0: nothing matched), or
 * -ENOENT when the library or program is not found, -ENOEXEC when it is not ELF, another
 * -errno. Free with probe_set__free() in every case.
 */
int probe_resolve(const struct probe_spec *s, int pid, struct probe_set *out);
void probe_set__free(struct probe_set *set);
/* Removes the unresolved IFUNC targets (before attaching: probing a resolver counts loads of
 * the binary, not calls). Targets keep their order. */
void probe_set__drop_unresolved(struct probe_set *set);

#endif
