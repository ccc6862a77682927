/* SPDX-License-Identifier: GPL-2.0 */
/* Loading and attaching an applet's skeleton, with every failure named and explained. */
#ifndef BPFBOX_ATTACH_H
#define BPFBOX_ATTACH_H

#include <stdbool.h>
#include <bpf/libbpf.h>

/* Options for NAME_bpf__open_opts(): the --btf file, if any, for CO-RE relocations. */
const struct bpf_object_open_opts *skel_open_opts(void);
/* bpf_object__load() with the failure reported (ERR_LOAD). Returns 0 or 1 (exit status). */
int skel_load(struct bpf_object_skeleton *s);
/* Attaches every program that is set to load and names its hook in its section (e.g.
 * SEC("tracepoint/sched/sched_process_exec")), storing the links in the skeleton so that its
 * __destroy() detaches them; the first failure is reported naming the hook. Programs whose
 * section names no hook (SEC("tracepoint"), SEC("perf_event")) are left to the applet.
 * Returns 0 or 1 (exit status). */
int skel_attach(struct bpf_object_skeleton *s);

/* One program serving several tracepoints (e.g. execve and execveat share one body). */
struct tp_target {
	struct bpf_program *prog;
	const char *category, *name;
	bool optional;		/* skipped when the tracepoint does not exist on this kernel */
};

/* Attaches each target, links[i] for targets[i] (NULL when an optional one is absent).
 * Returns 0 or 1 (exit status) after reporting the first failure. */
int attach_tracepoints(const struct tp_target *targets, int n, struct bpf_link **links);
void links_destroy(struct bpf_link **links, int n);
/* Sets a program's autoload off when its tracepoint CATEGORY/NAME does not exist here. */
void autoload_if_event(struct bpf_program *p, const char *category, const char *name);

#endif
