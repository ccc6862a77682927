/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The task filters applets share (pid, tid, uid, comm substring), checked in the kernel so that
 * filtered events never reach the ring buffer. Every knob is rodata set before load: -1 (or an
 * empty comm) means "off", so 0 is a real value (-p 0, -u 0 are honoured), and the verifier
 * drops the checks that are off.
 */
#ifndef BPFBOX_FILTER_BPF_H
#define BPFBOX_FILTER_BPF_H

#include "common.bpf.h"

#define FILTER_COMM_LEN 16

const volatile __s64 filter_pid = -1;	/* process id (tgid) */
const volatile __s64 filter_tid = -1;	/* thread id */
const volatile __s64 filter_uid = -1;
/* keep tasks whose comm contains this; NUL terminated, empty = off */
const volatile char filter_comm[FILTER_COMM_LEN] = {};

/* True if comm contains filter_comm (both at most 15 characters). */
static __always_inline bool comm_contains(const char comm[FILTER_COMM_LEN])
{
	for (int start = 0; start < FILTER_COMM_LEN; start++) {
		int i;

		for (i = 0; start + i < FILTER_COMM_LEN; i++) {
			char want = filter_comm[i];

			if (!want)
				return true;
			if (comm[start + i] != want)
				break;
		}
		if (!comm[start])
			break;
	}
	return false;
}

#ifdef FILTER_CONTAINERS
/*
 * --cgroupmap / --mntnsmap (BCC's layout): user space swaps in a pinned hash map of u64 keys,
 * cgroup v2 ids or mount namespace inode numbers, checked for type and sizes first
 * (common/pinmap.c); the task passes if its id is a key.
 */
const volatile bool filter_cgroup = false;
const volatile bool filter_mntns = false;
KFIELD(task_nsproxy);
KFIELD(nsproxy_mnt_ns);
KFIELD(mnt_ns_inum);

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

static __always_inline bool filter_container(void)
{
	if (filter_cgroup) {
		__u64 cg = bpf_get_current_cgroup_id();

		if (!bpf_map_lookup_elem(&cgroupset, &cg))
			return false;
	}
	if (filter_mntns) {
		void *t = (void *)bpf_get_current_task();
		__u64 ns = kread(__u32, kread(void *, kread(void *, t, kf_task_nsproxy),
					      kf_nsproxy_mnt_ns), kf_mnt_ns_inum);

		if (!bpf_map_lookup_elem(&mntnsset, &ns))
			return false;
	}
	return true;
}
#else
static __always_inline bool filter_container(void)
{
	return true;
}
#endif

/* True if the current task passes every filter that is set. */
static __always_inline bool filter_task(void)
{
	__u64 id;

	if (!filter_container())
		return false;

	if (filter_pid >= 0 || filter_tid >= 0) {
		id = bpf_get_current_pid_tgid();
		if (filter_pid >= 0 && (id >> 32) != filter_pid)
			return false;
		if (filter_tid >= 0 && (__u32)id != filter_tid)
			return false;
	}
	if (filter_uid >= 0 && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return false;
	if (filter_comm[0]) {
		char comm[FILTER_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		if (!comm_contains(comm))
			return false;
	}
	return true;
}

#endif
