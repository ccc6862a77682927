// SPDX-License-Identifier: GPL-2.0
/*
 * profile's target: known call chains burning CPU for a while. The main thread spins in
 * chain_a > chain_b > chain_c > chain_d > chain_leaf; one thread makes getpid system calls from
 * sys_loop; one runs a function named like the C++ method profcxx::Widget::spin(int); a child
 * process (comm "profchild") spins in child_work > child_leaf and exits early. Built with
 * -DPROF_DYNLIB, chain_leaf also calls into libproflib.so.
 * It prints "pid P", "tid_sys T", "tid_cxx T", "ready", then (after a line on stdin with -w)
 * "child C" and at the end "done".
 * usage: profprog [SECONDS] [-w]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef PROF_DYNLIB
int proflib_spin(unsigned long n);
#endif

static volatile unsigned long sink;
static double seconds = 2.0;
/* threads announce themselves, then all start together */
static pthread_barrier_t announced, go;

/*
 * CPU time this thread has used since its first call: each loop runs for a given amount of
 * CPU, not of wall time, so it gets as many samples on a machine busy with other work as on
 * an idle one. From the first call, because a thread's CPU clock survives exec (a process
 * that spun before exec'ing this program must not find its time already spent).
 */
static double elapsed(void)
{
	static __thread double start = -1;
	struct timespec t;
	double now;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	now = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
	if (start < 0)
		start = now;
	return now - start;
}

/*
 * A function that calls nothing gets no frame record (GCC on arm64 by default, and on x86 when
 * it needs no stack), and a frame-pointer walk from inside it loses its caller. The spinning
 * functions below call this once per round, so they have frames like any other.
 */
static void noop(void)
{
}
static void (*volatile keep_frame)(void) = noop;

/* noinline and a use of each result: every level keeps its own frame */
__attribute__((noinline)) unsigned long chain_leaf(unsigned long n)
{
	unsigned long x = n;

	for (unsigned long i = 0; i < 200000; i++)
		x = x * 6364136223846793005ul + 1442695040888963407ul;
#ifdef PROF_DYNLIB
	x += (unsigned long)proflib_spin(n);
#endif
	keep_frame();
	sink = x;
	return x;
}

__attribute__((noinline)) unsigned long chain_d(unsigned long n) { return chain_leaf(n + 1) ^ 4; }
__attribute__((noinline)) unsigned long chain_c(unsigned long n) { return chain_d(n + 1) ^ 3; }
__attribute__((noinline)) unsigned long chain_b(unsigned long n) { return chain_c(n + 1) ^ 2; }
__attribute__((noinline)) unsigned long chain_a(unsigned long n) { return chain_b(n + 1) ^ 1; }

/* The system call is made inline in sys_loop, not in libc's wrapper nor a frameless leaf:
 * the frame-pointer walk would skip sys_loop. */
static inline __attribute__((always_inline)) long raw_getpid(void)
{
	long ret;
#if defined(__x86_64__)
	__asm__ volatile("syscall" : "=a"(ret) : "a"((long)SYS_getpid) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = SYS_getpid;
	register long x0 __asm__("x0");

	__asm__ volatile("svc 0" : "=r"(x0) : "r"(x8) : "memory");
	ret = x0;
#else
	ret = syscall(SYS_getpid);
#endif
	return ret;
}

__attribute__((noinline)) void sys_loop(void)
{
	while (elapsed() < seconds)
		for (int i = 0; i < 1000; i++)
			sink += (unsigned long)raw_getpid();
}

static void *thread_syscalls(void *arg)
{
	printf("tid_sys %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	pthread_barrier_wait(&announced);
	pthread_barrier_wait(&go);
	sys_loop();
	return arg;
}

/* A C++ method as the symbol table sees it; compiled as C so the static build needs no C++
 * toolchain on every architecture (the unit fixtures use a real C++ compiler). */
struct widget {
	unsigned long k;
};
int widget_spin(struct widget *w, int n) __asm__("_ZN7profcxx6Widget4spinEi");
__attribute__((noinline)) int widget_spin(struct widget *w, int n)
{
	while (elapsed() < seconds)
		for (int i = 0; i < 100000; i++)
			w->k = w->k * 31 + (unsigned long)(i + n);
	keep_frame();
	return (int)w->k;
}

static void *thread_cxx(void *arg)
{
	struct widget w = { 1 };

	printf("tid_cxx %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	pthread_barrier_wait(&announced);
	pthread_barrier_wait(&go);
	sink += (unsigned long)widget_spin(&w, 3);
	return arg;
}

__attribute__((noinline)) unsigned long child_leaf(unsigned long n)
{
	for (unsigned long i = 0; i < 100000; i++)
		n = n * 2862933555777941757ul + 3037000493ul;
	keep_frame();
	return n;
}

__attribute__((noinline)) void child_work(double secs)
{
	while (elapsed() < secs)
		sink += child_leaf(sink) ^ 7;
}

int main(int argc, char **argv)
{
	pthread_t ts, tc;
	char line[16];
	pid_t child;

	if (argc > 1)
		seconds = atof(argv[1]);
	pthread_barrier_init(&announced, NULL, 3);
	pthread_barrier_init(&go, NULL, 3);
	printf("pid %d\n", (int)getpid());
	fflush(stdout);
	pthread_create(&ts, NULL, thread_syscalls, NULL);
	pthread_create(&tc, NULL, thread_cxx, NULL);
	pthread_barrier_wait(&announced);
	printf("ready\n");
	fflush(stdout);
	if (argc > 2 && !strcmp(argv[2], "-w") && !fgets(line, sizeof(line), stdin))
		return 1;
	child = fork();
	if (child == 0) {
		prctl(PR_SET_NAME, "profchild");
		/* gone well before the profile ends: its stacks must still resolve */
		child_work(seconds / 3);
		_exit(0);
	}
	printf("child %d\n", (int)child);
	fflush(stdout);
	pthread_barrier_wait(&go);
	while (elapsed() < seconds)
		sink += chain_a(sink);
	pthread_join(ts, NULL);
	pthread_join(tc, NULL);
	waitpid(child, NULL, 0);
	printf("done\n");
	return 0;
}
