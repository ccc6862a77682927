/* SPDX-License-Identifier: GPL-2.0 */
/* execsnoop events, shared by the kernel and user sides. */
#ifndef BPFBOX_EXECSNOOP_H
#define BPFBOX_EXECSNOOP_H

#define EXECSNOOP_ARG_LEN 256		/* per argument, with its NUL */
#define EXECSNOOP_DATA_SIZE 16384	/* all arguments of one exec; a power of two */
#define EXECSNOOP_MAX_ARGS 128		/* highest --max-args */
#define EXECSNOOP_COMM_LEN 16

enum execsnoop_kind {
	EXECSNOOP_ARGS = 1,	/* at syscall entry: who and what */
	EXECSNOOP_DONE = 2,	/* exec succeeded (sched_process_exec) or the syscall failed */
};

/* event flags */
#define EXECSNOOP_MORE_ARGS 1	/* argv had more entries than --max-args */
#define EXECSNOOP_DATA_FULL 2	/* the argument bytes did not fit */

/* data: per argument one byte (1 = cut at EXECSNOOP_ARG_LEN) then the string with its NUL */
#define EXECSNOOP_ARG_CUT 1

struct execsnoop_args {
	__u32 kind;
	__u32 tid;
	__u32 pid;
	__u32 uid;
	__u32 nargs;
	__u32 size;		/* bytes used in data */
	__u32 flags;
	__u32 pad;
	char data[EXECSNOOP_DATA_SIZE + EXECSNOOP_ARG_LEN + 1];
};

/* Both records start with their kind. */
struct execsnoop_done {
	__u32 kind;
	__u32 tid;		/* the thread that called exec, before the exec */
	__u64 ts;		/* bpf_ktime_get_ns() */
	__u32 pid;
	__u32 ppid;
	__s32 ret;
	__u32 cpu;
	char comm[EXECSNOOP_COMM_LEN];
	char pcomm[EXECSNOOP_COMM_LEN];
	char filename[EXECSNOOP_ARG_LEN];	/* only for execs that had no syscall entry */
};

#endif
