// SPDX-License-Identifier: GPL-2.0
/*
 * Load for trace's and argdist's benchmarks: `closeloop BASE COUNT [RATE]` calls close(BASE +
 * i) for i = 0..COUNT-1 (fds that are not open: each call is one sys_enter_close event and
 * nothing else), at RATE calls per second when RATE > 0 (paced every 1000 calls), else as fast
 * as it can. Prints "COUNT calls in WALL_NS ns: RATE/s".
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long base, count, rate, start, wall;

	if (argc < 3 || (count = atoll(argv[2])) <= 0) {
		fputs("usage: closeloop BASE COUNT [RATE]\n", stderr);
		return 2;
	}
	base = atoll(argv[1]);
	rate = argc > 3 ? atoll(argv[3]) : 0;
	start = mono_ns();
	for (long long i = 0; i < count; i++) {
		close((int)(base + i));
		if (rate > 0 && i % 1000 == 999) {
			long long due = start + (i + 1) * 1000000000LL / rate;
			long long now = mono_ns();

			if (now < due)
				nanosleep(&(struct timespec){ .tv_sec = (due - now) / 1000000000,
							      .tv_nsec = (due - now) % 1000000000 },
					  NULL);
		}
	}
	wall = mono_ns() - start;
	printf("%lld calls in %lld ns: %lld/s\n", count, wall, count * 1000000000LL / (wall ? wall : 1));
	return 0;
}
