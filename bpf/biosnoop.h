/* SPDX-License-Identifier: GPL-2.0 */
/* biosnoop events, shared by the kernel and user sides. */
#ifndef BPFBOX_BIOSNOOP_H
#define BPFBOX_BIOSNOOP_H

#define BIOSNOOP_COMM_LEN 16
#define BIOSNOOP_REQ_OP_MASK 0xff	/* the op in cmd_flags (REQ_OP_BITS is 8 on 5.10 to 6.18) */
#define BIOSNOOP_REQ_OP_WRITE 1
#define BIOSNOOP_NO_QUEUE (~0ull)	/* queue time unknown */

/* One completed request. */
struct biosnoop_event {
	__u64 ts;		/* completion, bpf_ktime_get_ns() */
	__u64 sector;
	__u64 lat_ns;		/* issue to completion */
	__u64 queue_ns;		/* creation (or queueing) to issue, or BIOSNOOP_NO_QUEUE */
	__u32 dev;		/* the disk, the kernel's dev_t: major << 20 | minor */
	__u32 bytes;		/* data length at issue */
	__u32 pid;		/* the task that submitted the request */
	__u32 cmd_flags;
	char comm[BIOSNOOP_COMM_LEN];
};

#endif
