// SPDX-License-Identifier: GPL-2.0
/* funccount: count kernel and user function calls, tracepoints and USDT probes, like BCC's. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "err.h"
#include "funccount.skel.h"
#include "linkset.h"
#include "opts.h"
#include "out.h"
#include "probe_cli.h"
#include "run.h"

static struct {
	struct probe_cli p;
	long interval, duration;
	bool timestamp, debug;
} o = { .p = PROBE_CLI_INIT };

static const struct opt opts[] = {
	PROBE_CLI_OPTS(o.p),
	{ 'i', "interval", OPT_FN, "SEC", "summary interval, seconds", &o.interval,
	  .parse = opt_parse_secs },
	{ 'd', "duration", OPT_FN, "SEC", "total duration of trace, seconds", &o.duration,
	  .parse = opt_parse_secs },
	{ 'T', "timestamp", OPT_FLAG, NULL, "include timestamp on output", &o.timestamp },
	{ 'D', "debug", OPT_FLAG, NULL, "print the attach plan (mechanism, targets, skipped)",
	  &o.debug },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "funccount",
	.opts = opts,
	.args = "pattern",
	.args_complete = "probe",
	.min_args = 1,
	.max_args = 1,
	.epilog = "examples:\n"
		  "  funccount 'vfs_*'             # count kernel fns starting with \"vfs\"\n"
		  "  funccount -r '^vfs.*'         # same as above, using regular expressions\n"
		  "  funccount -Ti 5 'vfs_*'       # output every 5 seconds, with timestamps\n"
		  "  funccount -d 10 'vfs_*'       # trace for 10 seconds only\n"
		  "  funccount -p 185 'vfs_*'      # count vfs calls for PID 185 only\n"
		  "  funccount t:sched:sched_fork  # count calls to the sched_fork tracepoint\n"
		  "  funccount -p 185 u:node:gc*   # count all GC USDT probes in node, PID 185\n"
		  "  funccount c:malloc            # count all malloc() calls in libc\n"
		  "  funccount go:os.*             # count all \"os.*\" calls in libgo\n"
		  "  funccount -p 185 go:os.*      # count all \"os.*\" calls in libgo, PID 185\n"
		  "  funccount ./test:read*        # count \"read*\" calls in the ./test binary\n"
		  "  funccount -c 1 'vfs_*'        # count vfs calls on CPU 1 only\n"
		  "  funccount -l 't:syscalls:*'   # list the probes a pattern names\n",
};

enum { C_FUNC, C_COUNT };
static struct out_col cols[] = {
	[C_FUNC] = { "FUNC", "func", -36, OUT_STR, .on = true },
	[C_COUNT] = { "COUNT", "count", 8, OUT_UINT, .on = true },
};
static const struct out_table table = { cols, 2 };

/* Most per-CPU counters (targets x CPUs) a run keeps in the kernel: 4 MiB; beyond, shared ones */
#define PERCPU_SLOTS_MAX (1 << 19)

struct fc {
	struct funccount_bpf *skel;
	struct probe_cli_run *run;
	uint64_t *last;		/* counts at the previous summary: each prints the difference */
	struct out_count *rows;
	int ncpu;		/* per-CPU counters on that many CPUs, 0: shared ones */
	uint64_t *percpu;	/* one target's per-CPU counters, read */
};

/* Target i's count so far: 0 or -errno. */
static int count_of(const struct fc *fc, uint32_t i, uint64_t *v)
{
	if (!fc->ncpu)
		return bpf_map_lookup_elem(bpf_map__fd(fc->skel->maps.counts), &i, v) ? -errno : 0;
	if (bpf_map_lookup_elem(bpf_map__fd(fc->skel->maps.pcounts), &i, fc->percpu))
		return -errno;
	*v = 0;
	for (int c = 0; c < fc->ncpu; c++)
		*v += fc->percpu[c];
	return 0;
}

static int summary(struct fc *fc)
{
	const struct probe_set *set = &fc->run->set;
	size_t n = 0;

	out_note("\n");
	if (o.timestamp) {
		char t[16];

		out_hhmmss(t);
		out_note("%-8s\n", t);
	}
	for (uint32_t i = 0; i < set->n; i++) {
		uint64_t v = 0;

		if (!fc->run->ok[i] || count_of(fc, i, &v))
			continue;
		fc->rows[n].name = set->t[i].name;
		fc->rows[n++].count = v - fc->last[i];
		fc->last[i] = v;
	}
	return out_counts(&table, fc->rows, n);
}

/* -l: one pattern per line that names one target alone. */
static int list(const struct probe_cli_run *run)
{
	char buf[8192];

	for (size_t i = 0; i < run->set.n; i++) {
		probe_cli__target_spec(run, i, buf, sizeof(buf));
		out_note("%s\n", buf);
	}
	return out_flush() ? 1 : 0;
}

/* -D (and --verbose for the skipped ones): what was attached, how, and what was refused. */
static void plan(const struct probe_cli_run *run)
{
	char note[512];

	if (o.debug)
		fprintf(stderr, "funccount: %zu of %zu targets attached with %s%s%s%s\n",
			run->attached, run->set.n, probe_mech__name(run->mech),
			run->set.path[0] ? " in " : "", run->set.path, probe_cli__mode(run));
	if (run->attached < run->set.n)
		err_debug("%zu targets skipped (first refusal: %s)", run->set.n - run->attached,
			  strerror(-run->first_err));
	for (size_t i = 0; i < run->set.n; i++)
		if (!run->ok[i] && (o.debug || opt_verbose))
			fprintf(stderr, "funccount: skipped %s\n", run->set.t[i].name);
	if ((o.debug || opt_verbose) && probe_cli__left_out(run, note, sizeof(note)))
		fprintf(stderr, "funccount: %s\n", note);
}

static int on_tick(void *ctx)
{
	return summary(ctx) == -EPIPE;
}

static void on_end(void *ctx)
{
	summary(ctx);
	out_note("Detaching...\n");
}

int funccount_main(int argc, char **argv)
{
	const struct run_ops ops = { .on_tick = on_tick, .on_exit = on_end };
	struct probe_progs progs;
	struct probe_cli_err e;
	struct fc fc = { 0 };
	int rc, err, first;

	first = opts_parse(&spec, argc, argv);
	run_setup(spec.name);
	rc = probe_cli__resolve(&o.p, argv[first], &fc.run, &e);
	if (rc) {
		err_msg("%s", e.msg);
		goto out;
	}
	if (o.p.list) {
		rc = list(fc.run);
		goto out;
	}
	rc = 1;
	fc.skel = funccount_bpf__open_opts(skel_open_opts());
	if (!fc.skel) {
		err_report(ERR_OPEN, -errno, "opening the BPF object");
		goto out;
	}
	fc.skel->rodata->probe_pid = o.p.pid;
	fc.skel->rodata->probe_cpu = (int)o.p.cpu;
	fc.ncpu = libbpf_num_possible_cpus();
	if (fc.ncpu <= 0 || fc.run->set.n > PERCPU_SLOTS_MAX / (size_t)fc.ncpu)
		fc.ncpu = 0;
	fc.skel->rodata->counts_percpu = fc.ncpu > 0;
	bpf_map__set_max_entries(fc.ncpu ? fc.skel->maps.pcounts : fc.skel->maps.counts,
				 (uint32_t)fc.run->set.n);
	progs = PROBE_CLI_PROGS(fc.skel);
	if ((rc = probe_cli__prepare(spec.name, &o.p, fc.run, &progs, &e))) {
		err_msg("%s", e.msg);
		goto out;
	}
	rc = 1;
	if ((err = skel_load(fc.skel->skeleton))) {
		err_report(ERR_LOAD, err, "loading BPF programs");
		goto out;
	}
	if ((rc = probe_cli__attach(&o.p, fc.run, &progs, &e))) {
		err_msg("%s", e.msg);
		goto out;
	}
	plan(fc.run);
	fc.last = calloc(fc.run->set.n, sizeof(*fc.last));
	fc.rows = calloc(fc.run->set.n, sizeof(*fc.rows));
	fc.percpu = calloc(fc.ncpu ? (size_t)fc.ncpu : 1, sizeof(*fc.percpu));
	if (!fc.last || !fc.rows || !fc.percpu) {
		err_report(ERR_RUNTIME, -ENOMEM, "starting");
		rc = 1;
		goto out;
	}
	out_note("Tracing %zu functions for \"%s\"... Hit Ctrl-C to end.\n", fc.run->attached,
		 argv[first]);
	err = run_loop(&(struct run_cfg){ .interval_ms = o.interval * 1000,
					  .duration_ms = o.duration * 1000,
					  .links = fc.run->links }, &ops, &fc);
	rc = err ? 1 : 0;
out:
	probe_cli__free(fc.run);
	funccount_bpf__destroy(fc.skel);
	free(fc.last);
	free(fc.rows);
	free(fc.percpu);
	return rc;
}
