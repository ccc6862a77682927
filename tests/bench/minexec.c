// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline for the execsnoop startup benchmark: the least a libbpf exec tracer does (open,
 * load, attach one tracepoint, poll a ring buffer). It prints execs until one whose file
 * name contains MATCH (default: any) and exits.
 *
 *   minexec [MATCH]
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

#include "minexec.h"
#include "minexec.skel.h"

static const char *match = "";
static bool matched;

static int on_event(void *ctx, void *data, size_t len)
{
	const struct minexec_event *e = data;

	if (len < sizeof(*e))
		return 0;
	printf("%-16s %-7u %s\n", e->comm, e->pid, e->filename);
	fflush(stdout);
	matched = strstr(e->filename, match);
	return matched ? -ECANCELED : 0;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct minexec_bpf *skel;
	int err;

	if (argc > 1)
		match = argv[1];
	skel = minexec_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "minexec: loading failed: %d\n", -errno);
		return 1;
	}
	err = minexec_bpf__attach(skel);
	if (!err) {
		rb = ring_buffer__new(bpf_map__fd(skel->maps.events), on_event, NULL, NULL);
		err = rb ? 0 : -errno;
	}
	while (err >= 0 && !matched)
		err = ring_buffer__poll(rb, 1000);
	ring_buffer__free(rb);
	minexec_bpf__destroy(skel);
	if (!matched) {
		fprintf(stderr, "minexec: %d\n", err);
		return 1;
	}
	return 0;
}
