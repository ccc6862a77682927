// SPDX-License-Identifier: GPL-2.0
/* argdist, kernel side: the expression VM's values become a key whose count is kept. */
#include "common.bpf.h"
#include <bpf/usdt.bpf.h>
#include "exprvm.bpf.h"
#include "argdist.h"

const volatile __s64 agg_tid = -1;	/* -t */
/* counts' key, sized by user space to what the specifiers need, reaches str */
const volatile bool agg_key_str = false;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct agg_probe);
} agg_probes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct agg_key);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct agg_key);
} agg_scratch SEC(".maps");

/* BCC's log2 slot: 1 + floor(log2 v), and 1 for 0 */
static __always_inline __u64 log2_slot(__u64 v)
{
	__u64 r = 0;

	for (int i = 32; i > 0; i >>= 1)
		if (v >> i) {
			v >>= i;
			r += i;
		}
	return r + 1;
}

static __always_inline int argdist_hit(void *ctx, __u32 id, const enum probe_shell shell,
					  const bool loop)
{
	__u64 pt, one = 1, *n;
	struct agg_probe *ap;
	struct xvm_probe *pr;
	struct xvm_state *st;
	struct agg_key *k;
	__u32 zero = 0;

	if (agg_tid >= 0 && (__u32)bpf_get_current_pid_tgid() != agg_tid)
		return 0;
	pr = bpf_map_lookup_elem(&xvm_probes, &id);
	ap = bpf_map_lookup_elem(&agg_probes, &id);
	st = bpf_map_lookup_elem(&xvm_state, &zero);
	k = bpf_map_lookup_elem(&agg_scratch, &zero);
	if (!pr || !ap || !st || !k)
		return 0;
	xvm_capture(st, pr, ctx, shell);
	/* the thread id only for $latency and $entry's saves: a helper call costs ~20 ns */
	pt = ap->entry ? bpf_get_current_pid_tgid() : 0;
	if (ap->entry == 1) {
		struct xvm_entry en = { .ts = bpf_ktime_get_ns() };

		for (int i = 0; i < 6; i++)
			en.args[i] = st->args[i];
		bpf_map_update_elem(&xvm_entries, &pt, &en, BPF_ANY);
		return 0;
	}
	if (!xvm_run(st, pr, id, ctx, shell, loop)) {
		if (ap->entry == 2)
			bpf_map_delete_elem(&xvm_entries, &pt);
		return 0;
	}
	if (ap->entry == 2)
		bpf_map_delete_elem(&xvm_entries, &pt);
	/* the key's bytes up to its size: no more written, none left from an earlier key */
	k->probe = ap->spec;
	k->pad = 0;
	if (ap->hist) {
		k->val[0] = log2_slot(st->ev.val[0]);
		for (int i = 1; i < AGG_VALS; i++)
			k->val[i] = 0;
	} else {
		for (int i = 0; i < AGG_VALS; i++)
			k->val[i] = i < ap->nvals ? st->ev.val[i] : 0;
	}
	if (agg_key_str)
		__builtin_memset(k->str, 0, sizeof(k->str));
	if (!ap->hist && ap->str_slot >= 0) {
		k->val[ap->str_slot & (AGG_VALS - 1)] = 0;
		bpf_probe_read_kernel_str(k->str, AGG_STR,
					  st->ev.str[ap->str_slot & (XVM_VALS - 1)]);
	}
	n = bpf_map_lookup_elem(&counts, k);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counts, k, &one, BPF_NOEXIST);
	return 0;
}

static __always_inline int probe_hit(void *ctx, __u32 id, const enum probe_shell shell)
{
	return argdist_hit(ctx, id, shell, true);
}

static __always_inline int probe_hit_steps(void *ctx, __u32 id, const enum probe_shell shell)
{
	return argdist_hit(ctx, id, shell, false);
}

#define PROBE_HIT_STEPS
#include "probe.bpf.h"
