/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What funccount and stackcount share around the probe engine: their common options (-p, -c,
 * -r, -l, --mechanism, --max-probes), the pattern → probe set → attached links sequence, and
 * BCC's checks and messages on the way (no match, probe limit). Nothing here prints: each step
 * returns an exit status with the one line to print in err->msg.
 */
#ifndef BPFBOX_PROBE_CLI_H
#define BPFBOX_PROBE_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "probe_attach.h"
#include "probe_resolve.h"
#include "probe_spec.h"

#define PROBE_LIMIT_DEFAULT 1000	/* BCC's, overridden by BCC_PROBE_LIMIT or --max-probes */

struct probe_cli {
	long pid;		/* -p: -1 off */
	long cpu;		/* -c: -1 off */
	bool regex;		/* -r */
	bool list;		/* -l */
	long max_probes;	/* --max-probes: 0 = BCC_PROBE_LIMIT or the default */
	int mechanism;		/* --mechanism: -1 = choose */
};

#define PROBE_CLI_INIT { .pid = -1, .cpu = -1, .mechanism = -1 }

const char *probe_cli__parse_mech(const char *arg, void *dst);
const char *probe_cli__parse_pid(const char *arg, void *dst);

/* The option table rows, for an applet's table (o: a struct probe_cli lvalue). */
#define PROBE_CLI_OPTS(o) \
	{ 'p', "pid", OPT_FN, "PID", "trace this PID only", &(o).pid, \
	  .parse = probe_cli__parse_pid, .complete = "pid" }, \
	{ 'c', "cpu", OPT_LONG, "CPU", "trace this CPU only", &(o).cpu, 0, 4095 }, \
	{ 'r', "regexp", OPT_FLAG, NULL, "use regular expressions (default: '*' wildcards only)", \
	  &(o).regex }, \
	{ 'l', "list", OPT_FLAG, NULL, "list the probes the pattern matches, without tracing", \
	  &(o).list }, \
	{ 0, "max-probes", OPT_LONG, "N", "most probes attached (default 1000 or BCC_PROBE_LIMIT)", \
	  &(o).max_probes, 1, 1000000 }, \
	{ 0, "mechanism", OPT_FN, "NAME", "attach kernel or user functions this way only: " \
	  PROBE_MECH_NAMES, &(o).mechanism, .parse = probe_cli__parse_mech, \
	  .complete = PROBE_MECH_NAMES }

/*
 * The probe_progs of a skeleton built on bpf/probe.bpf.h: its shells probe_tp##sfx ...
 * probe_usdt##sfx (sfx empty, or _steps for the expression VM without bpf_loop).
 */
#define PROBE_CLI_PROGS_SFX(sk, sfx) ((struct probe_progs){ .prog = {	\
	[PROBE_MECH_TRACEPOINT] = (sk)->progs.probe_tp##sfx,			\
	[PROBE_MECH_KPROBE_MULTI] = (sk)->progs.probe_kprobe_multi##sfx,	\
	[PROBE_MECH_FENTRY] = (sk)->progs.probe_fentry##sfx,			\
	[PROBE_MECH_KPROBE] = (sk)->progs.probe_kprobe##sfx,			\
	[PROBE_MECH_UPROBE_MULTI] = (sk)->progs.probe_uprobe_multi##sfx,	\
	[PROBE_MECH_UPROBE] = (sk)->progs.probe_uprobe##sfx,			\
	[PROBE_MECH_USDT] = (sk)->progs.probe_usdt##sfx,			\
	}, .skel = (sk)->skeleton })
#define PROBE_CLI_PROGS(sk) PROBE_CLI_PROGS_SFX(sk, )

struct probe_cli_err {
	char msg[400];
};

/* One run's probes, from the pattern to the links. */
struct probe_cli_run {
	struct probe_spec spec;
	struct probe_set set;
	enum probe_mech mech;
	bool copies;		/* one copy of the object per target (probe_attach__copies) */
	bool *ok;		/* ok[i]: target i attached */
	size_t attached;
	int first_err;		/* why the first skipped target was refused */
	struct linkset *links;
};

/*
 * Parses and resolves pattern: 0, or the exit status (2: the pattern, library, pid or probe
 * limit is wrong; 1: the machine could not be read) with the line in err. The probe limit is
 * not checked under -l.
 */
int probe_cli__resolve(const struct probe_cli *o, const char *pattern,
		       struct probe_cli_run **run, struct probe_cli_err *err);
/* The target as a pattern naming it alone ("vfs_read", "t:sched:sched_switch", "c:malloc",
 * "u:/usr/bin/python3:gc__start"), for -l. */
void probe_cli__target_spec(const struct probe_cli_run *run, size_t i, char *buf, size_t size);
/*
 * Before load: chooses the mechanism (autoload of the others off); a run of one target marks
 * the object as serving it alone (probe_attach__one). 0 or 2/1 with err (also when the targets
 * need copies, over PROBE_COPIES_MAX of them).
 */
int probe_cli__prepare(const char *applet, const struct probe_cli *o, struct probe_cli_run *run,
		       const struct probe_progs *progs, struct probe_cli_err *err);
/*
 * The same for one of several runs sharing an object (trace, argdist): used[] collects the
 * chosen mechanisms, whose programs stay switched on (each prepare switches the others off).
 */
int probe_cli__prepare_shared(const char *applet, const struct probe_cli *o,
			      struct probe_cli_run *run, const struct probe_progs *progs,
			      bool used[PROBE_MECH__COUNT], struct probe_cli_err *err);
/* After load: attaches; 0, or 1 with err when nothing attached. */
int probe_cli__attach(const struct probe_cli *o, struct probe_cli_run *run,
		      const struct probe_progs *progs, struct probe_cli_err *err);
/* For -v/-D after the mechanism's name: "" with cookies, else ", ... (one program per ...)". */
const char *probe_cli__mode(const struct probe_cli_run *run);
/* Fills buf with one line on the matched targets never attached (IFUNCs, EVEX); 0: none. */
int probe_cli__left_out(const struct probe_cli_run *run, char *buf, size_t size);
void probe_cli__free(struct probe_cli_run *run);

#endif
