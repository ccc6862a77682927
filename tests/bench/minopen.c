// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline for the opensnoop benchmark: a minimal hand-written libbpf openat tracer that prints
 * "PID COMM FD PATH" lines, reading its ring buffer every 10 ms. Prints "Ready." on stderr once
 * attached; SIGINT or SIGTERM end it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "minopen.h"
#include "minopen.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct minopen_event *e = data;

	if (len >= sizeof(*e))
		printf("%-6u %-16.16s %4d %s\n", e->pid, e->comm, e->ret, e->path);
	return 0;
}

int main(void)
{
	struct ring_buffer *rb = NULL;
	struct minopen_bpf *skel;
	int err;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = minopen_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "minopen: loading failed: %d\n", -errno);
		return 1;
	}
	err = minopen_bpf__attach(skel);
	if (!err) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
		err = rb ? 0 : -errno;
	}
	if (!err)
		fputs("Ready.\n", stderr);
	while (!err && !stop) {
		err = ring_buffer__poll(rb, 10);
		if (err == -EINTR)
			err = 0;
		err = err < 0 ? err : ring_buffer__consume(rb) < 0;
	}
	if (rb)
		ring_buffer__consume(rb);
	fflush(stdout);
	ring_buffer__free(rb);
	minopen_bpf__destroy(skel);
	return err < 0 ? 1 : 0;
}
