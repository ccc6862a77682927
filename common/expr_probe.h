/* SPDX-License-Identifier: GPL-2.0 */
/* What trace and argdist share between a probe's kind and its expressions. */
#ifndef BPFBOX_EXPR_PROBE_H
#define BPFBOX_EXPR_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "expr.h"
#include "probe_resolve.h"
#include "tp_format.h"

/*
 * The environment of probe TYPE ('p', 'r', 't', 'u') on LIB ("" kernel) and FN (t: "cat:event"):
 * mechanism, user memory, return probe, and for tracepoints the record's fields (read into
 * fields, TP_FIELDS_MAX). 0, or -ENOENT (no such tracepoint) / -errno.
 */
int expr_probe__env(char type, const char *lib, const char *fn, struct expr_env *env,
		    struct expr_field *fields);

/* The probe engine's pattern naming exactly that function, tracepoint or USDT probe. */
/* words, lowered to the whole 8-byte words of the record of env's tracepoint (env from
 * expr_probe__env; other kinds leave words as it is): over all probes from UINT32_MAX, the
 * words the interpreter may read directly (bpf/exprvm.bpf.h, xvm_tp_words). */
uint32_t expr_probe__tp_words(const struct expr_env *env, uint32_t words);

/* ops with the op codes of p added, as bits: over all probes from 0, the ops the interpreter
 * keeps (bpf/exprvm.bpf.h, xvm_ops; the verifier skips the others' code). */
uint64_t expr_probe__ops(const struct expr_prog *p, uint64_t ops);

void expr_probe__pattern(char type, const char *lib, const char *fn, char *buf, size_t size);

/* True for an architecture's syscall wrapper (__x64_sys_read): its arguments are in the
 * pt_regs it is passed, not in its own registers. */
bool expr_probe__syscall_wrapper(const char *name);

/* pr's syscall: whether target i of set is a syscall wrapper (its arguments in a pt_regs). */
void expr_probe__shell(struct xvm_probe *pr, const struct probe_set *set, size_t i);

/* After load, into the expression VM's maps (bpf/exprvm.h): p's ops from slot base of
 * code_fd, and probe id's STRCMP literals (x) into lits_fd. 0 or -errno. */
int expr_probe__fill_code(int code_fd, uint32_t base, const struct expr_prog *p);
int expr_probe__fill_lits(int lits_fd, uint32_t id, const struct expr_set *x);

/*
 * Whether APPLET's expression VM steps with bpf_loop (5.17+) or with the bounded loop of older
 * kernels. BPFBOX_XVM_LOOP=bounded in the environment forces the bounded loop, so that the
 * fallback runs (and is tested) on any kernel; *why (may be NULL) gets the reason, for -v.
 */
bool expr_probe__bpf_loop(const char *applet, const char **why);

#endif
