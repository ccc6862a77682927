// SPDX-License-Identifier: GPL-2.0
/* stackcount, kernel side: count the (user stack, kernel stack[, process]) of each probe hit. */
#include "common.bpf.h"
#include "stackcount.h"
#include "stackhash.bpf.h"
#include "probe_shell.h"
#include "image.bpf.h"

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
 * The process image each stored user stack came from: without -P stacks of several processes
 * share a key, yet their user frames still need some image's mappings.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct image_id);
} stack_images SEC(".maps");

static __always_inline int probe_hit(void *ctx, __u32 id, const enum probe_shell shell)
{
	struct stackcount_key key = {};
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (per_process) {
		key.pid = tgid;
		bpf_get_current_comm(key.comm, sizeof(key.comm));
	}
	key.user_err = user_stacks ? take_stack(ctx, BPF_F_USER_STACK, &key.user_stack) : -EFAULT_;
	key.kernel_err = kernel_stacks ? take_stack(ctx, 0, &key.kernel_stack) : -EFAULT_;

	if (tgid && !key.user_err) {
		struct image_id img;

		image_current(&img);
		bpf_map_update_elem(&stack_images, &key.user_stack, &img, BPF_NOEXIST);
		image_announce(&img);
	}

	count_key(&counts, &key);
	return 0;
}

/* every target's hits count alike, by stack: no id needed */
#define PROBE_NO_ID
#include "probe.bpf.h"
