// SPDX-License-Identifier: GPL-2.0
/*
 * Load generator of failed execs: execve() of a path that does not exist, at a fixed rate,
 * from THREADS threads, each exec with its own number in the path (TAG-N), so a tracer's
 * output can be checked for every one. No fork: a failed exec returns, which is how rates of
 * 100k/s and more are reached. Prints how many it made and at what rate.
 *
 *   execfail [-r EXECS_PER_S] [-d SECONDS] [-t THREADS] TAG
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long rate = 25000, secs = 3, threads = 2;
static const char *tag;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Thread I makes execs I, I + threads, ...: its share of the total, paced every 64 execs. */
static void *run(void *arg)
{
	long i = (long)arg, total = rate * secs, n = 0;
	double start = now_s(), per = (double)threads / rate;
	char path[128];
	char *argv[] = { path, "x", NULL }, *envp[] = { NULL };

	for (long k = i; k < total; k += threads, n++) {
		snprintf(path, sizeof(path), "/nonexistent/%s-%ld", tag, k);
		execve(path, argv, envp);
		if ((n & 63) == 63) {
			double ahead = start + (n + 1) * per - now_s();

			if (ahead > 0)
				usleep((useconds_t)(ahead * 1e6));
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[64];
	double start, took;
	int c;

	while ((c = getopt(argc, argv, "r:d:t:")) != -1) {
		if (c == 'r')
			rate = atol(optarg);
		else if (c == 'd')
			secs = atol(optarg);
		else if (c == 't')
			threads = atol(optarg);
		else
			goto usage;
	}
	if (argc - optind != 1 || rate <= 0 || rate > 10000000 || secs <= 0 || threads < 1 ||
	    threads > 64)
		goto usage;
	tag = argv[optind];
	start = now_s();
	for (long i = 0; i < threads; i++)
		if (pthread_create(&t[i], NULL, run, (void *)i))
			return perror("pthread_create"), 1;
	for (long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	took = now_s() - start;
	printf("execs %ld seconds %.3f rate %.0f\n", rate * secs, took, rate * secs / took);
	return 0;
usage:
	fputs("usage: execfail [-r EXECS_PER_S] [-d SECONDS] [-t THREADS] TAG\n", stderr);
	return 2;
}
