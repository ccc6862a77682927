/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic probe shells of funccount and stackcount: one program per attach mechanism,
 * each attached to every target of its kind and telling the targets apart by the BPF cookie
 * (a target's index in user space's probe set). The includer has vmlinux.h, the helpers and
 * its license, and defines `static __always_inline int probe_hit(void *ctx, __u32 id)`
 * before including this.
 */
#ifndef BPFBOX_PROBE_BPF_H
#define BPFBOX_PROBE_BPF_H

#include <bpf/usdt.bpf.h>

/* -p (process id, tgid) and -c (cpu), checked first: -1 = off */
const volatile __s64 probe_pid = -1;
const volatile __s32 probe_cpu = -1;

static __always_inline int probe_enter(void *ctx, __u64 cookie)
{
	if (probe_pid >= 0 && (bpf_get_current_pid_tgid() >> 32) != probe_pid)
		return 0;
	if (probe_cpu >= 0 && bpf_get_smp_processor_id() != (__u32)probe_cpu)
		return 0;
	return probe_hit(ctx, (__u32)cookie);
}

SEC("tracepoint")
int probe_tp(void *ctx)
{
	return probe_enter(ctx, bpf_get_attach_cookie(ctx));
}

SEC("kprobe")
int probe_kprobe(struct pt_regs *ctx)
{
	return probe_enter(ctx, bpf_get_attach_cookie(ctx));
}

SEC("kprobe.multi")
int probe_kprobe_multi(struct pt_regs *ctx)
{
	return probe_enter(ctx, bpf_get_attach_cookie(ctx));
}

SEC("uprobe")
int probe_uprobe(struct pt_regs *ctx)
{
	return probe_enter(ctx, bpf_get_attach_cookie(ctx));
}

SEC("uprobe.multi")
int probe_uprobe_multi(struct pt_regs *ctx)
{
	return probe_enter(ctx, bpf_get_attach_cookie(ctx));
}

/* libbpf's USDT support keeps the BPF cookie for itself: ours comes through its spec table */
SEC("usdt")
int probe_usdt(struct pt_regs *ctx)
{
	return probe_enter(ctx, bpf_usdt_cookie(ctx));
}

#endif
