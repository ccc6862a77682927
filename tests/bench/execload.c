// SPDX-License-Identifier: GPL-2.0
/*
 * Load generator for the exec benchmarks: runs PROGRAM TAG-N at a fixed rate for a while,
 * each exec with its own N, and prints how many execs it made and at what rate.
 *
 *   execload [-r EXECS_PER_S] [-d SECONDS] PROGRAM TAG
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long rate = 1000, secs = 3, total, done = 0, failed = 0;
	struct timespec at;
	char arg[64], *child_argv[3];
	double start, took;
	int c;

	while ((c = getopt(argc, argv, "r:d:")) != -1) {
		if (c == 'r')
			rate = atol(optarg);
		else if (c == 'd')
			secs = atol(optarg);
		else
			goto usage;
	}
	if (argc - optind != 2 || rate <= 0 || rate > 1000000 || secs <= 0)
		goto usage;
	/* children are reaped by the kernel: nothing waits on them */
	signal(SIGCHLD, SIG_IGN);
	child_argv[0] = argv[optind];
	child_argv[1] = arg;
	child_argv[2] = NULL;
	total = rate * secs;

	clock_gettime(CLOCK_MONOTONIC, &at);
	start = now_s();
	while (done + failed < total) {
		pid_t pid;

		/* absolute deadlines: a late exec is followed at once by the next, the rate holds */
		at.tv_nsec += 1000000000L / rate;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_nsec -= 1000000000L;
			at.tv_sec++;
		}
		snprintf(arg, sizeof(arg), "%s-%ld", argv[optind + 1], done + failed);
		if (posix_spawn(&pid, child_argv[0], NULL, NULL, child_argv, environ))
			failed++;
		else
			done++;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
	}
	took = now_s() - start;
	printf("execs %ld failed %ld seconds %.3f rate %.0f\n", done, failed, took, done / took);
	return failed ? 1 : 0;
usage:
	fputs("usage: execload [-r EXECS_PER_S] [-d SECONDS] PROGRAM TAG\n", stderr);
	return 2;
}
