/* SPDX-License-Identifier: GPL-2.0 */
/* The minimal open tracer's event (baseline of the opensnoop benchmark). */
#ifndef MINOPEN_H
#define MINOPEN_H

struct minopen_event {
	__u32 pid;
	__s32 ret;
	char comm[16];
	char path[256];
};

#endif
