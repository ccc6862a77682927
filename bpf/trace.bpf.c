// SPDX-License-Identifier: GPL-2.0
/* trace, kernel side: the probe engine's shells around the expression VM. */
#include "common.bpf.h"
#include <bpf/usdt.bpf.h>
#include "exprvm.bpf.h"
#include "image.bpf.h"

/* -L (thread id), --uid, and trace's own process (left out unless -S): -1 = off */
const volatile __s64 trace_tid = -1;
const volatile __s64 trace_uid = -1;
const volatile __s64 trace_self = -1;
const volatile bool trace_cgroup = false;	/* -c: only tasks under cgroup_map[0] */
const volatile bool trace_user_syms = false;	/* -U or %U: events need their image's mappings */

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1024);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

static __always_inline int trace_hit(void *ctx, __u32 id, const enum probe_shell shell,
					  const bool loop)
{
	struct xvm_probe *pr;
	struct xvm_state *st;
	__u32 zero = 0;
	__u64 pt;

	if (trace_tid >= 0 && (__u32)bpf_get_current_pid_tgid() != trace_tid)
		return 0;
	if (trace_uid >= 0 && (__u32)bpf_get_current_uid_gid() != trace_uid)
		return 0;
	if (trace_cgroup && bpf_current_task_under_cgroup(&cgroup_map, 0) != 1)
		return 0;
	pr = bpf_map_lookup_elem(&xvm_probes, &id);
	st = bpf_map_lookup_elem(&xvm_state, &zero);
	if (!pr || !st)
		return 0;
	xvm_capture(st, pr, ctx, shell);
	if (!xvm_run(st, pr, id, ctx, shell, loop))
		return 0;
	/* trace's own events go after the filter: a helper call less for each dropped event */
	pt = bpf_get_current_pid_tgid();
	if (trace_self >= 0 && (pt >> 32) == trace_self)
		return 0;
	st->ev.ts = bpf_ktime_get_ns();
	st->ev.tgid = pt >> 32;
	st->ev.pid = (__u32)pt;
	st->ev.cpu = bpf_get_smp_processor_id();
	st->ev.probe = id;
	bpf_get_current_comm(st->ev.comm, sizeof(st->ev.comm));
	st->ev.kstack = pr->stack & XVM_STACK_K ? bpf_get_stackid(ctx, &stacks, 0) : -1;
	st->ev.ustack = pr->stack & XVM_STACK_U ?
			bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK) : -1;
	if (trace_user_syms) {
		struct image_id img;

		/* ahead of the event: its process may have exited by the time it is printed */
		image_current(&img);
		image_announce(&img);
	}
	emit(&st->ev, pr->nstr ? sizeof(st->ev) : XVM_EVENT_NOSTR);
	return 0;
}

static __always_inline int probe_hit(void *ctx, __u32 id, const enum probe_shell shell)
{
	return trace_hit(ctx, id, shell, true);
}

static __always_inline int probe_hit_steps(void *ctx, __u32 id, const enum probe_shell shell)
{
	return trace_hit(ctx, id, shell, false);
}

#define PROBE_HIT_STEPS
#include "probe.bpf.h"
