// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the option parser of every applet in main.c's table, with each applet's
 * own checks that run before run_setup(). The first byte picks the applet, the rest is argv
 * split at NUL bytes. exit() (usage errors, --help) and run_setup() (parsing done) jump back
 * here: the harness is linked with -Wl,--wrap=exit,--wrap=run_setup.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define main bpfbox_main
#include "../../main.c"
#undef main

static jmp_buf back;
static volatile int in_target;

void __real_exit(int status) __attribute__((noreturn));
void __wrap_exit(int status);
void __wrap_run_setup(const char *applet);

void __wrap_exit(int status)
{
	if (!in_target)
		__real_exit(status);
	/* usage errors exit 2, --help 0 (1 only when writing the help failed) */
	if (status != 0 && status != 2 && status != 1)
		abort();
	longjmp(back, 1);
}

void __wrap_run_setup(const char *applet)
{
	longjmp(back, 2);
}

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/*
	 * Applets keep option values in static structs that point into argv, as a process that
	 * parses once may: a static buffer keeps those pointers valid from one input to the next
	 * (the last byte stays NUL, so even a stale pointer meets a terminator).
	 */
	static char buf[1 << 16];
	static char *argv[MAX_ARGS + 2];
	const struct applet *a;
	volatile int argc = 1;

	if (!size || size > sizeof(buf))
		return 0;
	a = &applets[data[0] % NAPPLETS];
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	argv[0] = (char *)a->name;
	for (char *p = buf; p < buf + size - 1 && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	in_target = 1;
	if (!setjmp(back))
		run_applet(a, argc, argv);
	in_target = 0;
	return 0;
}
