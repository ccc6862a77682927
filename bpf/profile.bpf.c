// SPDX-License-Identifier: GPL-2.0
/* profile, kernel side: on each perf sample, count the (process, user stack, kernel stack) key. */
#define FILTER_CONTAINERS	/* --cgroupmap, --mntnsmap */
#include "filter.bpf.h"
#include "profile.h"
#include "stackhash.bpf.h"
#include "image.bpf.h"

const volatile bool user_stacks = true;
const volatile bool kernel_stacks = true;
const volatile bool include_idle = false;
const volatile __u32 filter_kind = 0;	/* 0 all, 1 -p (tgid in ids), 2 -L (tid in ids) */

/* -p/-L ids; filled by user space after load */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROFILE_MAX_IDS);
	__type(key, __u32);
	__type(value, __u8);
} ids SEC(".maps");

/* Sizes come from --hash-storage-size, --stack-storage-size, --perf-max-stack-depth. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 40960);
	__type(key, struct profile_key);
	__type(value, __u64);
} counts SEC(".maps");

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct profile_key key = {};
	struct image_id img;

	if (!include_idle && tid == 0)
		return 0;
	if (filter_kind == 1 && !bpf_map_lookup_elem(&ids, &tgid))
		return 0;
	if (filter_kind == 2 && !bpf_map_lookup_elem(&ids, &tid))
		return 0;
	if (!filter_container())
		return 0;

	image_current(&img);
	key.pid = img.pid;
	key.start_ns = img.start_ns;
	key.exec_id = img.exec_id;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.user_err = user_stacks ? take_stack(ctx, BPF_F_USER_STACK, &key.user_stack) : -EFAULT_;
	key.kernel_err = kernel_stacks ? take_stack(ctx, 0, &key.kernel_stack) : -EFAULT_;

	/* a user stack needs the mappings of an image that may not live until the report */
	if (!key.user_err)
		image_announce(&img);

	count_key(&counts, &key);
	return 0;
}
