/* SPDX-License-Identifier: GPL-2.0 */
/* The event of the minimal exec tracer, shared by its kernel and user sides. */
#ifndef BENCH_MINEXEC_H
#define BENCH_MINEXEC_H

struct minexec_event {
	__u32 pid;
	char comm[16];
	char filename[128];
};

#endif
