// SPDX-License-Identifier: GPL-2.0
/*
 * The funccount and stackcount benchmarks' workload:
 *   callloop call N       calls bench_target() N times, prints "ns/call X"
 *   callloop getppid N    calls getppid() N times, prints "ns/call X"
 *                         (X: this thread's CPU time per call, traps and BPF included, so that
 *                         other processes on a shared machine do not count)
 *   callloop rate R SECS  calls bench_target() R times a second for SECS seconds, through 16
 *                         different call chains, prints "calls N" (exactly what was made)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

__attribute__((noinline, optimize("no-omit-frame-pointer"))) void bench_target(unsigned long i)
{
	__asm__ volatile("" : : "r"(i) : "memory");
}

/* chain(d, i): d more frames above bench_target, so that i % 16 picks a distinct stack */
__attribute__((noinline, optimize("no-omit-frame-pointer"))) static void chain(int d, unsigned long i)
{
	if (d > 0)
		chain(d - 1, i);
	else
		bench_target(i);
	__asm__ volatile("" ::: "memory");
}

static double clock_secs(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_secs(CLOCK_MONOTONIC);
}

__attribute__((optimize("no-omit-frame-pointer"))) int main(int argc, char **argv)
{
	unsigned long n, done = 0;
	double t0, t1;

	if (argc < 3)
		return fprintf(stderr, "usage: callloop call|getppid N | callloop rate R SECS\n"), 2;
	n = strtoul(argv[2], NULL, 10);
	if (!strcmp(argv[1], "rate") && argc == 4) {
		double secs = atof(argv[3]), step = 1.0 / 1000;	/* paced in 1 ms slices */
		unsigned long per = n / 1000 ? n / 1000 : 1;

		struct timespec at;

		t0 = now();
		clock_gettime(CLOCK_MONOTONIC, &at);
		for (double next = t0; next < t0 + secs; next += step) {
			for (unsigned long j = 0; j < per; j++, done++)
				chain((int)(done % 16), done);
			at.tv_nsec += 1000000;
			if (at.tv_nsec >= 1000000000) {
				at.tv_sec++;
				at.tv_nsec -= 1000000000;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
		}
		printf("calls %lu\n", done);
		return 0;
	}
	t0 = clock_secs(CLOCK_THREAD_CPUTIME_ID);
	for (unsigned long i = 0; i < n; i++) {
		if (argv[1][0] == 'g')
			syscall(SYS_getppid);
		else
			bench_target(i);
	}
	t1 = clock_secs(CLOCK_THREAD_CPUTIME_ID);
	printf("ns/call %.1f\n", (t1 - t0) * 1e9 / (double)n);
	return 0;
}
