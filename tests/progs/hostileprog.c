// SPDX-License-Identifier: GPL-2.0
/*
 * Targets for the symbolizer's hostile-process tests (tests/run/hostile.sh):
 *   hostileprog spin SECS               spin in hostile_spin for SECS seconds
 *   hostileprog exec SECS PROG ARG...   spin in hostile_before_exec, then exec PROG
 *   hostileprog reuse SECS PROG ARG...  a child spins in hostile_first_life and exits; then
 *                                       a new process gets its pid (clone3 set_tid) and execs
 *                                       PROG; prints "reused P" (exit 3: no set_tid here)
 *   hostileprog memfd ARG...            re-run this program from a memfd with ARG...
 *   hostileprog gate [PROG ARG...] -w   prints "pid P" and "ready"; at a first SIGUSR1 calls
 *                                       hostile_mark(hostile_spin) and prints "marked"; at a
 *                                       second one calls hostile_leaf(hostile_spin) from
 *                                       hostile_gate (one getppid(2) inside), then exits, or
 *                                       execs PROG ARG... -w
 *   hostileprog leaf -w                 calls hostile_leaf(hostile_spin) from main, prints
 *                                       "left", exits at SIGUSR1
 *   hostileprog maxrss PROG ARG...      run PROG, then print "maxrss KB" on stderr
 * SECS "sig" (spin, exec, reuse's first life): the spinner prints "waiting PID", sleeps until
 * a first SIGUSR1, then spins until a second one and at least 0.5 s of its own CPU time (a
 * hang guard ends it after 120 s): a test lets it run until the profiler has seen it, however
 * slow or busy the machine, and it still spins long enough to be sampled there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long sink;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void noop(void)
{
}
static void (*volatile keep_frame)(void) = noop;

static volatile sig_atomic_t usr1;

static void on_usr1(int sig)
{
	usr1++;
}

/* "sig" mode: SIGUSR1 stays blocked but while waiting in sigsuspend, so none is missed */
static void hold(void)
{
	sigset_t block, wait;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &wait);
	sigdelset(&wait, SIGUSR1);
	signal(SIGUSR1, on_usr1);
	printf("waiting %d\n", (int)getpid());
	fflush(stdout);
	while (usr1 < 1)
		sigsuspend(&wait);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
}

static double cpu_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* secs < 0: until the second SIGUSR1 (see hold) and 0.5 s of CPU, or 120 s */
static int spinning(double end, double cpu_end)
{
	if (end >= 0)
		return now() < end;
	return (usr1 < 2 || cpu_now() < cpu_end) && now() < -end;
}

/* each spinner calls through a pointer so that it keeps a frame of its own */
#define SPINNER(name)								\
	__attribute__((noinline)) void name(double secs)			\
	{									\
		double end = secs < 0 ? -(now() + 120) : now() + secs;		\
		double cpu_end = cpu_now() + 0.5;				\
		while (spinning(end, cpu_end)) {				\
			for (int i = 0; i < 100000; i++)			\
				sink = sink * 6364136223846793005ul + 1;	\
			keep_frame();						\
		}								\
	}
SPINNER(hostile_spin)
SPINNER(hostile_before_exec)
SPINNER(hostile_first_life)

static int run_reuse(double secs, char **argv)
{
	struct clone_args ca = { .exit_signal = SIGCHLD };
	pid_t a, b;
	int st;

	a = fork();
	if (a < 0)
		return 1;
	if (!a) {
		if (secs < 0)
			hold();
		hostile_first_life(secs);
		_exit(0);
	}
	waitpid(a, &st, 0);
	ca.set_tid = (uint64_t)(uintptr_t)&a;
	ca.set_tid_size = 1;
	b = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (b < 0) {
		fprintf(stderr, "hostileprog: clone3 set_tid: %s\n", strerror(errno));
		return 3;
	}
	if (!b) {
		execv(argv[0], argv);
		_exit(127);
	}
	printf("reused %d\n", (int)b);
	fflush(stdout);
	waitpid(b, &st, 0);
	return b == a ? 0 : 3;
}

static int run_memfd(char **args)
{
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC), fd;
	struct stat st;

	fd = (int)syscall(SYS_memfd_create, "hostile-memfd", 0);
	if (in < 0 || fd < 0 || fstat(in, &st) ||
	    sendfile(fd, in, NULL, (size_t)st.st_size) != st.st_size)
		return 1;
	args[0] = "hostileprog";
	fexecve(fd, args, environ);
	return 1;
}

/* Probe targets: each takes a function pointer, for trace's %U. */
__attribute__((noinline)) void hostile_mark(void (*fn)(double))
{
	sink ^= (unsigned long)fn;
	keep_frame();
}

__attribute__((noinline)) void hostile_leaf(void (*fn)(double))
{
	sink ^= (unsigned long)fn;
	syscall(SYS_getppid);
	keep_frame();
}

__attribute__((noinline)) static void hostile_gate(void)
{
	hostile_leaf(hostile_spin);
	keep_frame();
}

/* Each step waits for the test's signal: the tools attach, stop or look in between. */
static int run_gate(char **then)
{
	sigset_t usr1;
	int sig;

	/* blocked across the exec too: a signal meant for the next image waits for it */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (!then) {
		hostile_leaf(hostile_spin);
		printf("left\n");
		fflush(stdout);
		return sigwait(&usr1, &sig) ? 1 : 0;
	}
	printf("pid %d\nready\n", (int)getpid());
	fflush(stdout);
	if (sigwait(&usr1, &sig))
		return 1;
	hostile_mark(hostile_spin);
	printf("marked\n");
	fflush(stdout);
	if (sigwait(&usr1, &sig))
		return 1;
	hostile_gate();
	if (then[0] && strcmp(then[0], "-w")) {
		execv(then[0], then);
		return 127;
	}
	return 0;
}

static int run_maxrss(char **argv)
{
	struct rusage ru;
	int st;
	pid_t p = fork();

	if (p < 0)
		return 1;
	if (!p) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(p, &st, 0, &ru) < 0)
		return 1;
	fprintf(stderr, "maxrss %ld\n", ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	bool sig = argc > 2 && !strcmp(argv[2], "sig");
	double secs = sig ? -1 : argc > 2 ? atof(argv[2]) : 1.0;

	if (argc > 2 && !strcmp(argv[1], "spin")) {
		if (sig)
			hold();
		hostile_spin(secs);
		return 0;
	}
	if (argc > 3 && !strcmp(argv[1], "exec")) {
		if (sig)
			hold();
		hostile_before_exec(secs);
		execv(argv[3], argv + 3);
		return 127;
	}
	if (argc > 3 && !strcmp(argv[1], "reuse"))
		return run_reuse(secs, argv + 3);
	if (argc > 2 && !strcmp(argv[1], "memfd"))
		return run_memfd(argv + 1);
	if (argc > 1 && !strcmp(argv[1], "gate"))
		return run_gate(argv + 2);
	if (argc > 1 && !strcmp(argv[1], "leaf"))
		return run_gate(NULL);
	if (argc > 2 && !strcmp(argv[1], "maxrss"))
		return run_maxrss(argv + 2);
	fprintf(stderr, "usage: hostileprog spin|exec|reuse|memfd|gate|leaf|maxrss ...\n");
	return 2;
}
