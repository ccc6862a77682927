/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic probe shells of funccount, stackcount, trace and argdist: one program per attach
 * mechanism, each attached to every target of its kind and telling the targets apart by the
 * BPF cookie (a target's index in user space's probe set). Where that cannot be (no cookies
 * before 5.15; fentry, whose target is fixed at load) user space loads one copy of the object
 * per target with the index in probe_one_id (common/probe_attach.c); a run of one target sets
 * it too, sparing the cookie helper on every hit. The includer has
 * vmlinux.h, the helpers and its license, and defines
 * `static __always_inline int probe_hit(void *ctx, __u32 id, const enum probe_shell shell)`
 * (probe_shell.h) before including this (and probe_hit_steps with PROBE_HIT_STEPS defined,
 * see below); one whose hit ignores the id defines PROBE_NO_ID, and no hit reads a cookie.
 */
#ifndef BPFBOX_PROBE_BPF_H
#define BPFBOX_PROBE_BPF_H

#include <bpf/usdt.bpf.h>
#include "probe_shell.h"

/* -p (process id, tgid) and -c (cpu), checked first: -1 = off (the verifier drops the check) */
const volatile __s64 probe_pid = -1;
const volatile __s32 probe_cpu = -1;
/* An object that serves one target (a copy, or a run with one target): its id comes from here,
 * and the cookie helper, which a kernel without cookies refuses, is on no path the verifier
 * walks. */
const volatile bool probe_one = false;
const volatile __u32 probe_one_id = 0;

static __always_inline bool probe_wanted(void)
{
	if (probe_pid >= 0 && (bpf_get_current_pid_tgid() >> 32) != probe_pid)
		return false;
	return probe_cpu < 0 || bpf_get_smp_processor_id() == (__u32)probe_cpu;
}

#ifdef PROBE_NO_ID
#define probe_id(ctx) 0u
#define probe_usdt_id(ctx) 0u
#else
static __always_inline __u32 probe_id(void *ctx)
{
	return probe_one ? probe_one_id : (__u32)bpf_get_attach_cookie(ctx);
}

static __always_inline __u32 probe_usdt_id(struct pt_regs *ctx)
{
	return probe_one ? probe_one_id : (__u32)bpf_usdt_cookie(ctx);
}
#endif

/*
 * The shells around hit, named probe_tp##sfx ... probe_usdt##sfx. fentry is for copies only
 * (its target is fixed at load; fexit too, by the expected attach type). libbpf's USDT support
 * keeps the BPF cookie for itself: ours comes through its spec table (without cookies libbpf
 * finds the spec by instruction address: no copies needed).
 */
#define PROBE_SHELL(sec, name, ctx_t, id, shell, hit)				\
	SEC(sec) int name(ctx_t ctx) { return probe_wanted() ? hit(ctx, id, shell) : 0; }
#define PROBE_SHELLS(sfx, hit)							\
	PROBE_SHELL("tracepoint", probe_tp##sfx, void *, probe_id(ctx), PROBE_SHELL_TP, hit) \
	PROBE_SHELL("kprobe", probe_kprobe##sfx, struct pt_regs *, probe_id(ctx),	\
		    PROBE_SHELL_REGS, hit)						\
	PROBE_SHELL("kprobe.multi", probe_kprobe_multi##sfx, struct pt_regs *,	\
		    probe_id(ctx), PROBE_SHELL_REGS, hit)				\
	PROBE_SHELL("uprobe", probe_uprobe##sfx, struct pt_regs *, probe_id(ctx),	\
		    PROBE_SHELL_REGS, hit)						\
	PROBE_SHELL("uprobe.multi", probe_uprobe_multi##sfx, struct pt_regs *,	\
		    probe_id(ctx), PROBE_SHELL_REGS, hit)				\
	PROBE_SHELL("fentry", probe_fentry##sfx, void *, probe_one_id,		\
		    PROBE_SHELL_FENTRY, hit)						\
	PROBE_SHELL("usdt", probe_usdt##sfx, struct pt_regs *,			\
		    probe_usdt_id(ctx), PROBE_SHELL_USDT, hit)

PROBE_SHELLS(, probe_hit)
#ifdef PROBE_HIT_STEPS
/*
 * The same around probe_hit_steps, the expression VM without bpf_loop: a program that so much
 * as names bpf_loop's callback does not load before 5.13 (its func_info counts the callback,
 * which the kernel does not take for a subprogram), so kernels without bpf_loop get these.
 */
PROBE_SHELLS(_steps, probe_hit_steps)
#endif

#endif
