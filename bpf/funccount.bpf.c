// SPDX-License-Identifier: GPL-2.0
/* funccount, kernel side: one counter per target, indexed by the probe's cookie. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "probe_shell.h"

char LICENSE[] SEC("license") = "GPL";

/* One slot per target; user space sets max_entries to the number of targets. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int probe_hit(void *ctx, __u32 id, const enum probe_shell shell)
{
	__u64 *n = bpf_map_lookup_elem(&counts, &id);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

#include "probe.bpf.h"
