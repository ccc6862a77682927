/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live kernel feature probes, run on first use and cached for the run: the one place applets
 * and check-config learn what works here ("probe, then choose", DESIGN §3). Each probe loads
 * and attaches a tiny program for real (but see features__attach_probes); the kernel version
 * and config are never consulted.
 * (feature.h, not features.h: with -Icommon that name would shadow glibc's <features.h>.)
 */
#ifndef BPFBOX_FEATURE_H
#define BPFBOX_FEATURE_H

#include <stdbool.h>

/* Stable ids; features__name() gives the spelling used by `check-config --require`. */
enum feature {
	FEAT_PRIVILEGES,	/* privileges: CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON */
	FEAT_BTF,		/* btf: /sys/kernel/btf/vmlinux parses */
	FEAT_TRACEFS,		/* tracefs: found or mounted */
	FEAT_DEBUGFS,		/* debugfs: mounted (informational; tracefs is what matters) */
	FEAT_TRACEPOINT,	/* tracepoint: classic tracepoint via perf_event_open + SET_BPF */
	FEAT_SYSCALL_TP,	/* syscall_tp: syscalls:sys_{enter,exit}_execve exist */
	FEAT_BLOCK_TP,		/* block_tp: block:block_rq_{issue,complete} exist */
	FEAT_TP_BTF,		/* tp_btf: BTF-typed raw tracepoint attaches */
	FEAT_RAW_TP,		/* raw_tp: raw tracepoint attaches */
	FEAT_KPROBE,		/* kprobe: kprobe and kretprobe attach through the kprobe PMU */
	FEAT_KPROBE_MULTI,	/* kprobe_multi: one link, many functions (needs CONFIG_FPROBE) */
	FEAT_FENTRY,		/* fentry: fentry and fexit load and attach (BPF trampolines) */
	FEAT_UPROBE,		/* uprobe: uprobe and uretprobe attach to this binary */
	FEAT_UPROBE_MULTI,	/* uprobe_multi: one link, many user functions (6.6+) */
	FEAT_PERF_EVENT,	/* perf_event: software cpu-clock sampling with a program */
	FEAT_PERF_HW,		/* perf_hw: hardware cycles counter exists */
	FEAT_RINGBUF,		/* ringbuf: BPF ring buffer map (5.8+) */
	FEAT_STACKMAP,		/* stackmap: stack trace map */
	FEAT_COOKIE,		/* cookie: bpf_get_attach_cookie + perf links (5.15+) */
	FEAT_BPF_LOOP,		/* bpf_loop: the bpf_loop helper (5.17+) */
	FEAT_NS_PID,		/* ns_pid: bpf_get_ns_current_pid_tgid helper (5.7+) */
	FEAT_JIT,		/* jit: the BPF JIT is on */
	FEAT_PERF_PARANOID,	/* perf_paranoid: kernel.perf_event_paranoid is no obstacle to us */
	FEAT_UNPRIV_BPF,	/* unpriv_bpf: kernel.unprivileged_bpf_disabled is no obstacle */
	FEAT_LOCKDOWN,		/* lockdown: nothing a tracer needs is locked down (none, integrity) */
	FEAT_KALLSYMS,		/* kallsyms: /proc/kallsyms shows addresses (kptr_restrict) */
	FEAT__COUNT
};

enum feature_status {
	FEATURE_WORKS,		/* probed and usable */
	FEATURE_MISSING,	/* the kernel lacks it or refuses it */
	FEATURE_ERROR,		/* could not tell (no privileges, a prerequisite missing, ...) */
};

struct feature_result {
	enum feature_status status;
	int err;		/* the -errno behind a failure, 0 otherwise */
	char reason[200];	/* one line, no trailing period, e.g. "load fails with EPERM (...)" */
};

/* Runs the probe for id once per process and returns the cached result (never NULL). */
const struct feature_result *features__probe(enum feature id);
/* True when features__probe(id) says FEATURE_WORKS. What applets call to pick a mechanism. */
bool features__usable(enum feature id);

/*
 * Whether the tracepoint, kprobe, uprobe and uprobe_multi probes attach for real (default no:
 * they load a program and look the event, PMU or link type up). Releasing a perf event of a
 * tracepoint, kprobe or uprobe waits for an RCU grace period (~75 ms), a uprobe.multi link
 * longer, so an applet, which attaches anyway and reports that failure, leaves it out;
 * check-config turns it on before probing. Call before the first probe.
 */
void features__attach_probes(bool on);

/* "tracepoint", "kprobe_multi", ...; NULL for an id out of range. */
const char *features__name(enum feature id);
/* What the feature is, a few words for tables ("classic tracepoints (perf_event_open)"). */
const char *features__what(enum feature id);
/* The id for a name as accepted by --require, or -ENOENT. */
int features__lookup(const char *name);
/* "works", "missing", "error". */
const char *features__status_str(enum feature_status s);

/* Kernel function, tracepoint and user function the attach probes use (also used by tests). */
#define FEATURES_KFUNC		"vfs_read"
#define FEATURES_TP_CATEGORY	"sched"
#define FEATURES_TP_NAME	"sched_process_exec"

#endif
