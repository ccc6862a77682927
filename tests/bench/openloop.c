// SPDX-License-Identifier: GPL-2.0
/*
 * Load for the opensnoop benchmark: `openloop PATH COUNT [RATE [TRACER_PID]]` opens and closes
 * PATH COUNT times (openat), at RATE opens per second when RATE > 0 (paced every 1000 opens),
 * else as fast as it can. Prints per open: wall-clock ns, this process's CPU ns (which holds
 * what the tracer's BPF programs cost in its syscalls) and the tracer's CPU ns (its reader),
 * the last taken 100 ms after the loop so that the final drain is counted.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long start, cpu, tracer = 0, count, rate, i, wall;
	clockid_t tracer_clock;
	int has_tracer = 0;

	if (argc < 3 || (count = atoll(argv[2])) <= 0) {
		fprintf(stderr, "usage: openloop PATH COUNT [RATE [TRACER_PID]]\n");
		return 2;
	}
	rate = argc > 3 ? atoll(argv[3]) : 0;
	if (argc > 4 && !clock_getcpuclockid(atoi(argv[4]), &tracer_clock)) {
		has_tracer = 1;
		tracer = clock_ns(tracer_clock);
	}
	start = clock_ns(CLOCK_MONOTONIC);
	cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < count; i++) {
		int fd = open(argv[1], O_RDONLY);

		if (fd >= 0)
			close(fd);
		if (rate > 0 && i % 1000 == 999) {
			long long due = start + (i + 1) * 1000000000LL / rate;

			while (clock_ns(CLOCK_MONOTONIC) < due)
				;
		}
	}
	wall = clock_ns(CLOCK_MONOTONIC) - start;
	cpu = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu;
	if (has_tracer) {
		usleep(100000);
		tracer = clock_ns(tracer_clock) - tracer;
	}
	printf("%.1f %.1f %.1f\n", (double)wall / count, (double)cpu / count,
	       (double)tracer / count);
	return 0;
}
