// SPDX-License-Identifier: GPL-2.0
/*
 * funccount's and stackcount's target: calls countlib_tick() exactly N times and the USDT
 * probe bpfbox_test:fired exactly M times (counting only firings the semaphore let through),
 * split over two threads, along the chain count_worker > count_caller > countlib_tick; and,
 * from the main thread, getppid() exactly G times and 1-byte read()s of /dev/zero R times.
 * Built with -DCOUNT_DYNLIB the library is libcountlib.so, else it is compiled in (static,
 * for the VMs). Prints "pid P" and "ready"; with -w waits for SIGUSR1 (not for input: a
 * read would count); then works, prints "fired F" (USDT firings that happened) and "done";
 * with -x it then waits for SIGUSR2 before it exits (a stack report can then read its
 * mappings while it lives).
 * usage: countprog N M G R [-w] [-x]
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef COUNT_DYNLIB
void countlib_tick(unsigned long i);
int countlib_fire(unsigned long i);
#else
#include "lib/countlib.c"
#endif

struct work {
	unsigned long calls, fires;
	unsigned long fired;
};

__attribute__((noinline)) static void count_caller(unsigned long i)
{
	countlib_tick(i);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void *count_worker(void *arg)
{
	struct work *w = arg;

	for (unsigned long i = 0; i < w->calls; i++)
		count_caller(i);
	for (unsigned long i = 0; i < w->fires; i++)
		w->fired += (unsigned long)countlib_fire(i);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long n, m, g, r;
	struct work w[2];
	pthread_t t[2];
	sigset_t usr1;
	char c;
	int fd, sig, wait_go = 0, wait_exit = 0;

	if (argc < 5)
		return fprintf(stderr, "usage: countprog N M G R [-w]\n"), 2;
	n = strtoul(argv[1], NULL, 10);
	m = strtoul(argv[2], NULL, 10);
	g = strtoul(argv[3], NULL, 10);
	r = strtoul(argv[4], NULL, 10);
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0)
		return 1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigaddset(&usr1, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	for (int i = 5; i < argc; i++)
		wait_go |= !strcmp(argv[i], "-w"), wait_exit |= !strcmp(argv[i], "-x");
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\nready\n", getpid());
	while (wait_go && !sigwait(&usr1, &sig) && sig != SIGUSR1)
		;
	w[0] = (struct work){ n / 2, m / 2, 0 };
	w[1] = (struct work){ n - n / 2, m - m / 2, 0 };
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, count_worker, &w[i]))
			return 1;
	for (unsigned long i = 0; i < g; i++)
		syscall(SYS_getppid);
	for (unsigned long i = 0; i < r; i++)
		if (read(fd, &c, 1) != 1)
			return 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("fired %lu\ndone\n", w[0].fired + w[1].fired);
	while (wait_exit && !sigwait(&usr1, &sig) && sig != SIGUSR2)
		;
	return 0;
}
