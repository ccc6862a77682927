/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic probe shells of funccount, stackcount, trace and argdist: one program per attach
 * mechanism, each attached to every target of its kind and telling the targets apart by the
 * BPF cookie (a target's index in user space's probe set). Where that cannot be (no cookies
 * before 5.15; fentry, whose target is fixed at load) user space loads one copy of the object
 * per target with the index in probe_copy_id (common/probe_attach.c). The includer has
 * vmlinux.h, the helpers and its license, and defines
 * `static __always_inline int probe_hit(void *ctx, __u32 id)` before including this.
 */
#ifndef BPFBOX_PROBE_BPF_H
#define BPFBOX_PROBE_BPF_H

#include <bpf/usdt.bpf.h>

/* -p (process id, tgid) and -c (cpu), checked first: -1 = off */
const volatile __s64 probe_pid = -1;
const volatile __s32 probe_cpu = -1;
/* A copy for one target: its id comes from here, and the cookie helper, which a kernel without
 * cookies refuses, is on no path the verifier walks. */
const volatile bool probe_copy = false;
const volatile __u32 probe_copy_id = 0;

static __always_inline int probe_enter(void *ctx, __u64 cookie)
{
	if (probe_pid >= 0 && (bpf_get_current_pid_tgid() >> 32) != probe_pid)
		return 0;
	if (probe_cpu >= 0 && bpf_get_smp_processor_id() != (__u32)probe_cpu)
		return 0;
	return probe_hit(ctx, (__u32)cookie);
}

static __always_inline __u64 probe_id(void *ctx)
{
	return probe_copy ? probe_copy_id : bpf_get_attach_cookie(ctx);
}

SEC("tracepoint")
int probe_tp(void *ctx)
{
	return probe_enter(ctx, probe_id(ctx));
}

SEC("kprobe")
int probe_kprobe(struct pt_regs *ctx)
{
	return probe_enter(ctx, probe_id(ctx));
}

SEC("kprobe.multi")
int probe_kprobe_multi(struct pt_regs *ctx)
{
	return probe_enter(ctx, probe_id(ctx));
}

SEC("uprobe")
int probe_uprobe(struct pt_regs *ctx)
{
	return probe_enter(ctx, probe_id(ctx));
}

SEC("uprobe.multi")
int probe_uprobe_multi(struct pt_regs *ctx)
{
	return probe_enter(ctx, probe_id(ctx));
}

/* copies only (the target is fixed at load); fexit too, by its expected attach type */
SEC("fentry")
int probe_fentry(void *ctx)
{
	return probe_enter(ctx, probe_copy_id);
}

/*
 * libbpf's USDT support keeps the BPF cookie for itself: ours comes through its spec table
 * (without cookies libbpf finds the spec by instruction address: no copies needed)
 */
SEC("usdt")
int probe_usdt(struct pt_regs *ctx)
{
	return probe_enter(ctx, bpf_usdt_cookie(ctx));
}

#endif
