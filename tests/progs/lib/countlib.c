// SPDX-License-Identifier: GPL-2.0
/*
 * funccount's and stackcount's target library: a function to count and a USDT probe guarded
 * by a semaphore (it fires only while a tracer has it enabled, as BCC's -p needs).
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

__attribute__((used, section(".probes"))) volatile unsigned short bpfbox_test_fired_semaphore;

static volatile unsigned long count_sink;

__attribute__((noinline)) void countlib_tick(unsigned long i)
{
	count_sink += i;
	__asm__ volatile("" ::: "memory");
}

/* Fires the probe when a tracer has enabled it; returns whether it did. */
__attribute__((noinline)) int countlib_fire(unsigned long i)
{
	if (!bpfbox_test_fired_semaphore)
		return 0;
	STAP_PROBE1(bpfbox_test, fired, i);
	return 1;
}
