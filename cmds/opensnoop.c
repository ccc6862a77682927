// SPDX-License-Identifier: GPL-2.0
/* opensnoop: trace open() system calls, like BCC's opensnoop. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/wait.h>

#include "attach.h"
#include "err.h"
#include "opensnoop.h"
#include "opensnoop.skel.h"
#include "opts.h"
#include "out.h"
#include "pinmap.h"
#include "run.h"

_Static_assert(offsetof(struct opensnoop_event, data) == 56, "opensnoop_event layout");

/* -f filter: flag bits, and access modes (O_RDONLY is 0, so it cannot be a bit test) */
struct flag_filter {
	unsigned int bits, accmodes;
};

static struct {
	bool timestamp, print_uid, failed, extended, full_path, exec;
	long pid, tid, uid, duration, pages;
	const char *name;
	struct pinmap_containers ct;
	struct flag_filter flags;
} o = { .pid = -1, .tid = -1, .uid = -1 };

/* The kernel's O_LARGEFILE: glibc defines it as 0 on 64-bit targets, callers pass it anyway. */
#if defined(__aarch64__)
#define KERNEL_O_LARGEFILE 0400000
#else
#define KERNEL_O_LARGEFILE 0100000
#endif

static const struct {
	const char *name;
	unsigned int value;
} open_flags[] = {
	{ "O_RDONLY", O_RDONLY }, { "O_WRONLY", O_WRONLY }, { "O_RDWR", O_RDWR },
	{ "O_APPEND", O_APPEND }, { "O_ASYNC", O_ASYNC }, { "O_CLOEXEC", O_CLOEXEC },
	{ "O_CREAT", O_CREAT }, { "O_DIRECT", O_DIRECT }, { "O_DIRECTORY", O_DIRECTORY },
	{ "O_DSYNC", O_DSYNC }, { "O_EXCL", O_EXCL }, { "O_LARGEFILE", KERNEL_O_LARGEFILE },
	{ "O_NDELAY", O_NDELAY }, { "O_NOATIME", O_NOATIME }, { "O_NOCTTY", O_NOCTTY },
	{ "O_NOFOLLOW", O_NOFOLLOW }, { "O_NONBLOCK", O_NONBLOCK }, { "O_PATH", O_PATH },
	{ "O_SYNC", O_SYNC }, { "O_TMPFILE", O_TMPFILE }, { "O_TRUNC", O_TRUNC },
};

/* -f NAME, repeatable: O_CREAT or creat, any case. */
static const char *parse_flag(const char *arg, void *dst)
{
	struct flag_filter *f = dst;

	for (size_t i = 0; i < sizeof(open_flags) / sizeof(open_flags[0]); i++) {
		const char *n = open_flags[i].name;

		if (strcasecmp(arg, n) && strcasecmp(arg, n + 2))
			continue;
		if (open_flags[i].value <= O_RDWR)
			f->accmodes |= 1u << open_flags[i].value;
		else
			f->bits |= open_flags[i].value;
		return NULL;
	}
	return "an open flag name such as O_CREAT, O_WRONLY or O_RDONLY";
}

static const char *parse_pages(const char *arg, void *dst)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > 65536 || (v & (v - 1)))
		return "a power of two from 1 to 65536";
	*(long *)dst = v;
	return NULL;
}

static const struct opt opts[] = {
	{ 'T', "timestamp", OPT_FLAG, NULL, "include a time column (seconds since the first event)",
	  &o.timestamp },
	{ 'U', "print-uid", OPT_FLAG, NULL, "print a UID column", &o.print_uid },
	{ 'x', "failed", OPT_FLAG, NULL, "only show failed opens", &o.failed },
	{ 'p', "pid", OPT_LONG, "PID", "trace this PID only", &o.pid, 0, 0x7fffffff,
	  .complete = "pid" },
	{ 't', "tid", OPT_LONG, "TID", "trace this TID only (the PID column becomes TID)", &o.tid,
	  0, 0x7fffffff },
	{ 'u', "uid", OPT_FN, "UID", "trace this UID or user name only", &o.uid,
	  .parse = opt_parse_uid, .complete = "user" },
	{ 'd', "duration", OPT_FN, "SECS", "total duration of trace in seconds", &o.duration,
	  .parse = opt_parse_secs },
	{ 'n', "name", OPT_STR, "NAME", "only print processes whose name contains NAME", &o.name,
	  .max = 64 },
	{ 'e', "extended_fields", OPT_FLAG, NULL, "show extended fields (FLAGS, MODE)",
	  &o.extended },
	{ 'f', "flag_filter", OPT_FN, "FLAG", "only opens with this flag, e.g. O_WRONLY (repeatable)",
	  &o.flags, .parse = parse_flag,
	  .complete = "O_RDONLY O_WRONLY O_RDWR O_APPEND O_ASYNC O_CLOEXEC O_CREAT O_DIRECT "
		      "O_DIRECTORY O_DSYNC O_EXCL O_LARGEFILE O_NDELAY O_NOATIME O_NOCTTY "
		      "O_NOFOLLOW O_NONBLOCK O_PATH O_SYNC O_TMPFILE O_TRUNC" },
	{ 'F', "full-path", OPT_FLAG, NULL, "show relative paths as full paths", &o.full_path },
	{ 'b', "buffer-pages", OPT_FN, "PAGES", "ring buffer size in pages (default: 512 KiB a CPU, 1 MiB at least)",
	  &o.pages, .parse = parse_pages },
	PINMAP_CONTAINER_OPTS(o.ct),
	/* what follows --exec is the command: opensnoop_main takes it off before parsing */
	{ 0, "exec", OPT_FLAG, "CMD...", "run CMD and trace only it (ends when it exits)",
	  &o.exec },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "opensnoop",
	.short_v = true,
	.opts = opts,
	.max_args = 0,
	.epilog = "examples:\n"
		  "  opensnoop                  # trace all open() syscalls\n"
		  "  opensnoop -T               # include timestamps\n"
		  "  opensnoop -U               # include UID\n"
		  "  opensnoop -x               # only show failed opens\n"
		  "  opensnoop -p 181           # only trace PID 181\n"
		  "  opensnoop -t 123           # only trace TID 123\n"
		  "  opensnoop -u 1000          # only trace UID 1000\n"
		  "  opensnoop -d 10            # trace for 10 seconds only\n"
		  "  opensnoop -n main          # only print process names containing \"main\"\n"
		  "  opensnoop -e               # show extended fields\n"
		  "  opensnoop -f O_WRONLY -f O_RDWR  # only print calls for writing\n"
		  "  opensnoop -F               # show full path for an open file with relative path\n"
		  "  opensnoop -j               # one JSON object per line\n"
		  "  opensnoop --exec make -j4  # run make -j4 and trace only it\n",
};

enum { C_TIME, C_UID, C_PID, C_COMM, C_FD, C_ERR, C_FLAGS, C_MODE, C_PATH, NCOLS };

static struct out_col cols[NCOLS] = {
	[C_TIME] = { "TIME(s)", "time_s", -14, OUT_DBL, 9 },
	[C_UID] = { "UID", "uid", -6, OUT_UINT },
	[C_PID] = { "PID", "pid", -6, OUT_UINT, .on = true },
	[C_COMM] = { "COMM", "comm", -16, OUT_STR, .on = true },
	[C_FD] = { "FD", "fd", 4, OUT_INT, .on = true },
	[C_ERR] = { "ERR", "err", 3, OUT_INT, .on = true },
	[C_FLAGS] = { "FLAGS", "flags", -8, OUT_OCT },
	[C_MODE] = { "MODE", "mode", -4, OUT_STR, .null_if_empty = true, .null_text = "n/a" },
	[C_PATH] = { "PATH", "path", 0, OUT_STR, .on = true },
};
static const struct out_table table = { cols, NCOLS };

static uint64_t first_ts;

/* Path as printed: cut paths end in "..."; -F puts the directory walked in the kernel first. */
static const char *build_path(const struct opensnoop_event *e, size_t len, char *buf, size_t size)
{
	size_t plen = e->path_len, dlen = e->dir_len, off = 0;
	const char *names[OPENSNOOP_DIR_DEPTH], *p;
	int n = 0;

	if (plen < 1 || plen > OPENSNOOP_PATH_MAX || plen > len)
		plen = 0;
	/* the common case, printed in place: a whole path the kernel ended with its NUL */
	if (plen && !(e->event_flags & (OPENSNOOP_DIR | OPENSNOOP_PATH_CUT)) && !e->data[plen - 1])
		return e->data;
	if (!(e->event_flags & OPENSNOOP_DIR) || plen + dlen > len || dlen > OPENSNOOP_DIR_MAX)
		dlen = 0;
	/* names come innermost first; each ends with its NUL (the kernel read them as strings) */
	for (p = e->data + plen; p < e->data + plen + dlen && n < OPENSNOOP_DIR_DEPTH; n++) {
		names[n] = p;
		p += strnlen(p, e->data + plen + dlen - p) + 1;
	}
	buf[0] = 0;
	if (e->event_flags & OPENSNOOP_DIR && (n || !(e->event_flags & OPENSNOOP_DIR_CUT))) {
		off = snprintf(buf, size, "%s", e->event_flags & OPENSNOOP_DIR_CUT ? "..." : "");
		while (n-- > 0 && off < size)
			off += snprintf(buf + off, size - off, "/%.255s", names[n]);
		if (off < size)
			off += snprintf(buf + off, size - off, "/");
	}
	if (off < size)
		off += snprintf(buf + off, size - off, "%.*s", (int)(plen ? strnlen(e->data, plen) : 0),
				e->data);
	if (e->event_flags & OPENSNOOP_PATH_CUT && off < size)
		snprintf(buf + off, size - off, "...");
	return buf;
}

static int on_event(void *ctx, const void *data, size_t len)
{
	static char path[OPENSNOOP_PATH_MAX + OPENSNOOP_DIR_MAX + OPENSNOOP_DIR_DEPTH + 8];
	const struct opensnoop_event *e = data;
	union out_val v[NCOLS];
	char comm[OPENSNOOP_COMM_LEN + 1], mode[16];

	if (len < offsetof(struct opensnoop_event, data))
		return 0;
	if (!first_ts)
		first_ts = e->ts;
	memcpy(comm, e->comm, OPENSNOOP_COMM_LEN);
	comm[OPENSNOOP_COMM_LEN] = 0;

	v[C_TIME].d = (double)(e->ts - first_ts) / 1e9;
	v[C_UID].u = e->uid;
	v[C_PID].u = o.tid >= 0 ? e->tid : e->pid;
	v[C_COMM].s = comm;
	v[C_FD].i = e->ret >= 0 ? e->ret : -1;
	v[C_ERR].i = e->ret >= 0 ? 0 : -e->ret;
	v[C_FLAGS].u = e->flags;
	/* the mode means something only when a file may be created; O_TMPFILE includes the
	 * O_DIRECTORY bit, so it is tested whole, as BCC does */
	v[C_MODE].s = NULL;
	if (cols[C_MODE].on && (e->flags & O_CREAT || (e->flags & O_TMPFILE) == O_TMPFILE)) {
		snprintf(mode, sizeof(mode), "%04o", e->mode);
		v[C_MODE].s = mode;
	}
	v[C_PATH].s = build_path(e, len - offsetof(struct opensnoop_event, data), path,
				 sizeof(path));
	out_row(&table, v);
	return 0;
}

/*
 * --exec: the command is forked at once but waits on a pipe, so its pid can be filtered on
 * before it runs; it execs when the tracer is attached.
 */
static struct {
	pid_t pid;
	int go;		/* write end: closing it without a byte makes the child give up */
	int status;
} child = { .pid = -1, .go = -1 };

static int start_child(char **cmd)
{
	int go[2], err[2];

	if (pipe2(go, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
		return -errno;
	child.pid = fork();
	if (child.pid < 0)
		return -errno;
	if (child.pid == 0) {
		char c;
		int e;

		close(go[1]);
		close(err[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		execvp(cmd[0], cmd);
		e = errno;
		/* the parent reports it: nothing of the tool's runs here */
		if (write(err[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	child.go = go[1];
	return err[0];
}

/* Lets the child exec; returns 0 once it has, or -errno of its failed exec. */
static int release_child(int errfd)
{
	int e = 0;
	ssize_t n;

	if (write(child.go, "x", 1) != 1)
		return -errno;
	close(child.go);
	child.go = -1;
	/* EOF (close-on-exec) means the exec happened */
	do
		n = read(errfd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(errfd);
	return n == sizeof(e) ? -e : 0;
}

static int child_tick(void *ctx)
{
	return waitpid(child.pid, &child.status, WNOHANG) == child.pid;
}

int opensnoop_main(int argc, char **argv)
{
	struct bpf_program *exit_prog;
	const struct bpf_program *failed;
	struct opensnoop_bpf *skel = NULL;
	struct linkset *links;
	char why[PINMAP_WHY_MAX];
	int rc = 1, err, errfd = -1;
	char **cmd = NULL;

	/* everything after --exec is the command and its own options */
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--exec")) {
			cmd = argv + i + 1;
			argc = i + 1;
			break;
		}
	}
	opts_parse(&spec, argc, argv);
	if (o.exec && (!cmd || !cmd[0]))
		usage_error(&spec, "--exec needs a command to run");
	if (o.exec && o.pid >= 0)
		usage_error(&spec, "--exec and -p cannot be combined");
	if (o.exec) {
		errfd = start_child(cmd);
		if (errfd < 0)
			return err_report(ERR_RUNTIME, errfd, "starting %.200s", cmd[0]);
		o.pid = child.pid;
	}
	run_setup(spec.name);
	cols[C_TIME].on = o.timestamp;
	cols[C_UID].on = o.print_uid;
	cols[C_FLAGS].on = cols[C_MODE].on = o.extended;
	if (o.tid >= 0) {
		cols[C_PID].head = "TID";
		cols[C_PID].key = "tid";
	}

	if (!(links = linkset__new()))
		return err_report(ERR_RUNTIME, -ENOMEM, "starting");
	skel = opensnoop_bpf__open_opts(skel_open_opts());
	if (!skel) {
		err_report(ERR_OPEN, -errno, "opening the BPF object");
		goto out;
	}
	skel->rodata->filter_pid = o.pid;
	skel->rodata->filter_tid = o.tid;
	skel->rodata->filter_uid = o.uid;
	/* a comm holds 15 characters: a longer name can only match its first 15 */
	if (o.name)
		strncpy((char *)skel->rodata->filter_comm, o.name,
			sizeof(skel->rodata->filter_comm) - 1);
	skel->rodata->failed_only = o.failed;
	skel->rodata->full_path = o.full_path;
	skel->rodata->filter_flags = o.flags.bits;
	skel->rodata->filter_accmodes = o.flags.accmodes;
	bpf_map__set_max_entries(skel->maps.events,
				 o.pages ? (size_t)o.pages * getpagesize() : run_ring_size(512 << 10));
	if (pinmap__containers(&o.ct, skel->maps.cgroupset, &skel->rodata->filter_cgroup,
			       skel->maps.mntnsset, &skel->rodata->filter_mntns, why, sizeof(why))) {
		err_msg("%s", why);
		goto out;
	}
	/* typed tracepoints need the kernel's own BTF (not a --btf file) */
	exit_prog = !opt_btf && !access("/sys/kernel/btf/vmlinux", R_OK) ? skel->progs.open_exit
									   : skel->progs.open_exit_raw;
	bpf_program__set_autoload(skel->progs.open_exit, exit_prog == skel->progs.open_exit);
	bpf_program__set_autoload(skel->progs.open_exit_raw, exit_prog != skel->progs.open_exit);
	/* attached first, below: an entry whose exit is not attached yet would stay in starts */
	bpf_program__set_autoattach(exit_prog, false);
	if ((err = skel_load(skel->skeleton))) {
		err_report(ERR_LOAD, err, "loading BPF programs");
		goto out;
	}
	failed = exit_prog;
	if ((err = linkset__add(links, bpf_program__attach(failed))) ||
	    (err = skel_attach(skel->skeleton, links, &failed))) {
		err_report(ERR_ATTACH, err, "attaching to %s", bpf_program__section_name(failed));
		goto out;
	}

	if (errfd >= 0) {
		err = release_child(errfd);
		errfd = -1;
		if (err) {
			err_msg("cannot run %.200s: %s", cmd[0], strerror(-err));
			goto out;
		}
	}
	out_header(&table);
	err = run_loop(&(struct run_cfg){ .events = skel->maps.events,
					  .lost = &skel->bss->lost_events,
					  .duration_ms = o.duration * 1000,
					  .interval_ms = o.exec ? 50 : 0, .links = links },
		       &(struct run_ops){ .on_event = on_event, .on_tick = o.exec ? child_tick : NULL },
		       NULL);
	rc = err ? 1 : 0;
out:
	linkset__free(links);
	opensnoop_bpf__destroy(skel);
	/* a command never released gives up on EOF; one still running is left to run */
	if (child.go >= 0)
		close(child.go);
	if (errfd >= 0)
		close(errfd);
	return rc;
}
