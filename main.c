// SPDX-License-Identifier: GPL-2.0
/* bpfbox: the multicall front; dispatches on the invoked name or the first argument. */
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "err.h"
#include "opts.h"
#include "out.h"

int check_config_main(int argc, char **argv);
int execsnoop_main(int argc, char **argv);
int opensnoop_main(int argc, char **argv);
int biosnoop_main(int argc, char **argv);
int profile_main(int argc, char **argv);
int funccount_main(int argc, char **argv);
int stackcount_main(int argc, char **argv);
int trace_main(int argc, char **argv);
int argdist_main(int argc, char **argv);

/* The one list of applets. */
static const struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
} applets[] = {
	{ "check-config", check_config_main, "Check kernel config and probe which BPF features work" },
	{ "execsnoop", execsnoop_main, "Trace new processes via exec() syscalls" },
	{ "opensnoop", opensnoop_main, "Trace open() syscalls" },
	{ "biosnoop", biosnoop_main, "Trace block device I/O with latency" },
	{ "profile", profile_main, "Profile CPU usage by sampling stack traces" },
	{ "funccount", funccount_main, "Count function calls, tracepoints and USDT probes" },
	{ "stackcount", stackcount_main, "Count the stack traces that lead to functions and events" },
	{ "trace", trace_main, "Trace functions and events, printing BCC-style messages" },
	{ "argdist", argdist_main, "Count or histogram expressions over function arguments and events" },
};

#define NAPPLETS (sizeof(applets) / sizeof(applets[0]))

static const struct applet *find(const char *name)
{
	for (size_t i = 0; i < NAPPLETS; i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

static void list(FILE *f, bool names_only)
{
	if (names_only) {
		for (size_t i = 0; i < NAPPLETS; i++)
			fprintf(f, "%-14s %s\n", applets[i].name, applets[i].summary);
		return;
	}
	fprintf(f, "bpfbox %s: BPF tracing tools in one binary\n\n"
		   "usage: bpfbox APPLET [OPTIONS...]   or   APPLET [OPTIONS...] via a symlink\n"
		   "       bpfbox --install [-s] DIR    create the applet links in DIR\n"
		   "       bpfbox --version\n\napplets:\n", BPFBOX_VERSION);
	for (size_t i = 0; i < NAPPLETS; i++)
		fprintf(f, "  %-14s %s\n", applets[i].name, applets[i].summary);
	fprintf(f, "\nRun 'bpfbox APPLET --help' for an applet's options.\n");
}

/* Links every applet name in dir to this binary (hard links by default, -s for symlinks). */
static int install(int symbolic, const char *dir)
{
	char self[PATH_MAX], path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int rc = 0;

	if (n < 0) {
		fprintf(stderr, "bpfbox: cannot find my own path: %s\n", strerror(errno));
		return 1;
	}
	self[n] = 0;
	for (size_t i = 0; i < NAPPLETS; i++) {
		int len = snprintf(path, sizeof(path), "%s/%s", dir, applets[i].name);

		if (len < 0 || len >= (int)sizeof(path))
			return fprintf(stderr, "bpfbox: directory name too long\n"), 2;
		unlink(path);
		if ((symbolic ? symlink(self, path) : link(self, path)) < 0) {
			fprintf(stderr, "bpfbox: cannot create %s: %s\n", path, strerror(errno));
			rc = 1;
		}
	}
	return rc;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	opts_summary = a->summary;
	err_applet = a->name;
	argv[0] = (char *)a->name;
	return a->main(argc, argv);
}

/* `bpfbox --complete [APPLET]`: applet names, or one applet's options (for shell completion). */
static int complete(int argc, char **argv)
{
	const struct applet *a;
	char *args[] = { NULL, "--bpfbox-complete", NULL };

	if (argc < 3) {
		for (size_t i = 0; i < NAPPLETS; i++)
			printf("%s\t%s\n", applets[i].name, applets[i].summary);
		return 0;
	}
	a = find(argv[2]);
	if (!a)
		return 2;
	return run_applet(a, 2, args);
}

static int dispatch(int argc, char **argv)
{
	const struct applet *a = find(basename(argv[0]));

	if (a)
		return run_applet(a, argc, argv);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "--list")) {
		list(stdout, argc >= 2 && !strcmp(argv[1], "--list"));
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		/* The linked library's own version beside the Debian source package it came from. */
		printf("bpfbox %s (libbpf %d.%d, Debian source %s, %s)\n", BPFBOX_VERSION,
		       libbpf_major_version(), libbpf_minor_version(), BPFBOX_LIBBPF, BPFBOX_ARCH);
		return 0;
	}
	if (!strcmp(argv[1], "--install")) {
		int s = argc > 2 && !strcmp(argv[2], "-s");

		if (argc != 3 + s) {
			fprintf(stderr, "bpfbox: usage: bpfbox --install [-s] DIR\n");
			return 2;
		}
		return install(s, argv[2 + s]);
	}
	if (!strcmp(argv[1], "--complete"))
		return complete(argc, argv);
	a = find(argv[1]);
	if (!a) {
		fputs("bpfbox: unknown applet '", stderr);
		out_text(stderr, argv[1]);
		fputs("'\n\n", stderr);
		list(stderr, false);
		return 2;
	}
	return run_applet(a, argc - 1, argv + 1);
}

/* A failed write of anything printed to stdout is an error (err_output()). */
int main(int argc, char **argv)
{
	/* A fixed threshold: every block of 128 KiB or more is mapped, and unmapped when freed.
	 * glibc's sliding one rose to the size of the first kernel BTF freed (4-6 MB where the
	 * kernel cannot map /sys/kernel/btf/vmlinux, before 6.16), so libbpf's later copy went
	 * on the heap, and opensnoop kept 11 MB resident for its whole run instead of 2. */
	mallopt(M_MMAP_THRESHOLD, 128 << 10);
	return err_output(dispatch(argc, argv));
}
