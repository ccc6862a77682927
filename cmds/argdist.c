// SPDX-License-Identifier: GPL-2.0
/*
 * argdist: frequency counts (-C) and log2 histograms (-H) of expressions over function
 * arguments, return values, tracepoint fields and USDT operands, like BCC's, with the
 * expressions run in the kernel by the expression VM (DESIGN §6).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "argdist.h"
#include "argdist.skel.h"
#include "argdist_spec.h"
#include "attach.h"
#include "err.h"
#include "expr.h"
#include "expr_probe.h"
#include "linkset.h"
#include "opts.h"
#include "out.h"
#include "probe_cli.h"
#include "run.h"
#include "strescape.h"

#define SPECS_MAX 32

struct spec_list {
	int n;
	const char *s[SPECS_MAX];
};

static struct {
	long pid, tid, str_size, interval, duration, count, top;
	bool verbose, cumulative;
	const char *include;
	struct spec_list counts, hists;
} o = { .pid = -1, .tid = -1, .str_size = AGG_STR, .interval = 1 };

static const char *add_spec(const char *arg, void *dst)
{
	struct spec_list *l = dst;

	if (l->n >= SPECS_MAX)
		return "at most 32 specifiers of each kind";
	l->s[l->n++] = arg;
	return NULL;
}

static const struct opt opts[] = {
	{ 'p', "pid", OPT_FN, "PID", "id of the process to trace (optional)", &o.pid,
	  .parse = probe_cli__parse_pid, .complete = "pid" },
	{ 't', "tid", OPT_FN, "TID", "id of the thread to trace (optional)", &o.tid,
	  .parse = probe_cli__parse_pid },
	{ 'z', "string-size", OPT_LONG, "SIZE", "maximum string size to read from char* "
	  "arguments", &o.str_size, 1, AGG_STR },
	{ 'i', "interval", OPT_FN, "SEC", "output interval, in seconds (default 1 second)",
	  &o.interval, .parse = opt_parse_secs },
	{ 'd', "duration", OPT_FN, "SEC", "total duration of trace, in seconds", &o.duration,
	  .parse = opt_parse_secs },
	{ 'n', "number", OPT_LONG, "COUNT", "number of outputs", &o.count, 1, 1000000000 },
	{ 'v', NULL, OPT_FLAG, NULL, "print the plan: probes, mechanisms and bytecode",
	  &o.verbose },
	{ 'c', "cumulative", OPT_FLAG, NULL, "do not clear histograms and freq counts at each "
	  "interval", &o.cumulative },
	{ 'T', "top", OPT_LONG, "TOP", "number of top results to show (not applicable to "
	  "histograms)", &o.top, 1, 1000000 },
	{ 'H', "histogram", OPT_FN, "SPEC", "probe specifier to capture histogram of",
	  &o.hists, .parse = add_spec },
	{ 'C', "count", OPT_FN, "SPEC", "probe specifier to capture count of", &o.counts,
	  .parse = add_spec },
	{ 'I', "include", OPT_STR, "HDR", "accepted for BCC compatibility: types come from "
	  "the kernel's BTF", &o.include, 0, 4096, .complete = "file" },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "argdist",
	.opts = opts,
	.max_args = 0,
	.epilog =
	"probe specifier syntax:\n"
	"  {p,r,t,u}:{[library],category}:function(signature)[:type[,type...]:expr[,expr...]"
	"[:filter]][#label]\n"
	"\n"
	"examples:\n"
	"  argdist -H 'p::__kmalloc(u64 size):u64:size'\n"
	"        Print a histogram of allocation sizes passed to kmalloc\n"
	"  argdist -C 'p:c:malloc(size_t size):size_t:size:size==16'\n"
	"        Print a frequency count of how many times malloc was called with 16 bytes\n"
	"  argdist -C 'r:c:gets():char*:(char*)$retval#snooped strings'\n"
	"        Snoop on all strings returned by gets()\n"
	"  argdist -C 't:syscalls:sys_enter_read():u64:args->count'\n"
	"        Count read sizes from the syscall tracepoint\n"
	"  argdist -c -C 'p:c:write():int:$PID#write per process' -n 2\n"
	"        Count writes per process, cumulatively, printing twice\n"
	"  argdist -C 't:syscalls:sys_exit_epoll_wait():char*:$COMM'\n"
	"        Count epoll_wait returns per command name\n",
};

struct aspec {
	const char *text;
	bool hist;
	struct argdist_spec s;
	struct expr_set x;
	struct expr_prog prog;
	struct expr_env env;
	struct expr_param params[EXPR_PARAMS_MAX];
	struct expr_field fields[TP_FIELDS_MAX];
	struct expr_type vt[ARGDIST_VALS];
	char vtext[ARGDIST_VALS][160];	/* each expression as written, for EVENT */
	int str_slot;
	bool entry;		/* r: with $latency or $entry(): an entry probe saves for it */
	struct probe_cli_run *run, *erun;	/* erun: that entry probe */
	uint32_t base;
};

struct ad {
	struct argdist_bpf *skel;
	struct aspec *sp;
	int nsp;
	uint32_t nids;
	uint32_t *owner;
	uint8_t *entry_of;	/* target id → 1 for entry probes of $latency/$entry */
	struct linkset *links;
	long prints;
	uint64_t start_ms;
	const char *loop;	/* what steps the expression VM, for -v */
};

static void __attribute__((noreturn)) spec_error(const struct aspec *a, const struct expr_err *e)
{
	fprintf(stderr, "argdist: '%.200s': column %d: %s\n", a->text, e->pos + 1, e->msg);
	exit(2);
}

static void compile(struct aspec *a)
{
	struct argdist_spec *s = &a->s;
	char fn[600];
	struct expr_err e;
	int root, rc;

	if (argdist_spec__parse(a->text, a->hist, s, &e))
		spec_error(a, &e);
	if (s->type == 't')
		snprintf(fn, sizeof(fn), "%.255s:%.255s", s->lib, s->fn);
	else
		snprintf(fn, sizeof(fn), "%s", s->fn);
	if (s->type == 't' && (!s->lib[0] || strchr(s->lib, '/'))) {
		e.pos = 2;
		snprintf(e.msg, sizeof(e.msg), "tracepoints are written t:CATEGORY:EVENT()");
		spec_error(a, &e);
	}
	rc = expr_probe__env(s->type, s->lib, fn, &a->env, a->fields);
	if (rc == -ENOENT) {
		fprintf(stderr, "argdist: '%.200s': no tracepoint %s\n", a->text, fn);
		exit(2);
	}
	if (rc) {
		fprintf(stderr, "argdist: cannot read the format of tracepoint %s: %s\n", fn,
			strerror(-rc));
		exit(1);
	}
	snprintf(s->fn, sizeof(s->fn), "%.255s", fn);
	a->env.argdist = true;
	/* the signature binds names on p: probes; on r: probes it types $entry() */
	if ((s->type == 'p' || s->type == 'r') && expr_parse_signature(a->text + s->sig, s->sig_len, s->sig,
						   a->params, &a->env.nparams, &e))
		spec_error(a, &e);
	a->env.params = a->params;
	if (s->filter >= 0) {
		if ((root = expr_parse(&a->x, a->text + s->filter, s->filter_len, s->filter, false,
				       &e)) < 0 ||
		    expr_type(&a->x, root, &a->env, &e) ||
		    expr_lower_filter(&a->x, root, &a->env, &a->prog, &e))
			spec_error(a, &e);
	}
	a->str_slot = -1;
	if (s->retval_default) {
		static const char rv[] = "$retval";

		s->nvals = 1;
		strcpy(s->ctype[0], "int");
		if ((root = expr_parse(&a->x, rv, 7, 0, false, &e)) < 0 ||
		    expr_type(&a->x, root, &a->env, &e) ||
		    expr_lower_value(&a->x, root, &a->env, 0, false, &a->prog, &e))
			spec_error(a, &e);
		strcpy(a->vtext[0], "retval");
		expr_type_parse("int", &a->vt[0]);
	}
	for (int i = 0; !s->retval_default && i < s->nvals; i++) {
		struct expr_type *t = &a->vt[i];
		enum expr_tkind kind;
		bool str;

		if (expr_type_parse(s->ctype[i], t)) {
			e.pos = 0;
			snprintf(e.msg, sizeof(e.msg), "unknown type '%s'", s->ctype[i]);
			spec_error(a, &e);
		}
		str = t->kind == ET_PTR && t->is_char;
		if (str && (a->hist || a->str_slot >= 0)) {
			e.pos = s->val[i];
			snprintf(e.msg, sizeof(e.msg), a->hist ? "histograms need a number, not a "
				 "string" : "at most one string (char*) per specifier");
			spec_error(a, &e);
		}
		if (str)
			a->str_slot = i;
		if ((root = expr_parse(&a->x, a->text + s->val[i], s->val_len[i], s->val[i], false,
				       &e)) < 0 ||
		    expr_type(&a->x, root, &a->env, &e))
			spec_error(a, &e);
		/* a string needs something to read one from; a number takes any scalar (a
		 * pointer gives its address), but not a char array */
		kind = a->x.node[root].type.kind;
		if (str ? !(kind == ET_CHARS || kind == ET_PTR || a->x.node[root].type.raw) :
			  kind != ET_INT && kind != ET_PTR) {
			e.pos = s->val[i];
			snprintf(e.msg, sizeof(e.msg), "type mismatch: '%s' %s", s->ctype[i],
				 str ? "needs a string expression" : "is a number but the "
				 "expression is a string");
			spec_error(a, &e);
		}
		if (expr_lower_value(&a->x, root, &a->env, i, str, &a->prog, &e))
			spec_error(a, &e);
		snprintf(a->vtext[i], sizeof(a->vtext[i]), "%.*s", s->val_len[i],
			 a->text + s->val[i]);
		/* BCC shows $entry(x) as x */
		if (a->x.node[root].kind == EN_VAR && !strcmp(a->x.node[root].name, "entry"))
			snprintf(a->vtext[i], sizeof(a->vtext[i]), "%s",
				 a->x.node[a->x.node[root].a].name);
	}
	for (int k = 0; k < a->x.nnodes; k++)
		if (a->x.node[k].kind == EN_VAR && (!strcmp(a->x.node[k].name, "latency") ||
						    !strcmp(a->x.node[k].name, "entry")))
			a->entry = true;
	if (expr_lower_end(&a->prog, &e))
		spec_error(a, &e);
}

static void add_targets(struct ad *ad, struct aspec *a, struct probe_set *set, uint8_t entry)
{
	set->cookie_base = ad->nids;
	if (ad->nids + set->n > XVM_PROBES_MAX) {
		fprintf(stderr, "argdist: too many probe targets (at most %d)\n", XVM_PROBES_MAX);
		exit(2);
	}
	for (size_t i = 0; i < set->n; i++) {
		ad->entry_of[ad->nids] = entry;
		ad->owner[ad->nids++] = (uint32_t)(a - ad->sp);
	}
}

static void resolve(struct ad *ad, struct aspec *a, const struct probe_cli *pc)
{
	struct probe_cli_err e;
	char pat[ARGDIST_SPEC_MAX + 300];
	struct probe_set *set;
	int rc;

	expr_probe__pattern(a->s.type, a->s.lib, a->s.fn, pat, sizeof(pat));
	rc = probe_cli__resolve(pc, pat, &a->run, &e);
	if (rc) {
		fprintf(stderr, "argdist: '%.200s': %s\n", a->text, e.msg);
		exit(rc);
	}
	set = &a->run->set;
	set->retprobe = a->s.type == 'r';
	add_targets(ad, a, set, 0);
	if (!a->entry)
		return;
	/* the same functions' entries, saving the time and arguments */
	if ((rc = probe_cli__resolve(pc, pat, &a->erun, &e))) {
		fprintf(stderr, "argdist: '%.200s': %s\n", a->text, e.msg);
		exit(rc);
	}
	add_targets(ad, a, &a->erun->set, 1);
}

static void plan(const struct ad *ad)
{
	fprintf(stderr, "argdist: expressions stepped by %s\n", ad->loop);
	for (int i = 0; i < ad->nsp; i++) {
		const struct aspec *a = &ad->sp[i];
		char d[96];

		fprintf(stderr, "argdist: %s '%s': %zu of %zu targets attached with %s%s%s%s\n",
			a->hist ? "-H" : "-C", a->text, a->run->attached, a->run->set.n,
			probe_mech__name(a->run->mech), a->run->set.path[0] ? " in " : "",
			a->run->set.path, probe_cli__mode(a->run));
		for (int k = 0; k < a->prog.nops; k++) {
			expr_op_describe(&a->prog.op[k], d, sizeof(d));
			fprintf(stderr, "    %3d  %s\n", k, d);
		}
	}
}

struct row {
	struct agg_key k;
	uint64_t n;
};

/* -j: one object per count row and per histogram row (text goes through out_note) */
enum { J_TIME, J_SPEC, J_EVENT, J_LOW, J_HIGH, J_COUNT };
static struct out_col jcols[] = {
	[J_TIME] = { "TIME", "time", 0, OUT_STR, .on = true },
	[J_SPEC] = { "SPEC", "spec", 0, OUT_STR, .on = true },
	[J_EVENT] = { "EVENT", "event", 0, OUT_STR },
	[J_LOW] = { "LOW", "low", 0, OUT_UINT },
	[J_HIGH] = { "HIGH", "high", 0, OUT_UINT },
	[J_COUNT] = { "COUNT", "count", 0, OUT_UINT, .on = true },
};
static const struct out_table jtable = { jcols, 6 };

static void json_row(const char *time, const char *spec, const char *event, uint64_t low,
		     uint64_t high, uint64_t count)
{
	union out_val v[6] = { [J_TIME].s = time, [J_SPEC].s = spec, [J_EVENT].s = event,
			       [J_LOW].u = low, [J_HIGH].u = high, [J_COUNT].u = count };

	if (!opt_json)
		return;
	jcols[J_EVENT].on = event != NULL;
	jcols[J_LOW].on = jcols[J_HIGH].on = event == NULL;
	out_row(&jtable, v);
}

static int by_count(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return memcmp(&a->k, &b->k, sizeof(a->k));
}

/* EVENT: "expr = value, ..." */
static void event_text(const struct aspec *a, const struct agg_key *k, char *buf, size_t size)
{
	size_t n = 0;

	if (!a->s.nvals) {
		snprintf(buf, size, "total calls");
		return;
	}
	buf[0] = '\0';
	for (int i = 0; i < a->s.nvals && n < size; i++) {
		const struct expr_type *t = &a->vt[i];
		char v[AGG_STR * 4 + 1];

		if (i == a->str_slot)
			str_escape(k->str, AGG_STR, v, sizeof(v));
		else if (t->kind == ET_INT && t->sign)
			snprintf(v, sizeof(v), "%lld", (long long)xvm_ext(k->val[i],
					(unsigned int)t->size, XVM_F_SIGNED));
		else
			snprintf(v, sizeof(v), "%llu", (unsigned long long)(t->kind == ET_INT ?
					xvm_ext(k->val[i], (unsigned int)t->size, 0) : k->val[i]));
		n += (size_t)snprintf(buf + n, size - n, "%s%s = %s", i ? ", " : "", a->vtext[i],
				      v);
	}
}

static void stars(char *buf, uint64_t count, uint64_t max, int width)
{
	int n = max ? (int)(count * (uint64_t)width / max) : 0;

	if (n > width)
		n = width;
	memset(buf, '*', (size_t)n);
	memset(buf + n, ' ', (size_t)(width - n));
	buf[width] = '\0';
}

/* BCC's log2 histogram (spec §3.2) of slots[1..64]. */
static void histogram(const char *time, const char *label, const uint64_t *slots)
{
	int top = 0;
	uint64_t max = 0;
	char bar[41];

	for (int i = 1; i <= 64; i++)
		if (slots[i]) {
			top = i;
			if (slots[i] > max)
				max = slots[i];
		}
	if (!top)
		return;
	if (top <= 32)
		out_note("     %-19s : count     distribution\n", label);
	else
		out_note("               %-29s : count     distribution\n", label);
	for (int i = 1; i <= top; i++) {
		uint64_t hi = i == 64 ? UINT64_MAX : (1ull << i) - 1, lo = (1ull << i) >> 1;

		if (lo == hi)
			lo--;
		stars(bar, slots[i], max, top <= 32 ? 40 : 20);
		json_row(time, label, NULL, lo, hi, slots[i]);
		if (top <= 32)
			out_note("%10llu -> %-10llu : %-8llu |%s|\n", (unsigned long long)lo,
				 (unsigned long long)hi, (unsigned long long)slots[i], bar);
		else
			out_note("%20llu -> %-20llu : %-8llu |%s|\n", (unsigned long long)lo,
				 (unsigned long long)hi, (unsigned long long)slots[i], bar);
	}
}

static int print(struct ad *ad)
{
	int fd = bpf_map__fd(ad->skel->maps.counts);
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	struct agg_key k, next = { 0 }, *prev = NULL;	/* the key's bytes past the map's stay 0 */
	char t[16];

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (n == cap) {
			struct row *r = realloc(rows, (cap = cap ? cap * 2 : 256) * sizeof(*rows));

			if (!r) {
				free(rows);
				return -ENOMEM;
			}
			rows = r;
		}
		rows[n].k = k;
		if (bpf_map_lookup_elem(fd, &k, &rows[n].n))
			continue;
		n++;
	}
	if (!o.cumulative)
		for (size_t i = 0; i < n; i++)
			bpf_map_delete_elem(fd, &rows[i].k);
	if (n > 1)	/* rows is NULL when the map was empty */
		qsort(rows, n, sizeof(*rows), by_count);
	out_hhmmss(t);
	out_note("[%s]\n", t);
	for (int s = 0; s < ad->nsp; s++) {
		const struct aspec *a = &ad->sp[s];
		size_t have = 0, skip;

		if (a->hist) {
			uint64_t slots[65] = { 0 };

			for (size_t i = 0; i < n; i++)
				if (rows[i].k.probe == (uint32_t)s && rows[i].k.val[0] <= 64)
					slots[rows[i].k.val[0]] += rows[i].n;
			histogram(t, a->s.label[0] ? a->s.label : a->vtext[0], slots);
			continue;
		}
		out_note("%s\n", a->s.label[0] ? a->s.label : a->text);
		out_note("\t%-10s %s\n", "COUNT", "EVENT");
		for (size_t i = 0; i < n; i++)
			have += rows[i].k.probe == (uint32_t)s;
		skip = o.top && (size_t)o.top < have ? have - (size_t)o.top : 0;
		for (size_t i = 0; i < n; i++) {
			char ev[2048];

			if (rows[i].k.probe != (uint32_t)s || (skip && skip--))
				continue;
			event_text(a, &rows[i].k, ev, sizeof(ev));
			out_note("\t%-10llu %s\n", (unsigned long long)rows[i].n, ev);
			json_row(t, a->s.label[0] ? a->s.label : a->text, ev, 0, 0, rows[i].n);
		}
	}
	free(rows);
	return out_flush();
}

static int on_tick(void *ctx)
{
	struct ad *ad = ctx;

	if (print(ad))
		return 1;
	ad->prints++;
	if (o.count && ad->prints >= o.count)
		return 1;
	if (o.duration && (long)((now_ns_mono() / 1000000 - ad->start_ms) / 1000) >= o.duration)
		return 1;
	return 0;
}

static int fill_maps(struct ad *ad)
{
	int code = bpf_map__fd(ad->skel->maps.xvm_code);
	int probes = bpf_map__fd(ad->skel->maps.xvm_probes);
	int lits = bpf_map__fd(ad->skel->maps.xvm_lits);
	int aps = bpf_map__fd(ad->skel->maps.agg_probes);
	int err;

	for (int i = 0; i < ad->nsp; i++)
		if ((err = expr_probe__fill_code(code, ad->sp[i].base, &ad->sp[i].prog)))
			return err;
	for (uint32_t id = 0; id < ad->nids; id++) {
		const struct aspec *a = &ad->sp[ad->owner[id]];
		struct xvm_probe pr = { .base = a->base, .nops = (uint32_t)a->prog.nops,
					.nstr = a->str_slot >= 0 };
		struct agg_probe ap = { .spec = ad->owner[id], .hist = a->hist,
					.str_slot = a->str_slot,
					.nvals = (uint32_t)a->s.nvals,
					.entry = ad->entry_of[id] ? 1 : a->entry ? 2 : 0 };

		const struct probe_cli_run *run = ad->entry_of[id] ? a->erun : a->run;

		expr_probe__shell(&pr, &run->set, id - run->set.cookie_base);
		if (bpf_map_update_elem(probes, &id, &pr, 0) ||
		    bpf_map_update_elem(aps, &id, &ap, 0))
			return -errno;
		if ((err = expr_probe__fill_lits(lits, id, &a->x)))
			return err;
	}
	return 0;
}

int argdist_main(int argc, char **argv)
{
	const struct run_ops ops = { .on_tick = on_tick };
	struct probe_cli pc = PROBE_CLI_INIT;
	bool mech_used[PROBE_MECH__COUNT] = { 0 };
	struct probe_progs progs;
	struct ad ad = { 0 };
	uint32_t nops = 0;
	int rc = 1, err;

	opts_parse(&spec, argc, argv);
	run_setup(spec.name);
	if (!o.counts.n && !o.hists.n) {
		err_msg("at least one specifier is required");
		return 1;
	}
	if (o.pid >= 0 && o.tid >= 0)
		usage_error(&spec, "-p and -t cannot be used together");
	ad.nsp = o.counts.n + o.hists.n;
	ad.sp = calloc((size_t)ad.nsp, sizeof(*ad.sp));
	ad.owner = calloc(XVM_PROBES_MAX, sizeof(*ad.owner));
	ad.entry_of = calloc(XVM_PROBES_MAX, sizeof(*ad.entry_of));
	if (!ad.sp || !ad.owner || !ad.entry_of) {
		err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	/* counts first, then histograms: BCC prints them grouped so */
	for (int i = 0; i < ad.nsp; i++) {
		struct aspec *a = &ad.sp[i];

		a->hist = i >= o.counts.n;
		a->text = a->hist ? o.hists.s[i - o.counts.n] : o.counts.s[i];
		compile(a);
		a->base = nops;
		nops += (uint32_t)a->prog.nops;
	}
	pc.pid = o.pid;
	for (int i = 0; i < ad.nsp; i++)
		resolve(&ad, &ad.sp[i], &pc);
	ad.skel = argdist_bpf__open_opts(skel_open_opts());
	if (!ad.skel) {
		err_report(ERR_OPEN, -errno, "opening the BPF object");
		goto out;
	}
	ad.skel->rodata->probe_pid = o.pid;
	ad.skel->rodata->agg_tid = o.tid;
	ad.skel->rodata->xvm_str_size = (uint32_t)o.str_size;
	/* the record words every tracepoint has: its fields there are read without a helper;
	 * and the ops in use, the only ones the verifier is to walk */
	{
		uint32_t words = UINT32_MAX;
		uint64_t ops = 0;

		for (int i = 0; i < ad.nsp; i++) {
			words = expr_probe__tp_words(&ad.sp[i].env, words);
			ops = expr_probe__ops(&ad.sp[i].prog, ops);
		}
		ad.skel->rodata->xvm_tp_words = words == UINT32_MAX ? 0 : words;
		ad.skel->rodata->xvm_ops = ops;
	}
	bpf_map__set_max_entries(ad.skel->maps.xvm_code, nops);
	bpf_map__set_max_entries(ad.skel->maps.xvm_probes, ad.nids);
	bpf_map__set_max_entries(ad.skel->maps.agg_probes, ad.nids);
	bpf_map__set_max_entries(ad.skel->maps.xvm_entries, 10240);
	bpf_map__set_max_entries(ad.skel->maps.xvm_lits, ad.nids * XVM_VALS);
	/* the key as long as the specifiers need: a shorter one hashes faster (DESIGN §6) */
	{
		size_t ksize = offsetof(struct agg_key, val);

		for (int i = 0; i < ad.nsp; i++) {
			const struct aspec *a = &ad.sp[i];
			size_t need = a->str_slot >= 0 ? sizeof(struct agg_key) :
				      offsetof(struct agg_key, val[a->hist ? 1 : a->s.nvals]);

			ksize = need > ksize ? need : ksize;
		}
		ad.skel->rodata->agg_key_str = ksize == sizeof(struct agg_key);
		bpf_map__set_key_size(ad.skel->maps.counts, (uint32_t)ksize);
	}
	/* argdist's events go to maps: the shared ring buffer stays minimal */
	bpf_map__set_max_entries(ad.skel->maps.events, 4096);
	/* the shells that step the expression VM with bpf_loop, else without (_steps) */
	progs = expr_probe__bpf_loop(spec.name, &ad.loop) ? PROBE_CLI_PROGS(ad.skel) :
		PROBE_CLI_PROGS_SFX(ad.skel, _steps);
	for (int i = 0; i < ad.nsp; i++) {
		struct probe_cli_err e;

		if ((rc = probe_cli__prepare_shared(spec.name, &pc, ad.sp[i].run, &progs, mech_used,
						    &e)) ||
		    (ad.sp[i].erun && (rc = probe_cli__prepare_shared(spec.name, &pc, ad.sp[i].erun,
								      &progs, mech_used, &e)))) {
			err_msg("%s", e.msg);
			goto out;
		}
	}
	rc = 1;
	/* one target in all: its id is a constant, not the cookie read on every hit */
	if (ad.nids == 1 && probe_attach__one(ad.skel->obj, 0)) {
		err_report(ERR_OPEN, -ENOENT, "marking the BPF object");
		goto out;
	}
	if ((err = skel_load(ad.skel->skeleton))) {
		if (o.verbose && !opt_verbose)
			opt_verbose = 1;
		err_report(ERR_LOAD, err, "loading BPF programs");
		goto out;
	}
	if ((err = fill_maps(&ad))) {
		err_report(ERR_RUNTIME, err, "filling the expression tables");
		goto out;
	}
	ad.links = linkset__new();
	if (!ad.links) {
		err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	for (int i = 0; i < 2 * ad.nsp; i++) {
		struct probe_cli_run *run = i < ad.nsp ? ad.sp[i].run : ad.sp[i - ad.nsp].erun;

		if (!run)
			continue;
		run->attached = probe_attach(&run->set, &progs, run->mech, o.pid > 0 ?
					     (int)o.pid : 0, ad.links, run->ok, &run->first_err);
		if (!run->attached) {
			err_msg("'%.200s': cannot attach (%s): %s", ad.sp[i % ad.nsp].text,
				probe_mech__name(run->mech), strerror(-run->first_err));
			goto out;
		}
	}
	if (o.verbose)
		plan(&ad);
	ad.start_ms = now_ns_mono() / 1000000;
	err = run_loop(&(struct run_cfg){ .interval_ms = o.interval * 1000,
					  .links = ad.links }, &ops, &ad);
	rc = err && err != -EPIPE ? 1 : 0;
out:
	for (int i = 0; ad.sp && i < ad.nsp; i++) {
		probe_cli__free(ad.sp[i].run);
		probe_cli__free(ad.sp[i].erun);
	}
	linkset__free(ad.links);
	argdist_bpf__destroy(ad.skel);
	free(ad.sp);
	free(ad.owner);
	free(ad.entry_of);
	return rc;
}
