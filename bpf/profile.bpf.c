// SPDX-License-Identifier: GPL-2.0
/* profile, kernel side: on each perf sample, count the (process, user stack, kernel stack) key. */
#define FILTER_CONTAINERS	/* --cgroupmap, --mntnsmap */
#include "filter.bpf.h"
#include "profile.h"
#include "stackhash.bpf.h"

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

/* Process images already announced to user space, by tgid. LRU: a full table must not turn
 * every later sample into an announcement. */
struct image {
	__u64 start_ns;
	__u32 exec_id;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct image);
} seen SEC(".maps");

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct profile_key key = {};

	if (!include_idle && tid == 0)
		return 0;
	if (filter_kind == 1 && !bpf_map_lookup_elem(&ids, &tgid))
		return 0;
	if (filter_kind == 2 && !bpf_map_lookup_elem(&ids, &tid))
		return 0;
	if (!filter_container())
		return 0;

	key.pid = tgid;
	if (tgid) {
		struct task_struct *t = (void *)bpf_get_current_task();

		/* a thread that execs takes over its leader's start time (de_thread) */
		key.start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
		key.exec_id = (__u32)BPF_CORE_READ(t, self_exec_id);
	}
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	key.user_err = user_stacks ? take_stack(ctx, BPF_F_USER_STACK, &key.user_stack) : -EFAULT_;
	key.kernel_err = kernel_stacks ? take_stack(ctx, 0, &key.kernel_stack) : -EFAULT_;

	/*
	 * A user stack needs the mappings of a process image that may not live until the
	 * report: announce each new one (a new process under a reused pid, an exec).
	 */
	if (tgid && !key.user_err) {
		struct image img = { .start_ns = key.start_ns, .exec_id = key.exec_id };
		struct image *old = bpf_map_lookup_elem(&seen, &tgid);

		if (!old || old->start_ns != img.start_ns || old->exec_id != img.exec_id) {
			bpf_map_update_elem(&seen, &tgid, &img, BPF_ANY);
			struct profile_event e = { .start_ns = img.start_ns, .pid = tgid,
						   .exec_id = img.exec_id };

			emit(&e, sizeof(e));
		}
	}

	count_key(&counts, &key);
	return 0;
}
