/* SPDX-License-Identifier: GPL-2.0 */
/* The hand-written baseline of trace's and argdist's cost per event (see minxvm.c). */
#ifndef BENCH_MINXVM_H
#define BENCH_MINXVM_H

struct minxvm_event {
	__u32 pid;
	__s32 fd;
};

#endif
