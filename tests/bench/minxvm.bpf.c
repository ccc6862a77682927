// SPDX-License-Identifier: GPL-2.0
/*
 * What trace's compare-and-filter and argdist's histogram do for close(2), written by hand:
 * the in-kernel cost per event the expression VM is measured against.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "minxvm.h"

char LICENSE[] SEC("license") = "GPL";

const volatile __s32 want_fd = -1;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u64);
} hist SEC(".maps");

/* trace 't:syscalls:sys_enter_close (args->fd == FD) "%d", args->fd' */
SEC("tracepoint/syscalls/sys_enter_close")
int filter(struct trace_event_raw_sys_enter *ctx)
{
	struct minxvm_event *e;

	if ((__s32)ctx->args[0] != want_fd)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->fd = (__s32)ctx->args[0];
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* argdist -H 't:syscalls:sys_enter_close():int:args->fd': BCC's log2 slots */
SEC("tracepoint/syscalls/sys_enter_close")
int histogram(struct trace_event_raw_sys_enter *ctx)
{
	__u64 v = (__u32)ctx->args[0], slot = 0, one = 1, *n;

	for (int i = 32; i > 0; i >>= 1)
		if (v >> i) {
			v >>= i;
			slot += i;
		}
	slot += 1;
	n = bpf_map_lookup_elem(&hist, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&hist, &slot, &one, BPF_NOEXIST);
	return 0;
}
