// SPDX-License-Identifier: GPL-2.0
/* profile: sample stack traces at a timed interval and count them, like BCC's profile. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "err.h"
#include "flamegraph.h"
#include "ksyms.h"
#include "opts.h"
#include "out.h"
#include "pinmap.h"
#include "profile.h"
#include "profile.skel.h"
#include "run.h"
#include "stacks.h"
#include "syms.h"

_Static_assert(sizeof(struct profile_key) == 56, "profile_key layout");

#define CPUS_MAX 4096

static struct {
	struct id_list pids, tids;
	bool user_only, kernel_only, delimited, annotations, idle, folded, address;
	long freq, count, cpu, stack_storage, hash_storage, depth, duration;
	const char *svg;
	struct pinmap_containers ct;
} o = { .cpu = -1, .stack_storage = 16384, .hash_storage = 40960,
	.depth = PROFILE_MAX_DEPTH };

/*
 * Each stored stack pins --perf-max-stack-depth * 8 bytes of kernel memory (about 1 KiB):
 * 262144 of them took 285 MB. The cap keeps the worst case near 70 MB.
 */
#define STACK_STORAGE_MAX 65536

static const char *parse_stack_storage(const char *arg, void *dst)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > STACK_STORAGE_MAX)
		return "a number from 1 to 65536 (each stack takes up to 1 KiB of kernel memory)";
	*(long *)dst = v;
	return NULL;
}

static const struct opt opts[] = {
	{ 'p', "pid", OPT_FN, "PID[,PID]", "profile these process ids only", &o.pids,
	  .parse = opt_parse_pid_list, .complete = "pid" },
	{ 'L', "tid", OPT_FN, "TID[,TID]", "profile these thread ids only", &o.tids,
	  .parse = opt_parse_pid_list },
	{ 'U', "user-stacks-only", OPT_FLAG, NULL, "show stacks from user space only",
	  &o.user_only },
	{ 'K', "kernel-stacks-only", OPT_FLAG, NULL, "show stacks from kernel space only",
	  &o.kernel_only },
	{ 'F', "frequency", OPT_LONG, "HZ", "sample frequency in Hertz (default 49)", &o.freq, 1,
	  1000000 },
	{ 'c', "count", OPT_LONG, "COUNT", "sample period: one sample every COUNT events", &o.count,
	  1, 0x7fffffffffffffff },
	{ 'd', "delimited", OPT_FLAG, NULL, "insert a delimiter between kernel and user stacks",
	  &o.delimited },
	{ 'a', "annotations", OPT_FLAG, NULL, "add _[k] annotations to kernel frames (folded)",
	  &o.annotations },
	{ 'I', "include-idle", OPT_FLAG, NULL, "include CPU idle stacks", &o.idle },
	{ 'f', "folded", OPT_FLAG, NULL, "output folded format, one line per stack (for flame graphs)",
	  &o.folded },
	{ 0, "hash-storage-size", OPT_LONG, "N", "number of stack pairs counted (default 40960)",
	  &o.hash_storage, 1, 1 << 24 },
	{ 0, "stack-storage-size", OPT_FN, "N", "number of unique stack traces kept "
	  "(default 16384)", &o.stack_storage, .parse = parse_stack_storage },
	{ 0, "perf-max-stack-depth", OPT_LONG, "N", "frames kept per stack (default 127)",
	  &o.depth, 1, PROFILE_DEPTH_LIMIT },
	{ 'C', "cpu", OPT_LONG, "CPU", "sample this CPU only", &o.cpu, 0, CPUS_MAX - 1 },
	PINMAP_CONTAINER_OPTS(o.ct),
	{ 'A', "address", OPT_FLAG, NULL, "print each frame's address before its symbol",
	  &o.address },
	{ 0, "svg", OPT_STR, "FILE", "also write an interactive flame graph to FILE", &o.svg,
	  .max = 4095, .complete = "file" },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "profile",
	.short_v = true,
	.opts = opts,
	.args = "[duration]",
	.max_args = 1,
	.epilog = "examples:\n"
		  "  profile             # profile stack traces at 49 Hertz until Ctrl-C\n"
		  "  profile -F 99       # profile stack traces at 99 Hertz\n"
		  "  profile -c 1000000  # profile stack traces every 1 in a million events\n"
		  "  profile 5           # profile at 49 Hertz for 5 seconds only\n"
		  "  profile -f 5        # output in folded format for flame graphs\n"
		  "  profile --svg cpu.svg 10  # and write a flame graph\n"
		  "  profile -p 185      # only profile process with PID 185\n"
		  "  profile -L 185      # only profile thread with TID 185\n"
		  "  profile -U          # only show user space stacks (no kernel)\n"
		  "  profile -K          # only show kernel space stacks (no user)\n"
		  "  profile -C 0        # only profile CPU 0\n",
};

struct prof {
	struct profile_bpf *skel;
	struct stacks *st;
	struct flamegraph *fg;
	struct flamegraph_file svg;	/* --svg FILE */
	bool svg_bad;		/* the flame graph could not be written whole */
	struct linkset *links;	/* one sampling event per CPU */
	bool software;		/* sampling on cpu-clock: no hardware counters */
};

/* "0-3,6,8-9" as in /sys/devices/system/cpu/online. */
static int online_cpus(bool *on, int max)
{
	char buf[1024], *p = buf;
	int fd, n;

	fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	while (*p && *p != '\n') {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p)
			return -EINVAL;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (long c = a; c <= b && c < max; c++)
			on[c] = true;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static int open_event(int cpu, bool hw)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = hw ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE,
		.config = hw ? PERF_COUNT_HW_CPU_CYCLES : PERF_COUNT_SW_CPU_CLOCK,
		.freq = !o.count,
		.sample_freq = o.count ? (uint64_t)o.count : (uint64_t)o.freq,
	};
	int fd = (int)syscall(__NR_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static long max_sample_rate(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/kernel/perf_event_max_sample_rate", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = '\0';
	close(fd);
	return buf[0] ? atol(buf) : -1;
}

/* One sampling event per CPU: hardware cycles where there is a PMU, else the cpu-clock. */
static int attach_cpus(struct prof *p)
{
	static bool on[CPUS_MAX];
	struct bpf_link *l;
	int err, fd;

	if ((err = online_cpus(on, CPUS_MAX)))
		return err_report(ERR_ATTACH, err, "reading the online CPUs");
	if (o.cpu >= 0 && !on[o.cpu]) {
		err_msg("CPU %ld is not online", o.cpu);
		return 1;
	}
	for (int cpu = 0; cpu < CPUS_MAX; cpu++) {
		if (!on[cpu] || (o.cpu >= 0 && cpu != o.cpu))
			continue;
		fd = -ENOENT;
		if (!p->software) {
			fd = open_event(cpu, true);
			/* no PMU (VMs, this project's machines): every CPU uses the clock */
			if (fd == -ENOENT || fd == -EOPNOTSUPP || fd == -ENODEV) {
				p->software = true;
				err_debug("no hardware cycles event, sampling on cpu-clock");
			}
		}
		if (p->software)
			fd = open_event(cpu, false);
		if (fd == -EINVAL && !o.count && o.freq > max_sample_rate() && max_sample_rate() > 0) {
			err_msg("-F %ld is above kernel.perf_event_max_sample_rate (%ld)", o.freq,
				max_sample_rate());
			return 1;
		}
		if (fd < 0)
			return err_report(ERR_ATTACH, fd, "opening a perf event on CPU %d", cpu);
		l = bpf_program__attach_perf_event(p->skel->progs.do_sample, fd);
		if (!l) {
			err = -errno;
			close(fd);	/* a link owns its event; without one it is still ours */
		} else {
			err = linkset__add(p->links, l);
		}
		if (err)
			return err_report(ERR_ATTACH, err, "attaching to the perf event of CPU %d",
					  cpu);
	}
	return 0;
}

static int on_event(void *ctx, const void *data, size_t len)
{
	struct prof *p = ctx;

	/* first sight of a process image: keep its mappings, it may be gone by the report */
	stacks__image_record(p->st, data, len);
	return 0;
}

/* a record of stacks__read_counts */
struct entry {
	struct profile_key k;
	uint64_t count;
};
_Static_assert(sizeof(struct entry) == sizeof(struct profile_key) + 8, "entry layout");

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	uint64_t tx[] = { x->count, x->k.pid, x->k.start_ns, x->k.exec_id, x->k.user_stack,
			  x->k.kernel_stack };
	uint64_t ty[] = { y->count, y->k.pid, y->k.start_ns, y->k.exec_id, y->k.user_stack,
			  y->k.kernel_stack };

	return stacks__cmp_tuple(tx, ty, sizeof(tx) / sizeof(tx[0]));
}

/*
 * A signal during the report (the run already ended on the first one, or on its duration)
 * cuts it short: a user's files must not keep root's profile from exiting.
 */
static volatile sig_atomic_t report_cut;

static void on_report_signal(int sig)
{
	report_cut = 1;
}

static bool report_stop(void)
{
	return report_cut;
}

static void report(void *ctx)
{
	struct prof *p = ctx;
	int sfd = bpf_map__fd(p->skel->maps.stacks), cfd = bpf_map__fd(p->skel->maps.counts);
	int missing = 0, err;
	uint64_t *kips, *uips, t0 = now_ns_mono(), samples = 0;
	bool full = false;
	struct entry *v = NULL;
	size_t n = 0;

	struct sigaction sa = { .sa_handler = on_report_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	syms_cache__set_stop(stacks__syms(p->st), report_stop);
	kips = calloc((size_t)o.depth, sizeof(*kips));
	uips = calloc((size_t)o.depth, sizeof(*uips));
	if (!kips || !uips || (err = stacks__read_counts(cfd, sizeof(v->k), (void **)&v, &n))) {
		err_report(ERR_RUNTIME, -ENOMEM, "reading the counts");
		goto out;
	}
	if (n > 1)	/* v is NULL when nothing was sampled */
		qsort(v, n, sizeof(*v), cmp_entry);
	if (!o.folded)
		out_note("\n");
	for (size_t i = 0; i < n; i++) {
		const struct profile_key *k = &v[i].k;
		char comm[PROFILE_COMM_LEN + 1];
		struct syms_id image = { .pid = (int)k->pid, .start_ns = k->start_ns,
					 .exec_id = k->exec_id };
		struct stack_entry e = {
			.comm = comm, .pid = k->pid, .count = v[i].count,
			.kips = kips, .kerr = k->kernel_err, .uips = uips, .uerr = k->user_err,
			.image = &image,
		};

		/* -U/-K: the other side was never taken */
		if (o.user_only)
			e.kerr = -EFAULT;
		if (o.kernel_only)
			e.uerr = -EFAULT;
		if (e.kerr && e.kerr != -EFAULT) {
			missing++;
			full |= e.kerr == -ENOMEM;
		}
		if (e.uerr && e.uerr != -EFAULT) {
			missing++;
			full |= e.uerr == -ENOMEM;
		}
		snprintf(comm, sizeof(comm), "%.*s", PROFILE_COMM_LEN, k->comm);
		e.nk = e.kerr ? 0 : stacks__read(sfd, k->kernel_stack, kips, (int)o.depth);
		e.nu = e.uerr ? 0 : stacks__read(sfd, k->user_stack, uips, (int)o.depth);
		samples += v[i].count;
		if (stacks__print(p->st, &e) == -ENOMEM)
			p->svg_bad = true;
		if (out_closed() || report_cut)
			break;
	}
	if (report_cut) {
		err_msg("report interrupted");
		p->svg_bad = true;
		goto out;
	}
	if (opt_verbose) {
		struct syms_stats s;

		syms_cache__stats(stacks__syms(p->st), &s);
		err_debug("%zu stacks, %" PRIu64 " samples symbolized in %.1f ms: %u process "
			  "images (%u dropped after exit), %u ELF files read once each (%u with "
			  "separate debug files) of %u seen",
			  n, samples, (double)(now_ns_mono() - t0) / 1e6, s.pids, s.evicted,
			  s.files_read, s.debug_files, s.files);
	}
	if (missing)
		fprintf(stderr, "WARNING: %d stack traces could not be displayed.%s\n", missing,
			full ? " Consider increasing --stack-storage-size." : "");
	if (p->skel->bss->hash_full)
		fprintf(stderr, "WARNING: hash table full. Consider increasing "
				"--hash-storage-size.\n");
	if (stacks__kernel_status(p->st) < 0 && stacks__kernel_status(p->st) != -EACCES)
		err_msg("kernel symbols unavailable: %s", strerror(-stacks__kernel_status(p->st)));
	if (p->fg && p->svg.f) {
		char sub[160];

		snprintf(sub, sizeof(sub), "%" PRIu64 " samples at %s %ld %s on %s, %s stacks",
			 samples, o.count ? "every" : "", o.count ? o.count : o.freq,
			 o.count ? "events" : "Hz", p->software ? "cpu-clock" : "cpu-cycles",
			 o.user_only ? "user" : o.kernel_only ? "kernel" : "user + kernel");
		err = flamegraph__write(p->fg, p->svg.f, &(struct flamegraph_opts){
			.title = "CPU profile", .subtitle = sub[0] == ' ' ? sub + 1 : sub,
			.unit = "samples" });
		if (err) {
			err_msg("writing %s: %s", o.svg, strerror(-err));
			p->svg_bad = true;
		}
	}
out:
	free(v);
	free(kips);
	free(uips);
}

static void banner(void)
{
	char ids[512] = "all threads";
	const struct id_list *l = o.pids.n ? &o.pids : o.tids.n ? &o.tids : NULL;
	size_t off;

	if (o.folded)
		return;
	if (l) {
		/* BCC prints Python's list: "PID [185, 186]" */
		off = (size_t)snprintf(ids, sizeof(ids), "%s [", o.pids.n ? "PID" : "TID");
		for (int i = 0; i < l->n && off < sizeof(ids); i++)
			off += (size_t)snprintf(ids + off, sizeof(ids) - off, "%s%u", i ? ", " : "",
						l->ids[i]);
		if (off < sizeof(ids))
			snprintf(ids + off, sizeof(ids) - off, "]");
	}
	if (o.count)
		out_note("Sampling at every %ld events of %s by %s stack", o.count, ids,
			 o.user_only ? "user" : o.kernel_only ? "kernel" : "user + kernel");
	else
		out_note("Sampling at %ld Hertz of %s by %s stack", o.freq, ids,
			 o.user_only ? "user" : o.kernel_only ? "kernel" : "user + kernel");
	if (o.cpu >= 0)
		out_note(" on CPU#%ld", o.cpu);
	if (o.duration)
		out_note(" for %ld secs.\n", o.duration);
	else
		out_note("... Hit Ctrl-C to end.\n");
}

static void parse_args(int argc, char **argv)
{
	int first = opts_parse(&spec, argc, argv);

	if (first < argc) {
		char *end;

		errno = 0;
		o.duration = strtol(argv[first], &end, 10);
		if (errno || end == argv[first] || *end || o.duration <= 0 ||
		    o.duration > 99999999)
			usage_error(&spec, "duration: expected a positive number of seconds, got "
				    "'%.32s'", argv[first]);
	}
	if (o.pids.n && o.tids.n)
		usage_error(&spec, "-p and -L are mutually exclusive");
	if (o.user_only && o.kernel_only)
		usage_error(&spec, "-U and -K are mutually exclusive");
	if (o.freq && o.count)
		usage_error(&spec, "-F and -c are mutually exclusive");
	if (!o.count && !o.freq)
		o.freq = 49;
	if (o.svg && flamegraph_file__check(o.svg))
		usage_error(&spec, "--svg '%s': expected a file name, not a directory", o.svg);
}

static int setup(struct prof *p)
{
	struct profile_bpf *skel;
	const struct id_list *l;
	uint8_t yes = 1;
	char why[PINMAP_WHY_MAX];
	int err;

	p->skel = skel = profile_bpf__open_opts(skel_open_opts());
	if (!skel)
		return err_report(ERR_OPEN, -errno, "opening the BPF object");
	skel->rodata->user_stacks = !o.kernel_only;
	skel->rodata->kernel_stacks = !o.user_only;
	skel->rodata->include_idle = o.idle;
	skel->rodata->filter_kind = o.pids.n ? 1 : o.tids.n ? 2 : 0;
	bpf_map__set_max_entries(skel->maps.counts, (uint32_t)o.hash_storage);
	bpf_map__set_max_entries(skel->maps.stacks, (uint32_t)o.stack_storage);
	bpf_map__set_value_size(skel->maps.stacks, (uint32_t)o.depth * sizeof(uint64_t));
	skel->rodata->stack_bytes = (uint32_t)o.depth * sizeof(uint64_t);
	/* only first-sight announcements travel through it: a few bytes per process */
	bpf_map__set_max_entries(skel->maps.events, 64 * 1024);
	if (pinmap__containers(&o.ct, skel->maps.cgroupset, &skel->rodata->filter_cgroup,
			       skel->maps.mntnsset, &skel->rodata->filter_mntns, why, sizeof(why)))
		return err_msg("%s", why), 1;
	if ((err = skel_load(skel->skeleton)))
		return err_report(ERR_LOAD, err, "loading BPF programs");
	l = o.pids.n ? &o.pids : &o.tids;
	for (int i = 0; i < l->n; i++)
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.ids), &l->ids[i], &yes, BPF_ANY))
			return err_report(ERR_LOAD, -errno, "filling the id filter");
	return attach_cpus(p);
}

int profile_main(int argc, char **argv)
{
	const struct run_ops ops = { .on_event = on_event, .on_exit = report };
	struct prof *p;
	int rc = 1, err;

	struct sigaction sa;

	parse_args(argc, argv);
	run_setup(spec.name);
	/* a closed terminal or SSH session ends the run like Ctrl-C: report, tidy up */
	sigaction(SIGINT, NULL, &sa);
	sigaction(SIGHUP, &sa, NULL);
	p = calloc(1, sizeof(*p));
	if (!p)
		return err_report(ERR_RUNTIME, -ENOMEM, "starting");
	if (o.svg && (err = flamegraph_file__open(&p->svg, o.svg))) {
		err_msg("cannot write %s: %s", o.svg, strerror(-err));
		goto out;
	}
	if (o.svg)
		p->fg = flamegraph__new();
	p->st = stacks__new(&(struct stacks_opts){ .delimiter = o.delimited,
						   .annotate = o.annotations,
						   .addresses = o.address, .folded = o.folded,
						   .fg = p->fg });
	p->links = linkset__new();
	if (!p->st || !p->links || (o.svg && !p->fg)) {
		err_report(ERR_RUNTIME, -ENOMEM, "starting");
		goto out;
	}
	if (setup(p))
		goto out;
	/* after setup: a user who cannot load programs hears that first */
	if (!o.user_only && ksyms__visible() == -EACCES)
		err_msg("kernel addresses are hidden (kernel.kptr_restrict): kernel frames will "
			"print as [unknown]");
	/* the named processes are alive now: take their mappings before they can exit */
	for (int i = 0; i < o.pids.n; i++)
		syms_cache__get(stacks__syms(p->st), (int)o.pids.ids[i]);
	banner();
	rc = run_loop(&(struct run_cfg){ .events = p->skel->maps.events,
					 .lost = &p->skel->bss->lost_events,
					 .duration_ms = o.duration * 1000,
					 .links = p->links }, &ops, p) ? 1 : 0;
out:
	linkset__free(p->links);
	profile_bpf__destroy(p->skel);
	/* the graph is kept only from a run that ended well and wrote it whole */
	err = flamegraph_file__close(&p->svg, !rc && !p->svg_bad);
	if (err && !rc)
		err_msg("writing %s: %s", o.svg, strerror(-err));
	/* a graph that could not be written whole (said where it failed) fails the run */
	if (!rc && (err || p->svg_bad))
		rc = 1;
	flamegraph__free(p->fg);
	stacks__free(p->st);
	free(p);
	return rc;
}
