/* SPDX-License-Identifier: GPL-2.0 */
/* stackcount: the counted key, shared by both sides (images: image.h). */
#ifndef BPFBOX_STACKCOUNT_H
#define BPFBOX_STACKCOUNT_H

#define STACKCOUNT_COMM_LEN 16

/* One counted stack pair; pid and comm are 0 unless stacks are kept per process (-P, -p). */
struct stackcount_key {
	__u64 user_stack;		/* hash of the user frames, when user_err is 0 */
	__u64 kernel_stack;
	__u32 pid;			/* tgid */
	__s32 user_err;			/* 0, or -errno: -EFAULT no user stack, -ENOMEM table full */
	__s32 kernel_err;
	__u32 pad;
	char comm[STACKCOUNT_COMM_LEN];
};

#endif
