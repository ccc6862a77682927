// SPDX-License-Identifier: GPL-2.0
/*
 * funccount's GNU IFUNC target: calls its own IFUNC ifunc_add() and libc's strlen() (an IFUNC
 * in glibc, static here) exactly N times each. Prints "pid P" and "ready"; with -w waits for
 * SIGUSR1 first; then works and prints "done" (with write(2): stdio could call strlen).
 * With -t (hostile) it first points the GOT slot of ifunc_add one byte into add_tuned, then
 * only waits for a signal: a tracer that took that for the implementation would put a uprobe
 * in the middle of an instruction.
 * usage: ifuncprog N [-w|-t]
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

typedef unsigned long (*add_fn)(unsigned long);

__attribute__((noinline, used)) static unsigned long add_generic(unsigned long x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline)) static unsigned long add_tuned(unsigned long x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

/* the resolver runs once, at start-up; it picks the second implementation, as a CPU check
 * would on most machines */
static add_fn resolve_add(void)
{
	return add_tuned;
}

unsigned long ifunc_add(unsigned long x) __attribute__((ifunc("resolve_add")));

/* Rewrites every word of the program's own non-code mappings that holds add_tuned's address. */
static int tamper(void)
{
	uintptr_t want = (uintptr_t)add_tuned;
	char line[512], exe[256], path[256];
	unsigned long a, b;
	char perms[5];
	int n = 0;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f = fopen("/proc/self/maps", "r");

	if (len <= 0 || !f)
		return 0;
	exe[len] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %255s", &a, &b, perms, path) != 4 ||
		    strcmp(path, exe) || perms[0] != 'r' || perms[2] == 'x')
			continue;
		for (uintptr_t *w = (uintptr_t *)a; w < (uintptr_t *)b; w++) {
			if (*w != want)
				continue;
			mprotect((void *)(a & ~4095ul), b - (a & ~4095ul), PROT_READ | PROT_WRITE);
			*w = want + 1;
			n++;
		}
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	char buf[32] = "a string of some length";
	unsigned long n, len, sum = 0;
	int sig, wait_go = argc > 2 && !strcmp(argv[2], "-w");
	sigset_t usr1;

	if (argc < 2)
		return fprintf(stderr, "usage: ifuncprog N [-w]\n"), 2;
	n = strtoul(argv[1], NULL, 10);
	len = strlen(buf);	/* before "ready": not counted */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[2], "-t")) {
		printf("tampered %d\npid %d\nready\n", tamper(), getpid());
		pause();	/* ifunc_add must not be called now */
		return 0;
	}
	printf("pid %d\nready\n", getpid());
	while (wait_go && !sigwait(&usr1, &sig) && sig != SIGUSR1)
		;
	for (unsigned long i = 0; i < n; i++) {
		sum = ifunc_add(sum);
		/* through a volatile pointer to the string: not folded into a constant */
		sum += strlen(*(char *volatile *)&(char *){ buf });
	}
	if (write(1, "done\n", 5) != 5)
		return 1;
	return sum == n * (1 + len) ? 0 : 1;
}
