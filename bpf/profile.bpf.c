// SPDX-License-Identifier: GPL-2.0
/* profile, kernel side: on each perf sample, count the (process, user stack, kernel stack) key. */
#include "common.bpf.h"
#include "profile.h"
#include "stackhash.bpf.h"

const volatile bool user_stacks = true;
const volatile bool kernel_stacks = true;
const volatile bool include_idle = false;
const volatile __u32 filter_kind = 0;	/* 0 all, 1 -p (tgid in ids), 2 -L (tid in ids) */
const volatile bool filter_cgroup = false;	/* --cgroupmap */
const volatile bool filter_mntns = false;	/* --mntnsmap */

/* -p/-L ids; filled by user space after load */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROFILE_MAX_IDS);
	__type(key, __u32);
	__type(value, __u8);
} ids SEC(".maps");

/* --cgroupmap / --mntnsmap: user space swaps in the pinned maps (BCC's layout: hash, u64 keys:
 * cgroup ids or mount namespace inode numbers) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} cgroupset SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u64);
} mntnsset SEC(".maps");

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

__u64 hash_full = 0;		/* samples dropped: counts was full */

SEC("perf_event")
int do_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), *val, one = 1;
	__u32 tgid = id >> 32, tid = (__u32)id;
	struct profile_key key = {};

	if (!include_idle && tid == 0)
		return 0;
	if (filter_kind == 1 && !bpf_map_lookup_elem(&ids, &tgid))
		return 0;
	if (filter_kind == 2 && !bpf_map_lookup_elem(&ids, &tid))
		return 0;
	if (filter_cgroup) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroupset, &cg))
			return 0;
	}
	if (filter_mntns) {
		struct task_struct *t = (void *)bpf_get_current_task();
		__u64 ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);

		if (!bpf_map_lookup_elem(&mntnsset, &ns))
			return 0;
	}

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

	val = bpf_map_lookup_elem(&counts, &key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return 0;
	}
	if (!bpf_map_update_elem(&counts, &key, &one, BPF_NOEXIST))
		return 0;
	/* another CPU may have added the key in between */
	val = bpf_map_lookup_elem(&counts, &key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		__sync_fetch_and_add(&hash_full, 1);
	return 0;
}
