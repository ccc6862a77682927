// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline for the funccount benchmark, kernel side: the least a counter of one user function
 * or one tracepoint does (one array slot, one atomic add; no cookie, no pid or cpu check).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} count SEC(".maps");

static __always_inline int hit(void)
{
	__u32 k = 0;
	__u64 *n = bpf_map_lookup_elem(&count, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

SEC("uprobe")
int count_uprobe(void *ctx)
{
	return hit();
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int count_tp(void *ctx)
{
	return hit();
}
