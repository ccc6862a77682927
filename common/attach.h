/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading and attaching an applet's skeleton. Nothing here prints: each function returns
 * 0 or -errno (and says which hook failed) so that the caller can fall back to another
 * mechanism or report the failure itself.
 */
#ifndef BPFBOX_ATTACH_H
#define BPFBOX_ATTACH_H

#include <stdbool.h>
#include <bpf/libbpf.h>

#include "linkset.h"

/* Options for NAME_bpf__open_opts(): the --btf file, if any, for libbpf's own uses of the
 * kernel's BTF (fentry targets; the programs' struct offsets come from kfield). */
const struct bpf_object_open_opts *skel_open_opts(void);
/* Fills the object's kernel struct offsets (kfield), frees the kernel's BTF, and loads the
 * object's maps and programs. Returns 0 or -errno. */
int skel_load(struct bpf_object_skeleton *s);
/*
 * Attaches every program that is set to load and to auto-attach and names its hook in its section (e.g.
 * SEC("tracepoint/sched/sched_process_exec")), adding the links to LS. Programs whose
 * section names no hook (SEC("tracepoint"), SEC("perf_event")) are left to the applet.
 * Returns 0, or -errno with *FAILED set to the program that did not attach.
 */
int skel_attach(struct bpf_object_skeleton *s, struct linkset *ls,
		const struct bpf_program **failed);

/* One program serving several tracepoints (e.g. execve and execveat share one body). */
struct tp_target {
	struct bpf_program *prog;
	const char *category, *name;
	bool optional;		/* skipped when the tracepoint does not exist on this kernel */
};

/* Attaches each target, adding its link to LS. Returns 0, or -errno with *FAILED set to the
 * index of the target that did not attach. */
int attach_tracepoints(const struct tp_target *targets, int n, struct linkset *ls, int *failed);
/* Sets a program's autoload off when its tracepoint CATEGORY/NAME does not exist here. */
void autoload_if_event(struct bpf_program *p, const char *category, const char *name);

#endif
