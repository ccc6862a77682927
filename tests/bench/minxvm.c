// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-written baseline for trace's and argdist's in-kernel cost per event: one program on
 * syscalls:sys_enter_close, `filter FD` (print the closes of FD, as trace with a filter) or
 * `hist` (a log2 histogram of the fds closed, as argdist -H). Says "Ready." on stderr once
 * attached and runs until SIGINT or SIGTERM; the histogram's slots are printed at the end.
 *
 *   minxvm filter FD | minxvm hist
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "minxvm.h"
#include "minxvm.skel.h"

static volatile sig_atomic_t done;

static void on_signal(int sig)
{
	done = 1;
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct minxvm_event *e = data;

	if (len >= sizeof(*e))
		printf("%u %d\n", e->pid, e->fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct minxvm_bpf *skel;
	int hist, err;

	if (argc < 2 || (strcmp(argv[1], "hist") && (strcmp(argv[1], "filter") || argc < 3))) {
		fputs("usage: minxvm filter FD | minxvm hist\n", stderr);
		return 2;
	}
	hist = !strcmp(argv[1], "hist");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = minxvm_bpf__open();
	if (!skel)
		return 1;
	if (!hist)
		skel->rodata->want_fd = atoi(argv[2]);
	bpf_program__set_autoload(hist ? skel->progs.filter : skel->progs.histogram, false);
	err = minxvm_bpf__load(skel);
	if (!err)
		err = minxvm_bpf__attach(skel);
	if (!err && !hist) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
		err = rb ? 0 : -errno;
	}
	if (err) {
		fprintf(stderr, "minxvm: %s\n", strerror(-err));
		minxvm_bpf__destroy(skel);
		return 1;
	}
	fputs("Ready.\n", stderr);
	while (!done) {
		if (rb)
			ring_buffer__poll(rb, 100);
		else
			usleep(100000);
		fflush(stdout);
	}
	if (hist) {
		__u64 slot, next, n;
		int fd = bpf_map__fd(skel->maps.hist);

		for (err = bpf_map_get_next_key(fd, NULL, &next); !err;
		     err = bpf_map_get_next_key(fd, &slot, &next)) {
			slot = next;
			if (!bpf_map_lookup_elem(fd, &slot, &n))
				printf("slot %llu: %llu\n", (unsigned long long)slot,
				       (unsigned long long)n);
		}
	}
	ring_buffer__free(rb);
	minxvm_bpf__destroy(skel);
	return 0;
}
