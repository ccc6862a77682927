/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attaching a resolved probe set (probe_resolve.h) with one BPF program per mechanism, every
 * target told apart by its cookie (its index in the set). The mechanism is chosen before load
 * from live probes (verdict__pick, the table check-config prints) or forced (--mechanism).
 * A target that cannot be attached is skipped and marked, never fatal: the caller decides
 * what to do when nothing attached. Nothing here prints.
 */
#ifndef BPFBOX_PROBE_ATTACH_H
#define BPFBOX_PROBE_ATTACH_H

#include <stdbool.h>
#include <stddef.h>

#include "probe_resolve.h"

struct bpf_program;
struct linkset;

enum probe_mech {
	PROBE_MECH_TRACEPOINT,
	PROBE_MECH_KPROBE_MULTI,
	PROBE_MECH_KPROBE,
	PROBE_MECH_UPROBE_MULTI,
	PROBE_MECH_UPROBE,
	PROBE_MECH_USDT,
	PROBE_MECH__COUNT
};

/* The applet's programs, one per mechanism (see bpf/probe.bpf.h). */
struct probe_progs {
	struct bpf_program *prog[PROBE_MECH__COUNT];
};

/* "tracepoint", "kprobe-multi", "kprobe", "uprobe-multi", "uprobe", "usdt". */
const char *probe_mech__name(enum probe_mech m);
/* The mechanism named name, or -EINVAL. */
int probe_mech__parse(const char *name);
/* Space separated names of the mechanisms --mechanism accepts (for help and completion). */
#define PROBE_MECH_NAMES "kprobe-multi kprobe uprobe-multi uprobe"

/*
 * Before load: the mechanism for set's kind, forced (forced >= 0) or the first that works here
 * in applet's verdict table; every other program's autoload is switched off. Returns the
 * mechanism, -EINVAL when forced does not fit the kind, -EOPNOTSUPP when no mechanism works.
 */
int probe_attach__prepare(const char *applet, const struct probe_set *set,
			  const struct probe_progs *progs, int forced);

/*
 * After load: attaches every target of set with mech. pid > 0 limits user probes to that
 * process (the kernel checks it; kernel probes filter in BPF). ok[i] tells whether target i is
 * attached. Links go to ls. Returns the number attached (0: none, with the first failure's
 * -errno in *first_err).
 */
size_t probe_attach(const struct probe_set *set, const struct probe_progs *progs,
		    enum probe_mech mech, int pid, struct linkset *ls, bool *ok, int *first_err);

#endif
