// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline for the opensnoop benchmark, kernel side: the least an openat tracer with results
 * does (path pointer kept at entry, one fixed-size record at exit, no wake-up per record).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "minopen.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} paths SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 p = ctx->args[1];

	bpf_map_update_elem(&paths, &tid, &p, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct minopen_event *e;
	__u64 *p = bpf_map_lookup_elem(&paths, &tid);

	if (!p)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		e->pid = bpf_get_current_pid_tgid() >> 32;
		e->ret = ctx->ret;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		bpf_probe_read_user_str(e->path, sizeof(e->path), (void *)*p);
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	}
	bpf_map_delete_elem(&paths, &tid);
	return 0;
}
