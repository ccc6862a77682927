// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline for the funccount benchmark: a minimal hand-written libbpf counter of one user
 * function (uprobe BINARY FUNC) or of the sys_enter_getppid tracepoint (tp). Prints "Ready."
 * on stderr once attached, then the count when SIGINT or SIGTERM ends it.
 * usage: mincount uprobe BINARY FUNC | mincount tp
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "mincount.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

int main(int argc, char **argv)
{
	bool up = argc == 4 && !strcmp(argv[1], "uprobe");
	struct mincount_bpf *skel;
	struct bpf_link *l = NULL;
	__u64 n = 0;
	__u32 k = 0;

	if (!up && !(argc == 2 && !strcmp(argv[1], "tp")))
		return fprintf(stderr, "usage: mincount uprobe BINARY FUNC | mincount tp\n"), 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = mincount_bpf__open();
	if (!skel)
		return 1;
	bpf_program__set_autoload(up ? skel->progs.count_tp : skel->progs.count_uprobe, false);
	if (mincount_bpf__load(skel)) {
		fprintf(stderr, "mincount: loading failed: %d\n", -errno);
		return 1;
	}
	if (up) {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .func_name = argv[3]);

		l = bpf_program__attach_uprobe_opts(skel->progs.count_uprobe, -1, argv[2], 0, &o);
	} else {
		l = bpf_program__attach(skel->progs.count_tp);
	}
	if (!l) {
		fprintf(stderr, "mincount: attaching failed: %d\n", -errno);
		return 1;
	}
	fputs("Ready.\n", stderr);
	while (!stop)
		pause();
	bpf_map_lookup_elem(bpf_map__fd(skel->maps.count), &k, &n);
	printf("%llu\n", (unsigned long long)n);
	bpf_link__destroy(l);
	mincount_bpf__destroy(skel);
	return 0;
}
