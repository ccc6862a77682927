/* SPDX-License-Identifier: GPL-2.0 */
/* opensnoop events, shared by the kernel and user sides. */
#ifndef BPFBOX_OPENSNOOP_H
#define BPFBOX_OPENSNOOP_H

/*
 * Capture limits. A path the kernel accepts is shorter than PATH_MAX (4096 with its NUL), so
 * OPENSNOOP_PATH_MAX bytes hold every path that can be opened; a longer one (the open fails
 * with ENAMETOOLONG) is cut and flagged. Records are sized to what was read, not to the limit.
 */
#define OPENSNOOP_PATH_MAX 4096		/* a power of two */
#define OPENSNOOP_DIR_MAX 4096		/* -F: the directory components, a power of two */
#define OPENSNOOP_DIR_DEPTH 32		/* -F: directory levels walked */
#define OPENSNOOP_COMM_LEN 16

/* event flags */
#define OPENSNOOP_PATH_CUT 1		/* the path went on past OPENSNOOP_PATH_MAX - 1 bytes */
#define OPENSNOOP_DIR_CUT 2		/* -F: the directory has more levels or bytes than kept */
#define OPENSNOOP_DIR 4			/* -F: dir components follow the path */

struct opensnoop_event {
	__u64 ts;		/* bpf_ktime_get_ns() at syscall exit */
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;		/* fd, or -errno */
	__u32 flags;		/* open flags as passed */
	__u32 mode;
	__u16 path_len;		/* bytes of data[] holding the path, with its NUL */
	__u16 dir_len;		/* -F: bytes after the path: the directory, one NUL-ended name per
				 * level from the innermost up to the root */
	__u16 dir_depth;	/* -F: names in the directory part */
	__u16 event_flags;
	char comm[OPENSNOOP_COMM_LEN];
	char data[OPENSNOOP_PATH_MAX + OPENSNOOP_DIR_MAX];
};

#endif
