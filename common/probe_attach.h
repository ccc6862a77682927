/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attaching a resolved probe set (probe_resolve.h) with one BPF program per mechanism, every
 * target told apart by its cookie (its index in the set). The mechanism is chosen before load
 * from live probes (verdict__pick, the table check-config prints) or forced (--mechanism).
 * Where the kernel cannot tell targets apart by cookie (no cookies before 5.15; fentry, whose
 * target is fixed at load) each target gets its own copy of the object instead: loaded after
 * the applet's, sharing its maps, with the target's index in rodata (bpf/probe.bpf.h).
 * A target that cannot be attached is skipped and marked, never fatal: the caller decides
 * what to do when nothing attached. Nothing here prints.
 */
#ifndef BPFBOX_PROBE_ATTACH_H
#define BPFBOX_PROBE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "probe_resolve.h"

struct bpf_object;
struct bpf_object_skeleton;
struct bpf_program;
struct linkset;

enum probe_mech {
	PROBE_MECH_TRACEPOINT,
	PROBE_MECH_KPROBE_MULTI,
	PROBE_MECH_FENTRY,
	PROBE_MECH_KPROBE,
	PROBE_MECH_UPROBE_MULTI,
	PROBE_MECH_UPROBE,
	PROBE_MECH_USDT,
	PROBE_MECH__COUNT
};

/* The applet's programs, one per mechanism (see bpf/probe.bpf.h), and their skeleton, which
 * copies are opened from. */
struct probe_progs {
	struct bpf_program *prog[PROBE_MECH__COUNT];
	const struct bpf_object_skeleton *skel;
};

/* Most copies one run loads (each is a verifier pass and a few fds while it loads). */
#define PROBE_COPIES_MAX 256

/* "tracepoint", "kprobe-multi", "fentry", "kprobe", "uprobe-multi", "uprobe", "usdt". */
const char *probe_mech__name(enum probe_mech m);
/* The mechanism named name, or -EINVAL. */
int probe_mech__parse(const char *name);
/* Space separated names of the mechanisms --mechanism accepts (for help and completion). */
#define PROBE_MECH_NAMES "kprobe-multi fentry kprobe uprobe-multi uprobe"

/*
 * Whether targets of kind attached with mech need a copy of the object each: fentry always,
 * any other but USDT (libbpf's own) and the multi-links (no kernel has them without cookies)
 * when this kernel has no BPF cookies.
 */
bool probe_attach__copies(enum probe_kind kind, enum probe_mech mech);

/*
 * Before load: the mechanism for set's kind, forced (forced >= 0) or the first that works here
 * in applet's verdict table; every other program's autoload is switched off, and that one's
 * too when it goes in copies. Returns the mechanism, -EINVAL when forced does not fit the
 * kind, -EOPNOTSUPP when no mechanism works.
 */
int probe_attach__prepare(const char *applet, const struct probe_set *set,
			  const struct probe_progs *progs, int forced);

/*
 * Before load: marks obj (its .rodata has bpf/probe.bpf.h's knobs) as serving target id alone,
 * so its programs take the id as a constant rather than reading the cookie on every hit. Only
 * for an object whose programs are attached to that one target. Returns 0 or -ENOENT.
 */
int probe_attach__one(struct bpf_object *obj, uint32_t id);

/*
 * After load: attaches every target of set with mech, in copies where probe_attach__copies()
 * says so (each copy's program is then held by its link alone). pid > 0 limits user probes to that
 * process (the kernel checks it; kernel probes filter in BPF). ok[i] tells whether target i is
 * attached. Links go to ls. Returns the number attached (0: none, with the first failure's
 * -errno in *first_err).
 */
size_t probe_attach(const struct probe_set *set, const struct probe_progs *progs,
		    enum probe_mech mech, int pid, struct linkset *ls, bool *ok, int *first_err);

#endif
