// SPDX-License-Identifier: GPL-2.0
/* funccount, kernel side: one counter per target, indexed by the probe's id. */
/* pt_regs is the kernel's ABI: no CO-RE, so no kernel BTF to load (see common.bpf.h) */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "probe_shell.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Per-CPU counters where they fit user space's memory budget (no locked add, no cache line
 * passed between CPUs on every hit; user space sums them at each report), else one shared
 * slot per target. User space sizes the one in use to the number of targets, the other to 1.
 */
const volatile bool counts_percpu = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pcounts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int probe_hit(void *ctx, __u32 id, const enum probe_shell shell)
{
	__u64 *n;

	if (counts_percpu) {
		n = bpf_map_lookup_elem(&pcounts, &id);
		if (n)
			*n += 1;
	} else {
		n = bpf_map_lookup_elem(&counts, &id);
		if (n)
			__sync_fetch_and_add(n, 1);
	}
	return 0;
}

#include "probe.bpf.h"
