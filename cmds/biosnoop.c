// SPDX-License-Identifier: GPL-2.0
/* biosnoop: trace block device I/O with its latency, like BCC's biosnoop. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <bpf/bpf.h>

#include "attach.h"
#include "biosnoop.h"
#include "biosnoop.skel.h"
#include "err.h"
#include "feature.h"
#include "opts.h"
#include "out.h"
#include "run.h"
#include "kbtf.h"

_Static_assert(sizeof(struct biosnoop_event) == 64, "biosnoop_event layout");

#define DISK_NAME_MAX 32

static struct {
	bool queue, pattern, wall_time;
	long dev, min_ms, duration;
	const char *disk, *cgroup;
} o = { .dev = -1 };

/* Reads "MAJ:MIN" from a sysfs dev file into the kernel's dev_t encoding. */
static int read_dev(const char *path, long *dev)
{
	unsigned int ma, mi;
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = 0;
	if (sscanf(buf, "%u:%u", &ma, &mi) != 2 || ma >= 1u << 12 || mi >= 1u << 20)
		return -EINVAL;
	*dev = (long)ma << 20 | mi;
	return 0;
}

/* -d DISK: a whole disk as named under /sys/class/block (sda, nvme0n1, loop0, nullb0). */
static const char *parse_disk(const char *arg, void *dst)
{
	static char why[96];
	char path[96];
	const char *name = strncmp(arg, "/dev/", 5) ? arg : arg + 5;

	if (!*name || strlen(name) >= DISK_NAME_MAX || strchr(name, '/') || name[0] == '.')
		return "a disk name such as sda";
	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", name);
	if (!access(path, F_OK)) {
		snprintf(why, sizeof(why), "a whole disk, not the partition %.31s", name);
		return why;
	}
	snprintf(path, sizeof(path), "/sys/class/block/%s/dev", name);
	if (read_dev(path, dst)) {
		snprintf(why, sizeof(why), "a disk name from /sys/class/block (no disk %.31s)", name);
		return why;
	}
	o.disk = name;
	return NULL;
}

static const struct opt opts[] = {
	{ 'Q', "queue", OPT_FLAG, NULL, "include OS queued time in I/O time", &o.queue },
	{ 'd', "disk", OPT_FN, "DISK", "trace this disk only", &o.dev, .parse = parse_disk,
	  .complete = "disk" },
	{ 'P', "pattern", OPT_FLAG, NULL, "display block I/O pattern (sequential or random)",
	  &o.pattern },
	{ 'c', "cgroup", OPT_STR, "CGROUP", "trace I/O submitted from this cgroup (v2 path) only",
	  &o.cgroup, .max = PATH_MAX - 1, .complete = "dir" },
	{ 'm', "min", OPT_LONG, "MIN_MS", "only I/O with a latency of at least MIN_MS ms",
	  &o.min_ms, 0, 1000000000 },
	{ 't', "timestamp", OPT_FLAG, NULL, "a wall clock TIMESTAMP column (HH:MM:SS.mmm)",
	  &o.wall_time },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "biosnoop",
	.short_v = true,
	.opts = opts,
	.args = "[duration]",
	.max_args = 1,
	.epilog = "examples:\n"
		  "  biosnoop                   # trace all block I/O\n"
		  "  biosnoop -Q                # include OS queued time\n"
		  "  biosnoop -d sdc            # trace sdc only\n"
		  "  biosnoop -P                # display block I/O pattern\n"
		  "  biosnoop -m 10 -t 5        # I/O of 10 ms or more, wall clock time, for 5 s\n"
		  "  biosnoop -c /sys/fs/cgroup/db.slice  # I/O submitted from this cgroup\n"
		  "  biosnoop -j                # one JSON object per line\n",
};

enum { C_TIME, C_WALL, C_COMM, C_PID, C_DISK, C_T, C_PAT, C_SECTOR, C_BYTES, C_QUE, C_LAT, NCOLS };

static struct out_col cols[NCOLS] = {
	[C_TIME] = { "TIME(s)", "time_s", -11, OUT_DBL, 6, .on = true },
	[C_WALL] = { "TIMESTAMP", "timestamp", -12, OUT_STR },
	[C_COMM] = { "COMM", "comm", -14, OUT_STR, 14, .on = true },
	[C_PID] = { "PID", "pid", -7, OUT_UINT, .on = true },
	[C_DISK] = { "DISK", "disk", -9, OUT_STR, .on = true },
	[C_T] = { "T", "type", -1, OUT_STR, .on = true },
	[C_PAT] = { "P", "pattern", -1, OUT_STR },
	[C_SECTOR] = { "SECTOR", "sector", -10, OUT_UINT, .on = true },
	[C_BYTES] = { "BYTES", "bytes", -7, OUT_UINT, .on = true },
	/* two decimals, as BCC prints them */
	[C_QUE] = { "QUE(ms)", "queue_ms", 7, OUT_DBL, 2 },
	[C_LAT] = { "LAT(ms)", "lat_ms", 7, OUT_DBL, 2, .on = true },
};
static const struct out_table table = { cols, NCOLS };

/* Disk names by dev_t, and where the last request of each disk ended (-P). */
#define DISKS 64
static struct disk {
	__u32 dev;
	bool used;
	char name[DISK_NAME_MAX];
	__u64 next_sector;
	bool seen;
} disks[DISKS];

static struct disk *disk_of(__u32 dev)
{
	char path[64], target[PATH_MAX];
	unsigned int i, h = dev % DISKS;
	struct disk *d = NULL;
	ssize_t n;

	for (i = 0; i < DISKS; i++) {
		d = &disks[(h + i) % DISKS];
		if (!d->used || d->dev == dev)
			break;
	}
	if (d->used && d->dev == dev)
		return d;
	/* a full table: reuse the home slot, its disk is looked up again when it returns */
	if (d->used)
		d = &disks[h];
	memset(d, 0, sizeof(*d));
	d->used = true;
	d->dev = dev;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", dev >> 20, dev & ((1u << 20) - 1));
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = 0;
		snprintf(d->name, sizeof(d->name), "%s", basename(target));
	} else {
		snprintf(d->name, sizeof(d->name), "<unknown>");
	}
	return d;
}

static bool is_cgroup2(int fd)
{
	struct statfs sf;

	return !fstatfs(fd, &sf) && sf.f_type == CGROUP2_SUPER_MAGIC;
}

static uint64_t first_ts;
/* -t: realtime minus monotonic, to turn the kernel's time stamps into wall clock time */
static int64_t wall_offset_ns;

/* HH:MM:SS.mmm, local time, of a bpf_ktime_get_ns() time stamp */
static void wall_time(uint64_t ts, char buf[16])
{
	int64_t ns = (int64_t)ts + wall_offset_ns;
	time_t secs = ns / 1000000000;
	struct tm tm;
	char hms[10];

	localtime_r(&secs, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	snprintf(buf, 16, "%s.%03d", hms, (int)(ns / 1000000 % 1000));
}

static int on_event(void *ctx, const void *data, size_t len)
{
	const struct biosnoop_event *e = data;
	union out_val v[NCOLS];
	char comm[BIOSNOOP_COMM_LEN + 1], wall[16];
	struct disk *d;

	if (len < sizeof(*e))
		return 0;
	if (!first_ts)
		first_ts = e->ts;
	d = disk_of(e->dev);
	snprintf(comm, sizeof(comm), "%.*s", BIOSNOOP_COMM_LEN, e->comm);
	v[C_TIME].d = (double)(e->ts - first_ts) / 1e9;
	wall_time(e->ts, wall);
	v[C_WALL].s = wall;
	v[C_COMM].s = comm;
	v[C_PID].u = e->pid;
	v[C_DISK].s = d->name;
	v[C_T].s = (e->cmd_flags & BIOSNOOP_REQ_OP_MASK) == BIOSNOOP_REQ_OP_WRITE ? "W" : "R";
	v[C_PAT].s = !d->seen ? "?" : d->next_sector == e->sector ? "S" : "R";
	v[C_SECTOR].u = e->sector;
	v[C_BYTES].u = e->bytes;
	v[C_QUE].d = e->queue_ns == BIOSNOOP_NO_QUEUE ? -1 : (double)e->queue_ns / 1e6;
	v[C_LAT].d = (double)e->lat_ns / 1e6;
	d->seen = true;
	d->next_sector = e->sector + e->bytes / 512;
	out_row(&table, v);
	return 0;
}

/*
 * Picks the programs matching this kernel: the request is argument 1 of block_rq_{insert,issue}
 * up to 5.10 and argument 0 after; the submitter comes from block_io_start (6.5+), else from
 * block_rq_insert, else (direct issue) from the task issuing the request.
 */
static int choose_hooks(struct biosnoop_bpf *skel)
{
	int start = kbtf__tp_arg_index("block_io_start", "request");
	int insert = kbtf__tp_arg_index("block_rq_insert", "request");
	int issue = kbtf__tp_arg_index("block_rq_issue", "request");
	int complete = kbtf__tp_arg_index("block_rq_complete", "request");

	if (!features__usable(FEAT_RAW_TP))
		return err_report(ERR_ATTACH, features__probe(FEAT_RAW_TP)->err ?: -EOPNOTSUPP,
				  "raw tracepoints do not work here (%s)",
				  features__probe(FEAT_RAW_TP)->reason);
	if (issue < 0 || issue > 1 || complete != 0)
		return err_report(ERR_ATTACH, issue == -ENODATA ? -ENODATA : -ENOENT,
				  "no usable block:block_rq_issue/block_rq_complete tracepoints "
				  "in the kernel's BTF");
	bpf_program__set_autoload(skel->progs.rq_issue, issue == 0);
	bpf_program__set_autoload(skel->progs.rq_issue_q, issue == 1);
	bpf_program__set_autoload(skel->progs.io_start, start == 0);
	bpf_program__set_autoload(skel->progs.rq_insert, start != 0 && insert == 0);
	bpf_program__set_autoload(skel->progs.rq_insert_q, start != 0 && insert == 1);
	err_debug("request at argument %d of block_rq_issue; submitter from %s", issue,
		  start == 0 ? "block_io_start" : insert >= 0 ? "block_rq_insert" : "the issuer");
	return 0;
}

int biosnoop_main(int argc, char **argv)
{
	const struct run_ops ops = { .on_event = on_event };
	const struct bpf_program *failed;
	struct biosnoop_bpf *skel = NULL;
	struct linkset *links;
	int rc = 1, err, first, cgfd = -1;
	struct timespec rt;

	first = opts_parse(&spec, argc, argv);
	if (first < argc && opt_parse_secs(argv[first], &o.duration))
		usage_error(&spec, "duration: expected a whole number of seconds > 0, got '%.32s'",
			    argv[first]);
	if (o.cgroup) {
		/* a directory of the cgroup v2 hierarchy; checked now, so a typo is a usage error */
		cgfd = open(o.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgfd < 0 || !is_cgroup2(cgfd))
			usage_error(&spec, "-c: '%.64s' is not a cgroup v2 directory", o.cgroup);
	}
	run_setup(spec.name);
	cols[C_QUE].on = o.queue;
	cols[C_PAT].on = o.pattern;
	cols[C_TIME].on = !o.wall_time;
	cols[C_WALL].on = o.wall_time;
	clock_gettime(CLOCK_REALTIME, &rt);
	wall_offset_ns = (int64_t)rt.tv_sec * 1000000000 + rt.tv_nsec - (int64_t)now_ns_mono();

	if (!(links = linkset__new()))
		return err_report(ERR_RUNTIME, -ENOMEM, "starting");
	skel = biosnoop_bpf__open_opts(skel_open_opts());
	if (!skel) {
		err_report(ERR_OPEN, -errno, "opening the BPF object");
		goto out;
	}
	skel->rodata->filter_dev = o.dev;
	skel->rodata->filter_cgroup = cgfd >= 0;
	skel->rodata->min_lat_ns = o.min_ms * 1000000ull;
	if (choose_hooks(skel))
		goto out;
	if ((err = skel_load(skel->skeleton))) {
		err_report(ERR_LOAD, err, "loading BPF programs");
		goto out;
	}
	if (cgfd >= 0 && bpf_map_update_elem(bpf_map__fd(skel->maps.cgroup), &(__u32){ 0 }, &cgfd,
					     BPF_ANY)) {
		err_report(ERR_LOAD, -errno, "setting the cgroup filter to %s", o.cgroup);
		goto out;
	}
	if ((err = skel_attach(skel->skeleton, links, &failed))) {
		err_report(ERR_ATTACH, err, "attaching to %s", bpf_program__section_name(failed));
		goto out;
	}

	out_header(&table);
	err = run_loop(&(struct run_cfg){ .events = skel->maps.events,
					  .lost = &skel->bss->lost_events,
					  .duration_ms = o.duration * 1000, .links = links }, &ops, NULL);
	rc = err ? 1 : 0;
out:
	linkset__free(links);
	biosnoop_bpf__destroy(skel);
	if (cgfd >= 0)
		close(cgfd);
	return rc;
}
