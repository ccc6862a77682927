// SPDX-License-Identifier: GPL-2.0
/* stackcount: count the stack traces that lead to functions, tracepoints and USDT probes, like BCC's. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "err.h"
#include "flamegraph.h"
#include "image.h"
#include "linkset.h"
#include "opts.h"
#include "out.h"
#include "probe_cli.h"
#include "run.h"
#include "stackcount.h"
#include "stackcount.skel.h"
#include "stacks.h"
#include "syms.h"

_Static_assert(sizeof(struct stackcount_key) == 48, "stackcount_key layout");

#define DEPTH 127	/* frames kept per stack (kernel.perf_event_max_stack's default) */

static struct {
	struct probe_cli p;
	long interval, duration, stack_storage;
	bool timestamp, offsets, per_pid, kernel_only, user_only, address, delimited, folded;
	bool debug;
	const char *svg;
} o = { .p = PROBE_CLI_INIT, .stack_storage = 16384 };

static const struct opt opts[] = {
	PROBE_CLI_OPTS(o.p),
	{ 'i', "interval", OPT_FN, "SEC", "summary interval, seconds", &o.interval,
	  .parse = opt_parse_secs },
	{ 'D', "duration", OPT_FN, "SEC", "total duration of trace, seconds", &o.duration,
	  .parse = opt_parse_secs },
	{ 'T', "timestamp", OPT_FLAG, NULL, "include timestamp on output", &o.timestamp },
	{ 's', "offset", OPT_FLAG, NULL, "show address offsets", &o.offsets },
	{ 'P', "perpid", OPT_FLAG, NULL, "display stacks separately for each process",
	  &o.per_pid },
	{ 'K', "kernel-stacks-only", OPT_FLAG, NULL, "kernel stack only", &o.kernel_only },
	{ 'U', "user-stacks-only", OPT_FLAG, NULL, "user stack only", &o.user_only },
	/* BCC's --verbose is bpfbox's libbpf log: -v alone shows addresses */
	{ 'v', NULL, OPT_FLAG, NULL, "show raw addresses", &o.address },
	{ 'd', "delimited", OPT_FLAG, NULL, "insert delimiter between kernel/user stacks",
	  &o.delimited },
	{ 'f', "folded", OPT_FLAG, NULL, "output folded format", &o.folded },
	{ 0, "stack-storage-size", OPT_LONG, "N", "distinct stacks kept (default 16384)",
	  &o.stack_storage, 1, 1 << 24 },
	{ 0, "svg", OPT_STR, "FILE", "also write an interactive flame graph to FILE", &o.svg,
	  .max = 4095, .complete = "file" },
	{ 0, "debug", OPT_FLAG, NULL, "print the attach plan (mechanism, targets, skipped)",
	  &o.debug },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "stackcount",
	.opts = opts,
	.args = "pattern",
	.args_complete = "probe",
	.min_args = 1,
	.max_args = 1,
	.epilog = "examples:\n"
		  "  stackcount submit_bio          # count kernel stack traces for submit_bio\n"
		  "  stackcount -d ip_output        # include a user/kernel stack delimiter\n"
		  "  stackcount -s ip_output        # show symbol offsets\n"
		  "  stackcount -sv ip_output       # show offsets and raw addresses (verbose)\n"
		  "  stackcount 'tcp_send*'         # count stacks for funcs matching tcp_send*\n"
		  "  stackcount -r '^tcp_send.*'    # same as above, using regular expressions\n"
		  "  stackcount -Ti 5 ip_output     # output every 5 seconds, with timestamps\n"
		  "  stackcount -p 185 ip_output    # count ip_output stacks for PID 185 only\n"
		  "  stackcount -c 1 put_prev_entity   # count put_prev_entity stacks for CPU 1 only\n"
		  "  stackcount -p 185 c:malloc     # count stacks for malloc in PID 185\n"
		  "  stackcount t:sched:sched_fork  # count stacks for sched_fork tracepoint\n"
		  "  stackcount -p 185 u:node:*     # count stacks for all USDT probes in node\n"
		  "  stackcount -K t:sched:sched_switch   # kernel stacks only\n"
		  "  stackcount -U c:malloc         # user stacks only\n"
		  "  stackcount --svg vfs.svg 'vfs_*'   # and write a flame graph\n",
};

struct sc {
	struct stackcount_bpf *skel;
	struct probe_cli_run *run;
	struct stacks *st;
	uint64_t ips[DEPTH], uips[DEPTH];
	struct flamegraph *fg;
	struct flamegraph_file svg;	/* --svg FILE */
	bool svg_bad;		/* the flame graph could not take every stack */
	uint64_t hits;		/* all counted, for the flame graph's subtitle */
};

/* a record of stacks__read_counts */
struct entry {
	struct stackcount_key k;
	uint64_t count;
};
_Static_assert(sizeof(struct entry) == sizeof(struct stackcount_key) + 8, "entry layout");

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	uint64_t tx[] = { x->count, x->k.pid, x->k.user_stack, x->k.kernel_stack };
	uint64_t ty[] = { y->count, y->k.pid, y->k.user_stack, y->k.kernel_stack };

	return stacks__cmp_tuple(tx, ty, sizeof(tx) / sizeof(tx[0]));
}

/* BCC's frame: "  [ADDR ]sym[+0xoff]", no module. */
static void frame(struct sc *sc, bool kernel, const struct syms_id *image, uint64_t addr)
{
	FILE *f = out_file();
	char buf[4096], *mod;

	if (kernel)
		stacks__kframe(sc->st, addr, buf, sizeof(buf));
	else
		stacks__uframe(sc->st, image, addr, buf, sizeof(buf));
	mod = strstr(buf, " [");
	if (mod)
		*mod = '\0';
	if (o.address)
		fprintf(f, "  %-16" PRIx64 " ", addr);
	else
		fputs("  ", f);
	/* names come from files other users control: escaped like all text */
	out_text(f, buf);
	fputc('\n', f);
}

static void print_block(struct sc *sc, const struct entry *v, int nk, int nu,
			const struct syms_id *image)
{
	bool k = !v->k.kernel_err, u = !v->k.user_err;

	for (int i = 0; k && i < nk; i++)
		frame(sc, true, NULL, sc->ips[i]);
	if (o.delimited && k && u)
		out_note("    --\n");
	for (int i = 0; u && i < nu; i++)
		frame(sc, false, image, sc->uips[i]);
	/* hits whose stack walk found nothing (e.g. a user frame chain the kernel could not
	 * read at that moment): counted, not dropped as BCC does */
	if ((!k || !nk) && (!u || !nu))
		out_note("  [Missed Stack]\n");
	if (o.per_pid && o.p.pid < 0)
		out_note("    %.*s [%u]\n", STACKCOUNT_COMM_LEN, v->k.comm, v->k.pid);
	out_note("    %" PRIu64 "\n\n", v->count);
}

static int report(struct sc *sc)
{
	int cfd = bpf_map__fd(sc->skel->maps.counts), sfd = bpf_map__fd(sc->skel->maps.stacks);
	int ifd = bpf_map__fd(sc->skel->maps.stack_images), missing = 0, err;
	struct entry *v;
	bool full = false;
	uint64_t t0 = now_ns_mono(), hits = 0;
	size_t n;

	if (stacks__read_counts(cfd, sizeof(v->k), (void **)&v, &n))
		return err_report(ERR_RUNTIME, -ENOMEM, "reading the counts");
	if (n > 1)	/* v is NULL when nothing was counted */
		qsort(v, n, sizeof(*v), cmp_entry);
	if (!o.folded)
		out_note("\n");
	if (o.timestamp) {
		char t[16];

		out_hhmmss(t);
		out_note("%-8s\n", t);
	}
	for (size_t i = 0; i < n && !out_closed(); i++) {
		struct stackcount_key *k = &v[i].k;
		struct syms_id image = { .pid = (int)k->pid };
		struct image_id img;
		int nk, nu;

		/* -U/-K: the other side was never taken */
		if (o.user_only)
			k->kernel_err = -EFAULT;
		if (o.kernel_only)
			k->user_err = -EFAULT;
		for (int e = 0; e < 2; e++) {
			int err = e ? k->user_err : k->kernel_err;

			if (err && err != -EFAULT) {
				missing++;
				full |= err == -ENOMEM;
			}
		}
		nk = k->kernel_err ? 0 : stacks__read(sfd, k->kernel_stack, sc->ips, DEPTH);
		nu = k->user_err ? 0 : stacks__read(sfd, k->user_stack, sc->uips, DEPTH);
		/* the user frames in the mappings of the image that made them (without -P: of
		 * one of the processes that did) */
		if (nu && !bpf_map_lookup_elem(ifd, &k->user_stack, &img) &&
		    (!k->pid || img.pid == k->pid))
			image = (struct syms_id){ .pid = (int)img.pid, .start_ns = img.start_ns,
						  .exec_id = img.exec_id };
		char comm[STACKCOUNT_COMM_LEN + 1];
		struct stack_entry e = {
			.comm = comm, .pid = (uint32_t)image.pid, .count = v[i].count,
			.kips = sc->ips, .nk = nk, .kerr = k->kernel_err,
			.uips = sc->uips, .nu = nu, .uerr = k->user_err, .image = &image };

		snprintf(comm, sizeof(comm), "%.*s", STACKCOUNT_COMM_LEN, k->comm);
		/* stacks__print feeds the flame graph itself */
		if (o.folded || opt_json) {
			err = stacks__print(sc->st, &e);
		} else {
			print_block(sc, &v[i], nk, nu, &image);
			err = stacks__flame(sc->st, &e);
		}
		sc->svg_bad |= err == -ENOMEM;
		hits += v[i].count;
		/* each summary counts from the previous one */
		if (o.interval)
			bpf_map_delete_elem(cfd, k);
	}
	free(v);
	sc->hits += hits;
	err_debug("%zu stacks, %" PRIu64 " hits symbolized and printed in %.1f ms", n, hits,
		  (double)(now_ns_mono() - t0) / 1e6);
	if (missing)
		fprintf(stderr, "WARNING: %d stack traces could not be displayed.%s\n", missing,
			full ? " Consider increasing --stack-storage-size." : "");
	if (sc->skel->bss->hash_full)
		fprintf(stderr, "WARNING: hash table full, %" PRIu64 " hits not counted. Consider "
			"increasing --stack-storage-size.\n", (uint64_t)sc->skel->bss->hash_full);
	return out_flush();
}

static int on_event(void *ctx, const void *data, size_t len)
{
	struct sc *sc = ctx;

	/* first sight of a process image: keep its mappings, it may be gone by the report */
	stacks__image_record(sc->st, data, len);
	return 0;
}

static int on_tick(void *ctx)
{
	return report(ctx) == -EPIPE;
}

static void on_end(void *ctx)
{
	struct sc *sc = ctx;
	char sub[160];
	int err;

	report(sc);
	if (!o.folded)
		out_note("Detaching...\n");
	if (!sc->fg || sc->svg_bad)
		return;
	snprintf(sub, sizeof(sub), "%" PRIu64 " hits, %s stacks", sc->hits,
		 o.user_only ? "user" : o.kernel_only ? "kernel" : "user + kernel");
	err = flamegraph__write(sc->fg, sc->svg.f, &(struct flamegraph_opts){
		.title = "Stack counts", .subtitle = sub, .unit = "hits" });
	if (err) {
		err_msg("writing %s: %s", o.svg, strerror(-err));
		sc->svg_bad = true;
	}
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

static int setup(struct sc *sc, const char *pattern)
{
	struct stackcount_bpf *skel;
	struct probe_progs progs;
	struct probe_cli_err e;
	char note[512];
	int err, rc;

	sc->skel = skel = stackcount_bpf__open_opts(skel_open_opts());
	if (!skel)
		return err_report(ERR_OPEN, -errno, "opening the BPF object");
	skel->rodata->probe_pid = o.p.pid;
	skel->rodata->probe_cpu = (int)o.p.cpu;
	skel->rodata->user_stacks = !o.kernel_only;
	skel->rodata->kernel_stacks = !o.user_only;
	skel->rodata->per_process = o.per_pid || o.p.pid >= 0;
	bpf_map__set_max_entries(skel->maps.counts, (uint32_t)o.stack_storage);
	bpf_map__set_max_entries(skel->maps.stacks, (uint32_t)o.stack_storage);
	bpf_map__set_max_entries(skel->maps.stack_images, (uint32_t)o.stack_storage);
	if (o.kernel_only)	/* no user stacks: no images to tell apart */
		bpf_map__set_max_entries(skel->maps.seen_images, 1);
	bpf_map__set_value_size(skel->maps.stacks, DEPTH * sizeof(uint64_t));
	skel->rodata->stack_bytes = DEPTH * sizeof(uint64_t);
	/* only first-sight announcements travel through it: a few bytes per process */
	bpf_map__set_max_entries(skel->maps.events, 64 * 1024);
	progs = PROBE_CLI_PROGS(skel);
	if ((rc = probe_cli__prepare(spec.name, &o.p, sc->run, &progs, &e)))
		return err_msg("%s", e.msg), rc;
	if ((err = skel_load(skel->skeleton)))
		return err_report(ERR_LOAD, err, "loading BPF programs");
	if ((rc = probe_cli__attach(&o.p, sc->run, &progs, &e)))
		return err_msg("%s", e.msg), rc;
	if (o.debug)
		fprintf(stderr, "stackcount: %zu of %zu targets attached with %s%s%s%s\n",
			sc->run->attached, sc->run->set.n, probe_mech__name(sc->run->mech),
			sc->run->set.path[0] ? " in " : "", sc->run->set.path, probe_cli__mode(sc->run));
	for (size_t i = 0; i < sc->run->set.n; i++)
		if (!sc->run->ok[i] && (o.debug || opt_verbose))
			fprintf(stderr, "stackcount: skipped %s\n", sc->run->set.t[i].name);
	if ((o.debug || opt_verbose) && probe_cli__left_out(sc->run, note, sizeof(note)))
		fprintf(stderr, "stackcount: %s\n", note);
	if (!o.folded)
		out_note("Tracing %zu functions for \"%s\"... Hit Ctrl-C to end.\n",
			 sc->run->attached, pattern);
	return 0;
}

int stackcount_main(int argc, char **argv)
{
	const struct run_ops ops = { .on_event = on_event, .on_tick = on_tick, .on_exit = on_end };
	struct probe_cli_err e;
	struct sc sc = { 0 };
	struct sigaction sa;
	int rc, first, err;

	first = opts_parse(&spec, argc, argv);
	if (o.kernel_only && o.user_only)
		usage_error(&spec, "-K and -U are mutually exclusive");
	if (o.svg && flamegraph_file__check(o.svg))
		usage_error(&spec, "--svg '%s': expected a file name, not a directory", o.svg);
	run_setup(spec.name);
	/* a closed terminal or SSH session ends the run like Ctrl-C: report, tidy up */
	sigaction(SIGINT, NULL, &sa);
	sigaction(SIGHUP, &sa, NULL);
	rc = probe_cli__resolve(&o.p, argv[first], &sc.run, &e);
	if (rc) {
		err_msg("%s", e.msg);
		goto out;
	}
	if (o.p.list) {
		rc = list(sc.run);
		goto out;
	}
	/* before anything is attached: a bad path fails at once */
	if (o.svg && (err = flamegraph_file__open(&sc.svg, o.svg))) {
		err_msg("cannot write %s: %s", o.svg, strerror(-err));
		rc = 1;
		goto out;
	}
	if (o.svg && !(sc.fg = flamegraph__new())) {
		rc = err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	sc.st = stacks__new(&(struct stacks_opts){ .delimiter = o.delimited,
						   .folded = o.folded,
						   .no_offsets = !o.offsets, .fg = sc.fg });
	if (!sc.st) {
		rc = err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	/* the named process is alive now: take its mappings before it can exit */
	if (o.p.pid > 0)
		syms_cache__get(stacks__syms(sc.st), (int)o.p.pid);
	if ((rc = setup(&sc, argv[first])))
		goto out;
	rc = run_loop(&(struct run_cfg){ .events = sc.skel->maps.events,
					 .lost = &sc.skel->bss->lost_events,
					 .interval_ms = o.interval * 1000,
					 .duration_ms = o.duration * 1000,
					 .links = sc.run->links }, &ops, &sc) ? 1 : 0;
out:
	probe_cli__free(sc.run);
	stackcount_bpf__destroy(sc.skel);
	/* the graph is kept only from a run that ended well and wrote it whole */
	err = flamegraph_file__close(&sc.svg, !rc && !sc.svg_bad);
	if (err && !rc)
		err_msg("writing %s: %s", o.svg, strerror(-err));
	/* a graph that could not be written whole (said where it failed) fails the run */
	if (!rc && (err || sc.svg_bad))
		rc = 1;
	flamegraph__free(sc.fg);
	stacks__free(sc.st);
	return rc;
}
