/* SPDX-License-Identifier: GPL-2.0 */
/* profile: the sample key and the new-process record, shared by the kernel and user sides. */
#ifndef BPFBOX_PROFILE_H
#define BPFBOX_PROFILE_H

#define PROFILE_COMM_LEN 16
#define PROFILE_MAX_IDS 64		/* -p / -L list length */
#define PROFILE_MAX_DEPTH 127		/* frames per stack by default (kernel.perf_event_max_stack) */

/* One counted stack pair: samples aggregate in the kernel under this key. */
struct profile_key {
	__u32 pid;			/* tgid */
	__s32 user_stack_id;		/* stack map id, or -errno (-EFAULT: no user stack) */
	__s32 kernel_stack_id;
	char comm[PROFILE_COMM_LEN];
};

/* Sent once per process at its first sample, so its mappings are read while it lives. */
struct profile_event {
	__u32 pid;
};

#endif
