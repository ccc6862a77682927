// SPDX-License-Identifier: GPL-2.0
/* stackcount, kernel side: count the (user stack, kernel stack[, process]) of each probe hit. */
#include "common.bpf.h"
#include "stackcount.h"
#include "stackhash.bpf.h"
#include "probe_shell.h"

const volatile bool user_stacks = true;
const volatile bool kernel_stacks = true;
const volatile bool per_process = false;	/* -P: key by process */

/* Sized by user space for the run. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct stackcount_key);
	__type(value, __u64);
} counts SEC(".maps");

/*
 * A process whose user stack each stored stack came from: without -P stacks of several
 * processes share a key, yet their user frames still need some process's mappings.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);
} stack_pids SEC(".maps");

/* Processes already announced to user space (LRU: a full table must not announce forever). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} seen SEC(".maps");

static __always_inline int probe_hit(void *ctx, __u32 id, const enum probe_shell shell)
{
	struct stackcount_key key = {};
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u8 yes = 1;

	if (per_process) {
		key.pid = tgid;
		bpf_get_current_comm(key.comm, sizeof(key.comm));
	}
	key.user_err = user_stacks ? take_stack(ctx, BPF_F_USER_STACK, &key.user_stack) : -EFAULT_;
	key.kernel_err = kernel_stacks ? take_stack(ctx, 0, &key.kernel_stack) : -EFAULT_;

	if (tgid && !key.user_err) {
		bpf_map_update_elem(&stack_pids, &key.user_stack, &tgid, BPF_NOEXIST);
		if (!bpf_map_lookup_elem(&seen, &tgid) &&
		    !bpf_map_update_elem(&seen, &tgid, &yes, BPF_NOEXIST)) {
			struct stackcount_event e = { .pid = tgid };

			emit(&e, sizeof(e));
		}
	}

	count_key(&counts, &key);
	return 0;
}

#include "probe.bpf.h"
