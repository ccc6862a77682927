// SPDX-License-Identifier: GPL-2.0
/* execsnoop: trace new processes via exec() syscalls, like BCC's execsnoop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "err.h"
#include "execsnoop.h"
#include "execsnoop.skel.h"
#include "opts.h"
#include "out.h"
#include "pinmap.h"
#include "regex.h"
#include "run.h"

_Static_assert(sizeof(struct execsnoop_done) == 320, "execsnoop_done layout");
_Static_assert(offsetof(struct execsnoop_args, data) == 32, "execsnoop_args layout");

static struct {
	bool time_hms, time_s, fails, quote, print_uid, print_cpu, print_pcomm;
	long uid, ppid, max_args;
	const char *name, *line;
	struct pinmap_containers ct;
} o = { .uid = -1, .ppid = -1, .max_args = 20 };

static const struct opt opts[] = {
	{ 'T', "time", OPT_FLAG, NULL, "include a time column (HH:MM:SS)", &o.time_hms },
	{ 't', "timestamp", OPT_FLAG, NULL, "include a time column (seconds since start)",
	  &o.time_s },
	{ 'x', "fails", OPT_FLAG, NULL, "include failed exec()s", &o.fails },
	{ 'u', "uid", OPT_FN, "USER", "trace this UID or user name only", &o.uid,
	  .parse = opt_parse_uid, .complete = "user" },
	{ 'q', "quote", OPT_FLAG, NULL, "add quotes (\") around arguments", &o.quote },
	{ 'n', "name", OPT_STR, "NAME", "only print commands matching this regex", &o.name,
	  .max = 256 },
	{ 'l', "line", OPT_STR, "LINE", "only print commands whose arguments match this regex",
	  &o.line, .max = 256 },
	{ 'U', "print-uid", OPT_FLAG, NULL, "print a UID column", &o.print_uid },
	{ 'C', "print-cpu", OPT_FLAG, NULL, "print a CPU column", &o.print_cpu },
	{ 'M', "print-pcomm", OPT_FLAG, NULL, "print the parent's command name (PCOMM)",
	  &o.print_pcomm },
	{ 0, "max-args", OPT_LONG, "N", "maximum arguments parsed and shown (default 20)",
	  &o.max_args, 1, EXECSNOOP_MAX_ARGS },
	{ 'P', "ppid", OPT_LONG, "PPID", "trace this parent PID only", &o.ppid, 0, 0x7fffffff,
	  .complete = "pid" },
	PINMAP_CONTAINER_OPTS(o.ct),
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "execsnoop",
	.short_v = true,
	.opts = opts,
	.max_args = 0,
	.epilog = "examples:\n"
		  "  execsnoop                  # trace all exec() syscalls\n"
		  "  execsnoop -x               # include failed exec()s\n"
		  "  execsnoop -T -U            # include time (HH:MM:SS) and UID columns\n"
		  "  execsnoop -u root          # only trace root's commands\n"
		  "  execsnoop -q               # put quotes around arguments\n"
		  "  execsnoop -n main          # only commands whose name matches 'main'\n"
		  "  execsnoop -l tpkg          # only commands whose arguments match 'tpkg'\n"
		  "  execsnoop -P 181 -j        # children of PID 181, as JSON lines\n",
};

enum { C_TIME, C_TIME_S, C_UID, C_COMM, C_PID, C_PCOMM, C_PPID, C_CPU, C_RET, C_ARGS, NCOLS };

static struct out_col cols[NCOLS] = {
	[C_TIME] = { "TIME", "time", -8, OUT_STR },
	[C_TIME_S] = { "TIME(s)", "time_s", -8, OUT_DBL, 3 },
	[C_UID] = { "UID", "uid", -6, OUT_UINT },
	[C_COMM] = { "COMM", "comm", -16, OUT_STR, .on = true },
	[C_PID] = { "PID", "pid", -7, OUT_UINT, .on = true },
	[C_PCOMM] = { "PCOMM", "pcomm", -16, OUT_STR },
	[C_PPID] = { "PPID", "ppid", -7, OUT_UINT, .on = true },
	[C_CPU] = { "CPU", "cpu", -4, OUT_UINT },
	[C_RET] = { "RET", "ret", 3, OUT_INT, .on = true },
	[C_ARGS] = { "ARGS", "args", 0, OUT_STRV, .on = true },
};
static const struct out_table table = { cols, NCOLS };

/* Arguments recorded at exec entry, waiting for the exec's outcome; keyed by thread id. */
#define PENDING_SLOTS 1024
#define PENDING_PROBES 16
static struct execsnoop_args *pending[PENDING_SLOTS];

static struct regex *name_re, *line_re;
static uint64_t start_ns;

static unsigned int slot_of(uint32_t tid)
{
	return (tid * 2654435761u) % PENDING_SLOTS;
}

/* LEN: the record's length, at least up to data; the copy holds that much, not the whole type */
static void pending_put(const struct execsnoop_args *a, size_t len)
{
	unsigned int s = slot_of(a->tid), i;
	struct execsnoop_args *copy = malloc(len);

	if (!copy)
		return;
	memcpy(copy, a, len);
	/* unpack_args() reads size bytes of data: never past the copy */
	if (copy->size > len - offsetof(struct execsnoop_args, data))
		copy->size = len - offsetof(struct execsnoop_args, data);
	for (i = 0; i < PENDING_PROBES; i++) {
		unsigned int k = (s + i) % PENDING_SLOTS;

		if (!pending[k] || pending[k]->tid == a->tid) {
			s = k;
			break;
		}
	}
	/* a full neighbourhood means stale entries (outcomes lost): drop the oldest guess */
	free(pending[s]);
	pending[s] = copy;
}

static struct execsnoop_args *pending_take(uint32_t tid)
{
	unsigned int s = slot_of(tid), i;

	for (i = 0; i < PENDING_PROBES; i++) {
		unsigned int k = (s + i) % PENDING_SLOTS;
		struct execsnoop_args *a = pending[k];

		if (a && a->tid == tid) {
			pending[k] = NULL;
			return a;
		}
	}
	return NULL;
}

/* Splits the packed argument bytes into strings, marking cut ones and a cut list with "...". */
struct argv_buf {
	const char *v[EXECSNOOP_MAX_ARGS + 2];
	char cut[EXECSNOOP_MAX_ARGS][EXECSNOOP_ARG_LEN + 4];
	int n;
};

static void unpack_args(const struct execsnoop_args *a, struct argv_buf *b)
{
	uint32_t off = 0, size = a->size < EXECSNOOP_DATA_SIZE + EXECSNOOP_ARG_LEN ? a->size : 0;

	b->n = 0;
	while (off + 1 < size && b->n < (int)a->nargs && b->n < EXECSNOOP_MAX_ARGS) {
		const char *s = &a->data[off + 1];
		size_t len = strnlen(s, size - off - 1);

		if (a->data[off] & EXECSNOOP_ARG_CUT) {
			snprintf(b->cut[b->n], sizeof(b->cut[0]), "%.*s...", (int)len, s);
			s = b->cut[b->n];
		}
		b->v[b->n++] = s;
		off += len + 2;
	}
	if (a->flags & (EXECSNOOP_MORE_ARGS | EXECSNOOP_DATA_FULL))
		b->v[b->n++] = "...";
}

/* -l matches against the arguments joined by spaces, as they are printed. */
static bool line_matches(const struct argv_buf *b)
{
	char joined[EXECSNOOP_DATA_SIZE + 8];
	size_t off = 0;

	joined[0] = 0;
	for (int i = 0; i < b->n && off < sizeof(joined) - 1; i++)
		off += snprintf(joined + off, sizeof(joined) - off, "%s%s", i ? " " : "", b->v[i]);
	return regex__search(line_re, joined, off < sizeof(joined) ? off : sizeof(joined) - 1);
}

static int on_done(const struct execsnoop_done *d)
{
	struct execsnoop_args *a = pending_take(d->tid);
	union out_val v[NCOLS];
	struct argv_buf b;
	char hms[16];

	if (!a && d->ret < 0)
		return 0;	/* filtered at entry (-u, -P), or began before we attached */
	if (!a && o.ppid >= 0)
		return 0;	/* execs without a syscall entry cannot be checked against -P */
	if (d->ret < 0 && !o.fails)
		goto out;
	if (o.name && !regex__search(name_re, d->comm, strnlen(d->comm, sizeof(d->comm))))
		goto out;
	if (a) {
		unpack_args(a, &b);
	} else {
		/* an exec the kernel started itself (e.g. a usermode helper): its file only */
		b.v[0] = d->filename;
		b.n = 1;
	}
	if (o.line && !line_matches(&b))
		goto out;

	out_hhmmss(hms);
	v[C_TIME].s = hms;
	v[C_TIME_S].d = (double)(int64_t)(d->ts - start_ns) / 1e9;
	v[C_UID].u = a ? a->uid : 0;
	v[C_COMM].s = d->comm;
	v[C_PID].u = d->pid;
	v[C_PCOMM].s = d->pcomm;
	v[C_PPID].u = d->ppid;
	v[C_CPU].u = d->cpu;
	v[C_RET].i = d->ret;
	v[C_ARGS].v = (struct out_strv){ b.n, b.v, o.quote };
	out_row(&table, v);
out:
	free(a);
	return 0;
}

static int on_event(void *ctx, const void *data, size_t len)
{
	const struct execsnoop_args *a = data;

	if (len >= offsetof(struct execsnoop_args, data) && a->kind == EXECSNOOP_ARGS) {
		pending_put(a, len < sizeof(*a) ? len : sizeof(*a));
		return 0;
	}
	/* a failure's record ends before the file name (unused for failures) */
	if (len >= offsetof(struct execsnoop_done, filename) && a->kind == EXECSNOOP_DONE) {
		struct execsnoop_done d = { 0 };

		memcpy(&d, data, len < sizeof(d) ? len : sizeof(d));
		return on_done(&d);
	}
	return 0;
}

static void compile_re(struct regex **re, const char *pattern, const char *opt)
{
	char why[160];
	int err = regex__compile(re, pattern, why, sizeof(why));

	if (err == -EINVAL)
		usage_error(&spec, "invalid regex for %s: %s", opt, why);
	if (err)
		exit(err_report(ERR_OPEN, err, "compiling the regex for %s", opt));
}

int execsnoop_main(int argc, char **argv)
{
	const struct run_ops ops = { .on_event = on_event };
	const struct bpf_program *failed;
	struct execsnoop_bpf *skel = NULL;
	struct linkset *links;
	char why[PINMAP_WHY_MAX];
	int rc = 1, err;

	opts_parse(&spec, argc, argv);
	run_setup(spec.name);
	if (o.name)
		compile_re(&name_re, o.name, "-n");
	if (o.line)
		compile_re(&line_re, o.line, "-l");
	cols[C_TIME].on = o.time_hms;
	cols[C_TIME_S].on = o.time_s;
	cols[C_UID].on = o.print_uid;
	cols[C_PCOMM].on = o.print_pcomm;
	cols[C_CPU].on = o.print_cpu;

	if (!(links = linkset__new()))
		return err_report(ERR_RUNTIME, -ENOMEM, "starting");
	skel = execsnoop_bpf__open_opts(skel_open_opts());
	if (!skel) {
		err_report(ERR_OPEN, -errno, "opening the BPF object");
		goto out;
	}
	skel->rodata->max_args = o.max_args;
	skel->rodata->filter_uid = o.uid;
	skel->rodata->filter_ppid = o.ppid;
	if (pinmap__containers(&o.ct, skel->maps.cgroupset, &skel->rodata->filter_cgroup,
			       skel->maps.mntnsset, &skel->rodata->filter_mntns, why, sizeof(why))) {
		err_msg("%s", why);
		goto out;
	}
	/* 2 MiB on 2 CPUs: 100k failed execs/s (150 bytes each) fill a quarter in 35 ms, and
	 * the reader is woken then; the rest holds 100 ms of its scheduling delay (a loaded
	 * machine kept it waiting 30-250 ms at times: 512 KiB lost execs in 3 runs of 6) */
	bpf_map__set_max_entries(skel->maps.events, run_ring_size(1 << 20));
	if ((err = skel_load(skel->skeleton))) {
		err_report(ERR_LOAD, err, "loading BPF programs");
		goto out;
	}
	if ((err = skel_attach(skel->skeleton, links, &failed))) {
		err_report(ERR_ATTACH, err, "attaching to %s", bpf_program__section_name(failed));
		goto out;
	}

	start_ns = now_ns_mono();
	out_header(&table);
	err = run_loop(&(struct run_cfg){ .events = skel->maps.events,
					  .lost = &skel->bss->lost_events,
					  .links = links }, &ops, NULL);
	rc = err ? 1 : 0;
out:
	linkset__free(links);
	execsnoop_bpf__destroy(skel);
	regex__free(name_re);
	regex__free(line_re);
	return rc;
}
