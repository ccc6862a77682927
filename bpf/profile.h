/* SPDX-License-Identifier: GPL-2.0 */
/* profile: the sample key, shared by the kernel and user sides (images: image.h). */
#ifndef BPFBOX_PROFILE_H
#define BPFBOX_PROFILE_H

#define PROFILE_COMM_LEN 16
#define PROFILE_MAX_IDS 64		/* -p / -L list length */
#define PROFILE_MAX_DEPTH 127		/* frames per stack by default (kernel.perf_event_max_stack) */
#define PROFILE_DEPTH_LIMIT 1024	/* --perf-max-stack-depth at most */

/*
 * One counted stack pair: samples aggregate in the kernel under this key. Stacks are named by
 * a 64-bit hash of their frames and stored under it, not by BPF stack map ids: a stack map
 * keeps one stack per hash bucket and loses the second of two colliding stacks (-EEXIST),
 * which with BCC's 16384 buckets happens a few times in a run of a few hundred stacks.
 */
struct profile_key {
	__u64 user_stack;		/* hash of the user frames, when user_err is 0 */
	__u64 kernel_stack;
	__u64 start_ns;			/* the process's start (boot time): pid reuse tells apart */
	__u32 pid;			/* tgid */
	__s32 user_err;			/* 0, or -errno: -EFAULT no user stack, -ENOMEM table full */
	__s32 kernel_err;
	__u32 exec_id;			/* execs so far (self_exec_id): each image its own symbols */
	char comm[PROFILE_COMM_LEN];
};

#endif
