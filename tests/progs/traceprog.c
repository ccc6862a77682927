// SPDX-License-Identifier: GPL-2.0
/*
 * trace's target: functions whose arguments and return values the tests know. After SIGUSR1
 * (with -w; at once without) it calls, for i = 1..N:
 *   trace_str("item-<i>", -i)      (returns i * 3)
 *   trace_ts(&ts)                  with ts = { i, 1000 * i } (a struct timespec)
 *   the USDT probe bpfbox_test:traced(i, -i, "usdt-<i>")
 *   with -s MS: trace_sleep(MS), which sleeps MS milliseconds
 * then prints "done". Prints "pid P" and "ready" first.
 * usage: traceprog N [-w] [-s MS]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) long trace_str(const char *s, long n)
{
	__asm__ volatile("" ::: "memory");
	return -n * 3 + (long)(s[0] == 0);
}

__attribute__((noinline)) long trace_ts(const struct timespec *ts)
{
	__asm__ volatile("" ::: "memory");
	return ts->tv_nsec;
}

__attribute__((noinline)) long trace_sleep(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
	return ms;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, sleep_ms = -1;
	int wait = 0;
	char buf[32];
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("pid %d\nready\n", (int)getpid());
	fflush(stdout);
	for (int a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "-w"))
			wait = 1;
		else if (!strcmp(argv[a], "-s") && a + 1 < argc)
			sleep_ms = atol(argv[++a]);
	}
	if (wait)
		sigwait(&set, &sig);
	for (long i = 1; i <= n; i++) {
		struct timespec ts = { .tv_sec = i, .tv_nsec = 1000 * i };

		snprintf(buf, sizeof(buf), "item-%ld", i);
		trace_str(buf, -i);
		trace_ts(&ts);
		snprintf(buf, sizeof(buf), "usdt-%ld", i);
		DTRACE_PROBE3(bpfbox_test, traced, i, -i, buf);
		if (sleep_ms >= 0)
			trace_sleep(sleep_ms);
	}
	printf("done\n");
	return 0;
}
