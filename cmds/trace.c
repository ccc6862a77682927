// SPDX-License-Identifier: GPL-2.0
/*
 * trace: print a line per probe hit, with BCC's probe syntax, filters and format strings,
 * evaluated in the kernel by the expression VM (DESIGN §6) instead of a compiler.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "elfsym.h"
#include "err.h"
#include "expr.h"
#include "expr_probe.h"
#include "feature.h"
#include "fsafe.h"
#include "image.h"
#include "linkset.h"
#include "opts.h"
#include "out.h"
#include "probe_cli.h"
#include "run.h"
#include "stacks.h"
#include "strescape.h"
#include "syms.h"
#include "tp_format.h"
#include "trace.skel.h"
#include "trace_probe.h"

/* image records (16 bytes) share the ring with events: no event is that short */
_Static_assert(offsetof(struct xvm_event, str) > sizeof(struct image_id), "ring record sizes");

static struct {
	long pid, tid, uid, str_size, max_events, pages;
	bool verbose, self, timestamp, unix_ts, clock, cpu, bin_cmp, kstack, ustack, address;
	bool aggregate;
	const char *name, *msg;
	const char *include, *cgroup, *symfiles;
} o = { .pid = -1, .tid = -1, .uid = -1, .str_size = 80 };

static const char *parse_uid(const char *arg, void *dst)
{
	return opt_parse_uid(arg, dst);
}

static const struct opt opts[] = {
	{ 'p', "pid", OPT_FN, "PID", "trace this PID only", &o.pid,
	  .parse = probe_cli__parse_pid, .complete = "pid" },
	{ 'L', "tid", OPT_FN, "TID", "trace this TID only", &o.tid,
	  .parse = probe_cli__parse_pid },
	{ 0, "uid", OPT_FN, "UID", "trace this UID only", &o.uid, .parse = parse_uid,
	  .complete = "user" },
	{ 'v', NULL, OPT_FLAG, NULL, "print the plan: probes, mechanisms and bytecode",
	  &o.verbose },
	{ 'Z', "string-size", OPT_LONG, "SIZE", "bytes copied for %s (80)", &o.str_size, 1,
	  XVM_STR_MAX },
	{ 'S', "include-self", OPT_FLAG, NULL, "do not filter trace's own pid", &o.self },
	{ 'M', "max-events", OPT_LONG, "MAX", "number of events to print before quitting",
	  &o.max_events, 1, 1000000000 },
	{ 't', "timestamp", OPT_FLAG, NULL, "print timestamp column (offset from trace start)",
	  &o.timestamp },
	{ 'u', "unix-timestamp", OPT_FLAG, NULL, "with -t: print UNIX epoch timestamps",
	  &o.unix_ts },
	{ 'T', "time", OPT_FLAG, NULL, "print time column", &o.clock },
	{ 'C', "print_cpu", OPT_FLAG, NULL, "print CPU id", &o.cpu },
	{ 'c', "cgroup-path", OPT_STR, "CGROUP_DIR", "trace only tasks in this cgroup v2 "
	  "directory (and below)", &o.cgroup, 0, 4096, .complete = "dir" },
	{ 'n', "name", OPT_STR, "NAME", "only print events whose comm contains NAME", &o.name,
	  0, 64 },
	{ 'f', "msg-filter", OPT_STR, "MSG", "only print events whose message contains MSG",
	  &o.msg, 0, 1024 },
	{ 'B', "bin_cmp", OPT_FLAG, NULL, "STRCMP literals are byte arrays", &o.bin_cmp },
	{ 's', "sym_file_list", OPT_STR, "SYM_FILE_LIST", "comma-separated ELF files whose "
	  "symbols resolve user frames of binaries with the same build-id", &o.symfiles, 1, 4096,
	  .complete = "file" },
	{ 'K', "kernel-stack", OPT_FLAG, NULL, "output kernel stack trace", &o.kstack },
	{ 'U', "user-stack", OPT_FLAG, NULL, "output user stack trace", &o.ustack },
	{ 'a', "address", OPT_FLAG, NULL, "print virtual address in stacks", &o.address },
	{ 'A', "aggregate", OPT_FLAG, NULL, "with -M: count identical events and print each "
	  "once, most frequent first", &o.aggregate },
	{ 'I', "include", OPT_STR, "HEADER", "accepted for BCC compatibility: types come from "
	  "the kernel's BTF", &o.include, 0, 4096, .complete = "file" },
	{ 'b', "buffer-pages", OPT_LONG, "PAGES", "ring buffer size in pages per CPU, a power "
	  "of two (64)", &o.pages, 1, 1 << 16 },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "trace",
	.opts = opts,
	.args = "probe [probe ...]",
	.min_args = 1,
	.max_args = XVM_PROBES_MAX,
	.epilog =
	"examples:\n"
	"  trace do_sys_open\n"
	"        Trace the open syscall and print a default trace message when entered\n"
	"  trace 't:syscalls:sys_enter_openat \"%s\", args->filename'\n"
	"        Trace openat and print the file name, read from the tracepoint's record\n"
	"  trace 'r:c:read ((int)retval < 0) \"read failed: %d\", retval'\n"
	"        Trace failed read() calls in libc\n"
	"  trace 'p:c:open (STRCMP(\"test.txt\", arg1)) \"opening %s\", arg1'\n"
	"        Trace open() in libc for files whose name starts with test.txt\n"
	"  trace -p 1234 'c:write \"%d bytes\", arg3'\n"
	"        Trace write() calls of process 1234\n"
	"  trace 'u:pthread:pthread_create \"%U\", arg3' -T\n"
	"        Trace thread creation, printing the start routine and a time column\n"
	"  trace 't:sched:sched_process_exec \"%s\", args->filename'\n"
	"        __data_loc strings of tracepoints work (BCC cannot read them)\n",
};

/* One probe argument, parsed, typed and lowered. */
struct tprobe {
	const char *text;
	struct trace_probe p;
	struct expr_set x;
	struct expr_prog prog;
	struct expr_env env;
	struct expr_param params[EXPR_PARAMS_MAX];
	struct expr_field fields[TP_FIELDS_MAX];
	struct probe_cli_run *run;
	uint32_t base;		/* first op in the code map */
	uint32_t first_id;	/* cookie of its first target */
	int roots[XVM_VALS];
	int seg[XVM_VALS + 1];	/* first op of the filter (0) and of each value (1..) */
	char func[520];		/* the FUNC column */
};

struct tr {
	struct trace_bpf *skel;
	struct tprobe *tp;
	int ntp;
	uint32_t *owner;	/* cookie → probe index */
	uint32_t nids;
	struct linkset *links;
	struct stacks *stacks;
	uint64_t start_ns, mono_to_real_ns;
	long printed;
	bool any_action;
	struct agg { char *text; uint64_t n; } *agg;	/* -A: distinct events */
	size_t nagg, aggcap;
	int stack_fd;
	int cgroup_fd;
	const char *loop;	/* what steps the expression VM, for -v */
};

enum { C_TIME, C_CPU, C_PID, C_TID, C_COMM, C_FUNC, C_MSG };
static struct out_col cols[] = {
	[C_TIME] = { "TIME", "time", -8, OUT_STR },
	[C_CPU] = { "CPU", "cpu", -3, OUT_UINT },
	[C_PID] = { "PID", "pid", -7, OUT_UINT, .on = true },
	[C_TID] = { "TID", "tid", -7, OUT_UINT, .on = true },
	[C_COMM] = { "COMM", "comm", -15, OUT_STR, .on = true },
	[C_FUNC] = { "FUNC", "func", -16, OUT_STR, .on = true },
	[C_MSG] = { "", "msg", 0, OUT_STR, .on = true },
};
static const struct out_table table = { cols, 7 };

/* "trace: probe 'TEXT' column N: MSG", exit 2 (the probe's text is the user's). */
static int __attribute__((noreturn)) probe_error(const struct tprobe *t, const struct expr_err *e)
{
	fprintf(stderr, "trace: probe '%.200s': column %d: %s\n", t->text, e->pos + 1, e->msg);
	exit(2);
}

/* Parse, type and lower one probe argument (no I/O but the tracepoint's format file). */
static void compile(struct tprobe *t)
{
	struct expr_err e;
	int root, n;

	if (trace_probe__parse(t->text, &t->p, &e))
		probe_error(t, &e);
	t->env.bin_cmp = o.bin_cmp;
	n = expr_probe__env(t->p.type, t->p.lib, t->p.fn, &t->env, t->fields);
	if (n == -ENOENT) {
		fprintf(stderr, "trace: probe '%.200s': no tracepoint %s\n", t->text, t->p.fn);
		exit(2);
	}
	if (n < 0) {
		fprintf(stderr, "trace: cannot read the format of tracepoint %s: %s\n", t->p.fn,
			strerror(-n));
		exit(1);
	}
	if (t->p.type == 't')
		snprintf(t->func, sizeof(t->func), "%s", strchr(t->p.fn, ':') + 1);
	else if (t->p.type == 'u')
		snprintf(t->func, sizeof(t->func), "%s%s%s", t->p.provider,
			 t->p.provider[0] ? ":" : "", t->p.fn);
	else
		snprintf(t->func, sizeof(t->func), "%s", t->p.fn);
	if (t->p.sig >= 0 && expr_parse_signature(t->text + t->p.sig, t->p.sig_len, t->p.sig,
						   t->params, &t->env.nparams, &e))
		probe_error(t, &e);
	t->env.params = t->params;
	t->seg[0] = t->prog.nops;
	if (t->p.pred >= 0) {
		if ((root = expr_parse(&t->x, t->text + t->p.pred, t->p.pred_len, t->p.pred,
				       o.bin_cmp, &e)) < 0 ||
		    expr_type(&t->x, root, &t->env, &e) ||
		    expr_lower_filter(&t->x, root, &t->env, &t->prog, &e))
			probe_error(t, &e);
	}
	for (int i = 0; i < t->p.nvals; i++) {
		bool str = t->p.conv[i].conv == 's';
		int start = t->p.val[i] + (int)strspn(t->text + t->p.val[i], " \t");

		t->seg[i + 1] = t->prog.nops;

		if ((root = expr_parse(&t->x, t->text + t->p.val[i], t->p.val_len[i], t->p.val[i],
				       o.bin_cmp, &e)) < 0 ||
		    expr_type(&t->x, root, &t->env, &e) ||
		    trace_probe__check_value(&t->p, i, &t->x.node[root].type, start, &e) ||
		    expr_lower_value(&t->x, root, &t->env, i, str, &t->prog, &e))
			probe_error(t, &e);
		t->roots[i] = root;
	}
	if (expr_lower_end(&t->prog, &e))
		probe_error(t, &e);
}

static void resolve(struct tr *tr, struct tprobe *t, const struct probe_cli *pc)
{
	struct probe_cli_err e;
	char pat[TRACE_PROBE_MAX + 300];
	struct probe_set *set;
	int rc;

	expr_probe__pattern(t->p.type, t->p.lib, t->p.fn, pat, sizeof(pat));
	rc = probe_cli__resolve(pc, pat, &t->run, &e);
	if (rc) {
		fprintf(stderr, "trace: probe '%.200s': %s\n", t->text, e.msg);
		exit(rc);
	}
	set = &t->run->set;
	/* USDT: one provider only when the probe names it */
	if (t->p.type == 'u' && t->p.provider[0]) {
		size_t k = 0;

		for (size_t i = 0; i < set->n; i++) {
			if (set->t[i].provider && !strcmp(set->t[i].provider, t->p.provider)) {
				struct probe_target tmp = set->t[k];

				set->t[k++] = set->t[i];
				set->t[i] = tmp;
			}
		}
		if (!k) {
			fprintf(stderr, "trace: probe '%.200s': no USDT probe %s:%s in %s\n",
				t->text, t->p.provider, t->p.fn, set->path);
			exit(2);
		}
		/* the others stay owned by the set (freed with it) but are not attached */
		for (size_t i = k; i < set->n; i++)
			set->t[i].offset = UINT64_MAX;
	}
	if (t->p.offset) {
		if (t->p.type != 'p' || !t->p.lib[0]) {
			fprintf(stderr, "trace: probe '%.200s': +offset works on user functions "
				"only\n", t->text);
			exit(2);
		}
		for (size_t i = 0; i < set->n; i++)
			set->t[i].offset += t->p.offset;
	}
	set->retprobe = t->p.type == 'r';
	set->cookie_base = tr->nids;
	t->first_id = tr->nids;
	if (tr->nids + set->n > XVM_PROBES_MAX) {
		fprintf(stderr, "trace: too many probe targets (at most %d)\n", XVM_PROBES_MAX);
		exit(2);
	}
	for (size_t i = 0; i < set->n; i++)
		tr->owner[tr->nids++] = (uint32_t)(t - tr->tp);
}

/* -v: each probe's targets and mechanism, and its bytecode beside the source. */
static void plan(const struct tr *tr)
{
	fprintf(stderr, "trace: expressions stepped by %s\n", tr->loop);
	for (int i = 0; i < tr->ntp; i++) {
		const struct tprobe *t = &tr->tp[i];
		char d[96];

		fprintf(stderr, "trace: probe %d '%s': %zu of %zu targets attached with %s%s%s%s\n",
			i + 1, t->text, t->run->attached, t->run->set.n,
			probe_mech__name(t->run->mech), t->run->set.path[0] ? " in " : "",
			t->run->set.path, probe_cli__mode(t->run));
		for (int k = 0; k < t->prog.nops; k++) {
			if (k == t->seg[0] && t->p.pred >= 0)
				fprintf(stderr, "  filter: %.*s\n", t->p.pred_len,
					t->text + t->p.pred);
			for (int v = 0; v < t->p.nvals; v++)
				if (k == t->seg[v + 1])
					fprintf(stderr, "  value %d (%%%c): %.*s\n", v + 1,
						t->p.conv[v].conv, t->p.val_len[v],
						t->text + t->p.val[v]);
			expr_op_describe(&t->prog.op[k], d, sizeof(d));
			fprintf(stderr, "    %3d  %s\n", k, d);
		}
	}
}

static void time_text(const struct tr *tr, const struct xvm_event *ev, char *buf, size_t size)
{
	if (o.timestamp && o.unix_ts) {
		uint64_t ns = ev->ts + tr->mono_to_real_ns;

		snprintf(buf, size, "%llu.%06llu", (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns % 1000000000 / 1000));
	} else if (o.timestamp) {
		uint64_t ns = ev->ts > tr->start_ns ? ev->ts - tr->start_ns : 0;

		snprintf(buf, size, "%llu.%06llu", (unsigned long long)(ns / 1000000000),
			 (unsigned long long)(ns % 1000000000 / 1000));
		buf[8 < size ? 8 : size - 1] = '\0';	/* BCC cuts it to 8 characters */
	} else {
		out_hhmmss(buf);
	}
}

/* Value i of ev rendered by its conversion. */
static void value_text(struct tr *tr, const struct tprobe *t, const struct xvm_event *ev,
		       int i, char *buf, size_t size)
{
	const struct trace_conv *c = &t->p.conv[i];
	uint64_t v = ev->val[i];

	switch (c->conv) {
	case 's':
		str_escape(ev->str[i], XVM_STR_MAX, buf, size);
		return;
	case 'd':
		snprintf(buf, size, "%lld", (long long)xvm_ext(v, (unsigned int)c->size,
							       XVM_F_SIGNED));
		return;
	case 'u':
		snprintf(buf, size, "%llu", (unsigned long long)xvm_ext(v, (unsigned int)c->size, 0));
		return;
	case 'x':
		snprintf(buf, size, "%llx", (unsigned long long)xvm_ext(v, (unsigned int)c->size, 0));
		return;
	case 'c': {
		char ch[2] = { (char)v, 0 };

		str_escape(ch, 1, buf, size);
		return;
	}
	case 'K': {
		char *sp;

		stacks__kframe(tr->stacks, v, buf, size);
		if ((sp = strstr(buf, " [")))	/* BCC's %K has no module */
			*sp = '\0';
		return;
	}
	case 'U':
		stacks__uframe(tr->stacks, &(struct syms_id){ .pid = (int)ev->tgid }, v, buf, size);
		return;
	}
	buf[0] = '\0';
}

static void print_stack(struct tr *tr, const struct xvm_event *ev, int64_t id, bool user)
{
	uint64_t ips[127] = { 0 };
	char buf[1024];
	uint32_t key = (uint32_t)id;

	if (id < 0) {
		out_note("        %lld\n", (long long)id);
		return;
	}
	if (bpf_map_lookup_elem(tr->stack_fd, &key, ips))
		return;
	for (int i = 0; i < 127 && ips[i]; i++) {
		if (user)
			stacks__uframe(tr->stacks, &(struct syms_id){ .pid = (int)ev->tgid },
				       ips[i], buf, sizeof(buf));
		else
			stacks__kframe(tr->stacks, ips[i], buf, sizeof(buf));
		if (o.address)
			out_note("        %16llx %s\n", (unsigned long long)ips[i], buf);
		else
			out_note("        %s\n", buf);
	}
}

/* -A: an event's block (line and stacks) is rendered into memory, then counted. */
static char *agg_buf;
static size_t agg_len;
static FILE *agg_f;

static int aggregate_begin(void)
{
	agg_f = open_memstream(&agg_buf, &agg_len);
	if (!agg_f)
		return -ENOMEM;
	out_init(agg_f);
	return 0;
}

static int aggregate_end(struct tr *tr)
{
	int err = fclose(agg_f) ? -ENOMEM : 0;

	out_init(stdout);
	agg_f = NULL;
	if (err)
		return err;
	for (size_t i = 0; i < tr->nagg; i++)
		if (!strcmp(tr->agg[i].text, agg_buf)) {
			tr->agg[i].n++;
			free(agg_buf);
			return 0;
		}
	if (tr->nagg == tr->aggcap) {
		size_t cap = tr->aggcap ? tr->aggcap * 2 : 64;
		struct agg *a = realloc(tr->agg, cap * sizeof(*a));

		if (!a) {
			free(agg_buf);
			return -ENOMEM;
		}
		tr->agg = a;
		tr->aggcap = cap;
	}
	tr->agg[tr->nagg].text = agg_buf;
	tr->agg[tr->nagg++].n = 1;
	return 0;
}

static int by_count_desc(const void *x, const void *y)
{
	const struct agg *a = x, *b = y;

	return a->n != b->n ? (a->n < b->n ? 1 : -1) : strcmp(a->text, b->text);
}

/* BCC's -A report: each distinct block, "-->COUNT n" and a blank line, most frequent first */
static int aggregate_print(struct tr *tr)
{
	FILE *f = out_file();

	if (tr->nagg > 1)	/* agg is NULL before the first event */
		qsort(tr->agg, tr->nagg, sizeof(*tr->agg), by_count_desc);
	for (size_t i = 0; i < tr->nagg; i++)
		fprintf(f, "%s-->COUNT %llu\n\n", tr->agg[i].text,
			(unsigned long long)tr->agg[i].n);
	return out_flush();
}

static int on_event(void *ctx, const void *data, size_t len)
{
	struct tr *tr = ctx;
	const struct xvm_event *ev = data;
	const struct tprobe *t;
	char vals[XVM_VALS][XVM_STR_MAX * 4 + 8], msg[8192], comm[80], tm[32];
	const char *vp[XVM_VALS];
	union out_val row[7];

	/*
	 * A process image's first sight, ahead of its first event: its snapshot is taken now.
	 * Records come in order, so the newest image of a pid is the one of its events.
	 */
	if (stacks__image_record(tr->stacks, data, len))
		return 0;
	if (len < XVM_EVENT_NOSTR || ev->probe >= tr->nids)
		return 0;
	t = &tr->tp[tr->owner[ev->probe]];
	if (t->p.nconv && len < sizeof(*ev))
		for (int i = 0; i < t->p.nconv; i++)
			if (t->p.conv[i].conv == 's')
				return 0;	/* a short record: never printed half */
	str_escape(ev->comm, sizeof(ev->comm), comm, sizeof(comm));
	if (o.name && !strstr(comm, o.name))
		return 0;
	for (int i = 0; i < t->p.nconv; i++) {
		value_text(tr, t, ev, i, vals[i], sizeof(vals[i]));
		vp[i] = vals[i];
	}
	trace_probe__render(&t->p, vp, msg, sizeof(msg));
	if (o.msg && !strstr(msg, o.msg))
		return 0;
	if (o.aggregate && aggregate_begin())
		return -ENOMEM;
	time_text(tr, ev, tm, sizeof(tm));
	row[C_TIME].s = tm;
	row[C_CPU].u = ev->cpu;
	row[C_PID].u = ev->tgid;
	row[C_TID].u = ev->pid;
	row[C_COMM].s = comm;
	row[C_FUNC].s = t->func;
	row[C_MSG].s = msg;
	out_row(&table, row);
	if (ev->kstack != -1 || ev->ustack != -1) {
		if (ev->kstack != -1)
			print_stack(tr, ev, ev->kstack, false);
		if (ev->ustack != -1)
			print_stack(tr, ev, ev->ustack, true);
		out_note("\n");
	}
	if (o.aggregate) {
		if (aggregate_end(tr))
			return -ENOMEM;
		if (++tr->printed < o.max_events)
			return 0;
		return aggregate_print(tr) ? -EPIPE : 1;
	}
	if (out_flush())
		return -EPIPE;
	if (o.max_events && ++tr->printed >= o.max_events)
		return 1;
	return 0;
}

/*
 * -s: each file of the list read now (a bad one is a usage error), its symbols kept for user
 * frames of binaries with its build-id. Opened as DESIGN §5a wants: regular files only,
 * read, never mapped.
 */
static void load_symfiles(struct stacks *st)
{
	char list[4097], *save = NULL;

	snprintf(list, sizeof(list), "%s", o.symfiles);
	if (!*list || list[strlen(list) - 1] == ',' || strstr(list, ",,") || *list == ',')
		usage_error(&spec, "-s: empty file name in '%s'", o.symfiles);
	for (char *path = strtok_r(list, ",", &save); path; path = strtok_r(NULL, ",", &save)) {
		struct elf_syms_opts eo = { .no_debug = true };
		struct elf_syms *es = NULL;
		size_t len = 0;
		int fd, err;

		fd = fsafe_open(NULL, path, 0, NULL, NULL);
		if (fd < 0)
			usage_error(&spec, "-s %s: %s", path, fd == -EINVAL ?
				    "not a regular file" : strerror(-fd));
		err = elf_syms__load(fd, path, &eo, &es);
		close(fd);
		if (err == -ENOEXEC)
			usage_error(&spec, "-s %s: not an ELF file", path);
		if (err)
			usage_error(&spec, "-s %s: %s", path, strerror(-err));
		if (!elf_syms__build_id(es, &len) || !len) {
			elf_syms__free(es);
			usage_error(&spec, "-s %s: no build-id to match binaries with", path);
		}
		if (!elf_syms__count(es)) {
			elf_syms__free(es);
			usage_error(&spec, "-s %s: no function symbols", path);
		}
		if (stacks__add_symfile(st, es)) {
			elf_syms__free(es);
			err_report(ERR_RUNTIME, -ENOMEM, "starting");
			exit(1);
		}
	}
}

/* Code, probes and literals into the maps, before attaching. */
static int fill_maps(struct tr *tr)
{
	int code = bpf_map__fd(tr->skel->maps.xvm_code);
	int probes = bpf_map__fd(tr->skel->maps.xvm_probes);
	int lits = bpf_map__fd(tr->skel->maps.xvm_lits);
	int err;

	for (int i = 0; i < tr->ntp; i++)
		if ((err = expr_probe__fill_code(code, tr->tp[i].base, &tr->tp[i].prog)))
			return err;
	for (uint32_t id = 0; id < tr->nids; id++) {
		struct tprobe *t = &tr->tp[tr->owner[id]];
		struct xvm_probe pr = {
			.base = t->base, .nops = (uint32_t)t->prog.nops,
			.stack = (o.kstack ? XVM_STACK_K : 0) | (o.ustack ? XVM_STACK_U : 0),
		};

		for (int k = 0; k < t->p.nconv; k++)
			pr.nstr += t->p.conv[k].conv == 's';
		expr_probe__shell(&pr, &t->run->set, id - t->first_id);
		if (bpf_map_update_elem(probes, &id, &pr, 0))
			return -errno;
		if ((err = expr_probe__fill_lits(lits, id, &t->x)))
			return err;
	}
	return 0;
}

int trace_main(int argc, char **argv)
{
	const struct run_ops ops = { .on_event = on_event };
	struct probe_cli pc = PROBE_CLI_INIT;
	struct probe_progs progs;
	struct tr tr = { .cgroup_fd = -1 };
	bool mech_used[PROBE_MECH__COUNT] = { 0 };
	uint32_t nops = 0;
	struct timespec rt, mono;
	int first, rc = 1, err;

	first = opts_parse(&spec, argc, argv);
	run_setup(spec.name);
	if (o.pid >= 0 && o.tid >= 0)
		usage_error(&spec, "-p and -L cannot be used together");
	if (o.unix_ts && !o.timestamp)
		usage_error(&spec, "-u needs -t");
	if (o.pages && (o.pages & (o.pages - 1)))
		usage_error(&spec, "-b needs a power of two");
	if (o.aggregate && !o.max_events)
		usage_error(&spec, "-A needs -M");
	if (o.cgroup) {
		tr.cgroup_fd = open(o.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tr.cgroup_fd < 0)
			usage_error(&spec, "-c %s: %s", o.cgroup, strerror(errno));
	}
	tr.stacks = stacks__new(&(struct stacks_opts){ 0 });
	if (!tr.stacks) {
		err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	if (o.symfiles)
		load_symfiles(tr.stacks);
	tr.ntp = argc - first;
	tr.tp = calloc((size_t)tr.ntp, sizeof(*tr.tp));
	tr.owner = calloc(XVM_PROBES_MAX, sizeof(*tr.owner));
	if (!tr.tp || !tr.owner) {
		err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	pc.pid = o.pid;
	for (int i = 0; i < tr.ntp; i++) {
		struct tprobe *t = &tr.tp[i];

		t->text = argv[first + i];
		compile(t);
		t->base = nops;
		nops += (uint32_t)t->prog.nops;
		tr.any_action |= t->p.fmt_pos >= 0;
	}
	for (int i = 0; i < tr.ntp; i++)
		resolve(&tr, &tr.tp[i], &pc);

	tr.skel = trace_bpf__open_opts(skel_open_opts());
	if (!tr.skel) {
		err_report(ERR_OPEN, -errno, "opening the BPF object");
		goto out;
	}
	tr.skel->rodata->probe_pid = o.pid;
	tr.skel->rodata->trace_tid = o.tid;
	tr.skel->rodata->trace_uid = o.uid;
	tr.skel->rodata->trace_self = o.self ? -1 : getpid();
	tr.skel->rodata->xvm_str_size = (uint32_t)o.str_size;
	tr.skel->rodata->trace_cgroup = o.cgroup != NULL;
	tr.skel->rodata->trace_user_syms = o.ustack;
	/* the record words every tracepoint has: its fields there are read without a helper;
	 * and the ops in use, the only ones the verifier is to walk */
	{
		uint32_t words = UINT32_MAX;
		uint64_t ops = 0;

		for (int i = 0; i < tr.ntp; i++) {
			words = expr_probe__tp_words(&tr.tp[i].env, words);
			ops = expr_probe__ops(&tr.tp[i].prog, ops);
		}
		tr.skel->rodata->xvm_tp_words = words == UINT32_MAX ? 0 : words;
		tr.skel->rodata->xvm_ops = ops;
	}
	for (int i = 0; i < tr.ntp; i++)
		for (int k = 0; k < tr.tp[i].p.nconv; k++)
			tr.skel->rodata->trace_user_syms |= tr.tp[i].p.conv[k].conv == 'U';
	bpf_map__set_max_entries(tr.skel->maps.xvm_code, nops);
	bpf_map__set_max_entries(tr.skel->maps.xvm_probes, tr.nids);
	bpf_map__set_max_entries(tr.skel->maps.xvm_lits, tr.nids * XVM_VALS);
	if (o.pages) {
		/* BCC's per-CPU pages, as one ring: a power of two, at most 1 GB */
		uint64_t want = (uint64_t)o.pages * 4096 * (uint64_t)libbpf_num_possible_cpus();
		uint64_t ring = 4096;

		while (ring < want && ring < (1ull << 30))
			ring <<= 1;
		bpf_map__set_max_entries(tr.skel->maps.events, (uint32_t)ring);
	} else {
		/* as execsnoop's: 100k events/s printed with no loss here; the kernel allocates
		 * every page at start-up (4 MB took ~1.5 ms of it) */
		bpf_map__set_max_entries(tr.skel->maps.events, run_ring_size(1 << 20));
	}
	if (!o.kstack && !o.ustack)
		bpf_map__set_max_entries(tr.skel->maps.stacks, 1);
	if (!tr.skel->rodata->trace_user_syms)
		bpf_map__set_max_entries(tr.skel->maps.seen_images, 1);
	/* the shells that step the expression VM with bpf_loop, else without (_steps) */
	progs = expr_probe__bpf_loop(spec.name, &tr.loop) ? PROBE_CLI_PROGS(tr.skel) :
		PROBE_CLI_PROGS_SFX(tr.skel, _steps);
	for (int i = 0; i < tr.ntp; i++) {
		struct probe_cli_err e;

		if ((rc = probe_cli__prepare_shared(spec.name, &pc, tr.tp[i].run, &progs, mech_used,
						    &e))) {
			err_msg("%s", e.msg);
			goto out;
		}
	}
	rc = 1;
	/* one target in all: its id is a constant, not the cookie read on every hit */
	if (tr.nids == 1 && probe_attach__one(tr.skel->obj, 0)) {
		err_report(ERR_OPEN, -ENOENT, "marking the BPF object");
		goto out;
	}
	if ((err = skel_load(tr.skel->skeleton))) {
		if (o.verbose)
			opt_verbose = opt_verbose ? opt_verbose : 1;
		err_report(ERR_LOAD, err, "loading BPF programs");
		goto out;
	}
	if ((err = fill_maps(&tr))) {
		err_report(ERR_RUNTIME, err, "filling the expression tables");
		goto out;
	}
	if (o.cgroup) {
		uint32_t zero = 0;

		if (bpf_map_update_elem(bpf_map__fd(tr.skel->maps.cgroup_map), &zero,
					&tr.cgroup_fd, BPF_ANY)) {
			err_msg("-c %s: not a cgroup v2 directory (%s)", o.cgroup, strerror(errno));
			goto out;
		}
	}
	tr.links = linkset__new();
	if (!tr.links) {
		err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	tr.stack_fd = bpf_map__fd(tr.skel->maps.stacks);
	/* the named process is alive now: take its mappings before it can exit */
	if (tr.skel->rodata->trace_user_syms && o.pid > 0)
		syms_cache__get(stacks__syms(tr.stacks), (int)o.pid);
	for (int i = 0; i < tr.ntp; i++) {
		struct probe_cli_run *run = tr.tp[i].run;

		run->attached = probe_attach(&run->set, &progs, run->mech, o.pid > 0 ?
					     (int)o.pid : 0, tr.links, run->ok, &run->first_err);
		if (!run->attached) {
			err_msg("probe '%.200s': cannot attach (%s): %s", tr.tp[i].text,
				probe_mech__name(run->mech), strerror(-run->first_err));
			goto out;
		}
	}
	if (o.verbose)
		plan(&tr);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	tr.start_ns = now_ns_mono();
	tr.mono_to_real_ns = (uint64_t)(rt.tv_sec - mono.tv_sec) * 1000000000ull +
			     (uint64_t)(rt.tv_nsec - mono.tv_nsec);
	if (o.timestamp) {
		cols[C_TIME].on = true;
		cols[C_TIME].width = o.unix_ts ? -17 : -8;
	} else if (o.clock) {
		cols[C_TIME].on = true;
	}
	cols[C_CPU].on = o.cpu;
	cols[C_MSG].head = tr.any_action ? "-" : "";
	out_header(&table);
	if (out_flush())
		goto out;
	err = run_loop(&(struct run_cfg){ .events = tr.skel->maps.events,
					  .lost = &tr.skel->bss->lost_events,
					  .links = tr.links }, &ops, &tr);
	rc = err && err != -EPIPE ? 1 : 0;
out:
	for (int i = 0; tr.tp && i < tr.ntp; i++)
		probe_cli__free(tr.tp[i].run);
	linkset__free(tr.links);
	stacks__free(tr.stacks);
	trace_bpf__destroy(tr.skel);
	free(tr.tp);
	free(tr.owner);
	for (size_t i = 0; i < tr.nagg; i++)
		free(tr.agg[i].text);
	free(tr.agg);
	if (tr.cgroup_fd >= 0)
		close(tr.cgroup_fd);
	return rc;
}
