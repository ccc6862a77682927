// SPDX-License-Identifier: GPL-2.0
/* Live kernel feature probes: tiny programs loaded (and attached) for real, cached per run. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "feature.h"
#include "kbtf.h"
#include "kconfig.h"
#include "opts.h"
#include "tracefs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
/* Kernel-internal errno that leaks to user space from BPF trampoline attach. */
#define ENOTSUPP_KERNEL 524

typedef void (*probe_fn)(struct feature_result *r);

static const struct bpf_insn prog_ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* r1 still holds the context, which is what bpf_get_attach_cookie() takes. */
static const struct bpf_insn prog_cookie[] = {
	{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_attach_cookie },
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static struct feature_result results[FEAT__COUNT];
static bool probed[FEAT__COUNT];
static bool attach_probes;	/* features__attach_probes() */
static char verifier_line[120];	/* last line of the verifier log of the last failed load */

/* ---- small helpers ---- */

static void set(struct feature_result *r, enum feature_status st, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set(struct feature_result *r, enum feature_status st, int err, const char *fmt, ...)
{
	va_list ap;

	r->status = st;
	r->err = err;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

static const char *errname(int err)
{
	static char buf[24];
	const char *s;

	if (err < 0)
		err = -err;
	if (err == ENOTSUPP_KERNEL)
		return "ENOTSUPP (524)";
	s = strerrorname_np(err);
	if (s)
		return s;
	snprintf(buf, sizeof(buf), "error %d", err);
	return buf;
}

static int read_long(const char *path, long *v)
{
	char buf[64], *end;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	errno = 0;
	*v = strtol(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

static int read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "re");
	char *nl;

	if (!f)
		return -errno;
	if (!fgets(buf, n, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

/* Mount point of the first mount of TYPE, or -ENOENT. */
static int find_mount(const char *type, char *dir, size_t n)
{
	char line[512], d[256], t[64];
	FILE *f = fopen("/proc/self/mounts", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %255s %63s", d, t) == 2 && !strcmp(t, type)) {
			snprintf(dir, n, "%s", d);
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

static int perf_open(struct perf_event_attr *a, int pid, int cpu)
{
	int fd;

	a->size = sizeof(*a);
	fd = syscall(__NR_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int perf_set_bpf(int pfd, int prog)
{
	return ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) ? -errno : 0;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* Loads a program; keeps the verifier's last line for the reason. Returns fd or -errno. */
static int load(enum bpf_prog_type type, enum bpf_attach_type eat, __u32 btf_id,
		const struct bpf_insn *insns, size_t cnt)
{
	static char log[8192];
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = eat, .attach_btf_id = btf_id,
		    .log_buf = log, .log_size = sizeof(log));
	int fd;

	log[0] = 0;
	verifier_line[0] = 0;
	fd = bpf_prog_load(type, "bpfbox_probe", "GPL", insns, cnt, &o);
	if (fd < 0) {
		int err = -errno;
		char *end = log + strlen(log), *start;

		while (end > log && (end[-1] == '\n' || end[-1] == ' '))
			*--end = 0;
		start = strrchr(log, '\n');
		snprintf(verifier_line, sizeof(verifier_line), "%s", start ? start + 1 : log);
		return err;
	}
	return fd;
}

static bool privileged(void)
{
	return features__probe(FEAT_PRIVILEGES)->status == FEATURE_WORKS;
}

/*
 * A probe step failed with err. Without privileges the kernel's answer says nothing about the
 * feature (error); with them it is the kernel's verdict (missing), explained by why or by the
 * verifier's last line.
 */
static void failed(struct feature_result *r, const char *step, int err, const char *why)
{
	if ((err == -EPERM || err == -EACCES) && !privileged()) {
		set(r, FEATURE_ERROR, err, "%s fails with %s: needs root (CAP_BPF and CAP_PERFMON)",
		    step, errname(err));
		return;
	}
	if (!why && verifier_line[0])
		why = verifier_line;
	if (!why) {
		switch (-err) {
		case EPERM:
			why = "the kernel refuses it: lockdown or a security module?";
			break;
		case EINVAL:
			why = "the kernel does not know this program or attach type";
			break;
		case ENOENT:
			why = "target not found";
			break;
		case EOPNOTSUPP:
		case ENOTSUPP_KERNEL:
			why = "not supported by this kernel or architecture";
			break;
		default:
			why = strerror(-err);
		}
	}
	set(r, FEATURE_MISSING, err, "%s fails with %s (%s)", step, errname(err), why);
}

static const struct btf *get_btf(struct feature_result *r)
{
	if (features__probe(FEAT_BTF)->status != FEATURE_WORKS) {
		set(r, FEATURE_ERROR, -ENOENT, "needs vmlinux BTF: %s",
		    features__probe(FEAT_BTF)->reason);
		return NULL;
	}
	return kbtf__get();
}

static const char *get_tracefs(struct feature_result *r)
{
	const struct feature_result *t = features__probe(FEAT_TRACEFS);

	if (t->status != FEATURE_WORKS) {
		set(r, FEATURE_ERROR, t->err, "needs tracefs: %s", t->reason);
		return NULL;
	}
	return tracefs_path();
}

/* PMU type number of a dynamic PMU ("kprobe", "uprobe"), or -errno. */
static int pmu_type(const char *pmu)
{
	char path[128];
	long v;
	int err;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/type", pmu);
	err = read_long(path, &v);
	return err ? err : (int)v;
}

/* Bit of attr.config that makes a kprobe/uprobe a return probe, or -errno. */
static int pmu_retprobe_bit(const char *pmu)
{
	char path[128], buf[32];
	int bit, err;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/format/retprobe", pmu);
	err = read_line(path, buf, sizeof(buf));
	if (err)
		return err;
	if (sscanf(buf, "config:%d", &bit) != 1 || bit < 0 || bit > 63)
		return -EINVAL;
	return bit;
}

/* ---- environment ---- */

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

static void probe_privileges(struct feature_result *r)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};
	bool admin, bpf, perfmon;

	if (syscall(SYS_capget, &h, d)) {
		set(r, FEATURE_ERROR, -errno, "capget fails: %s", strerror(errno));
		return;
	}
	admin = has_cap(d, CAP_SYS_ADMIN);
	bpf = has_cap(d, CAP_BPF);
	perfmon = has_cap(d, CAP_PERFMON);
	/* Before 5.8 there is no CAP_BPF/CAP_PERFMON and CAP_SYS_ADMIN covers both. */
	if (admin || (bpf && perfmon))
		set(r, FEATURE_WORKS, 0, "uid %u; CAP_SYS_ADMIN %s, CAP_BPF %s, CAP_PERFMON %s",
		    (unsigned)geteuid(), admin ? "yes" : "no", bpf ? "yes" : "no",
		    perfmon ? "yes" : "no");
	else
		set(r, FEATURE_MISSING, -EPERM,
		    "uid %u without CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON: run as root",
		    (unsigned)geteuid());
}

static void probe_btf(struct feature_result *r)
{
	const char *path = kbtf__path();
	const struct btf *btf;
	int err;

	if (opt_btf) {
		if (!(btf = kbtf__get())) {
			err = -errno;
			set(r, FEATURE_ERROR, err, "--btf %s does not parse: %s", path, strerror(-err));
			return;
		}
		set(r, FEATURE_WORKS, 0, "%s (--btf), %u types", path, btf__type_cnt(btf));
		return;
	}
	if (access(path, R_OK)) {
		err = -errno;
		if (err == -ENOENT)
			set(r, FEATURE_MISSING, err,
			    "no %s: kernel without CONFIG_DEBUG_INFO_BTF (give --btf FILE)", path);
		else
			set(r, FEATURE_ERROR, err, "%s: %s", path, strerror(-err));
		return;
	}
	if (!(btf = kbtf__get())) {
		err = -errno;
		set(r, FEATURE_ERROR, err, "%s does not parse: %s", path, strerror(-err));
		return;
	}
	set(r, FEATURE_WORKS, 0, "%s, %u types", path, btf__type_cnt(btf));
}

static void probe_tracefs(struct feature_result *r)
{
	char dir[256];
	bool was_mounted = find_mount("tracefs", dir, sizeof(dir)) == 0;
	const char *path = tracefs_path();

	if (!path) {
		int err = errno ? -errno : -ENOENT;

		set(r, FEATURE_MISSING, err, "not mounted and cannot be mounted: %s",
		    strerror(-err));
		return;
	}
	set(r, FEATURE_WORKS, 0, "%s%s", path,
	    was_mounted ? "" : " (was not mounted: mounted it)");
}

static void probe_debugfs(struct feature_result *r)
{
	char dir[256];

	if (find_mount("debugfs", dir, sizeof(dir)) == 0)
		set(r, FEATURE_WORKS, 0, "mounted at %s", dir);
	else
		set(r, FEATURE_MISSING, -ENOENT, "not mounted (only needed when tracefs is not)");
}

static void probe_sysctl(struct feature_result *r, const char *path, long ok_max,
			 const char *what)
{
	long v;
	int err = read_long(path, &v);

	if (err == -ENOENT) {
		set(r, FEATURE_WORKS, 0, "no %s: no such restriction here", path);
		return;
	}
	if (err) {
		set(r, FEATURE_ERROR, err, "%s: %s", path, strerror(-err));
		return;
	}
	if (v <= ok_max)
		set(r, FEATURE_WORKS, 0, "%ld", v);
	else if (privileged())
		set(r, FEATURE_WORKS, 0, "%ld: %s, but bpfbox runs privileged", v, what);
	else
		set(r, FEATURE_MISSING, -EPERM, "%ld: %s; run as root", v, what);
}

static void probe_paranoid(struct feature_result *r)
{
	probe_sysctl(r, "/proc/sys/kernel/perf_event_paranoid", -1,
		     "system-wide perf events need CAP_PERFMON");
}

static void probe_unpriv_bpf(struct feature_result *r)
{
	probe_sysctl(r, "/proc/sys/kernel/unprivileged_bpf_disabled", 0,
		     "bpf() needs CAP_BPF");
}

/*
 * Lockdown levels, in the kernel's order (security/lockdown: a level can only be raised), and
 * what each blocks of what a tracer does (the kernel's lockdown_reasons): integrity only what
 * writes to the kernel or user memory, confidentiality also everything that reads the kernel.
 */
static const char *const lockdown_levels[] = { "none", "integrity", "confidentiality" };
#define LOCKDOWN_PATH "/sys/kernel/security/lockdown"

static int lockdown_level(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, lockdown_levels[i]))
			return i;
	return -1;
}

static void lockdown_verdict(struct feature_result *r, int level, const char *source)
{
	if (level == 0)
		set(r, FEATURE_WORKS, 0, "none%s", source);
	else if (level == 1)
		set(r, FEATURE_WORKS, 0, "integrity%s: tracing works; blocked are "
		    "bpf_probe_write_user, unsigned modules, most of debugfs, /dev/mem and kexec",
		    source);
	else
		set(r, FEATURE_MISSING, -EPERM, "confidentiality%s: kprobes, tracefs, perf "
		    "kernel data and reading kernel memory from BPF are blocked", source);
}

/* The level a kernel config forces at boot (CONFIG_LOCK_DOWN_KERNEL_FORCE_*), or -errno. */
static int lockdown_forced(void)
{
	struct kconfig kc;
	const char *y;
	int err, level = 0;

	kconfig__init(&kc);
	err = kconfig__load(&kc);
	if (!err) {
		y = kconfig__get(&kc, "CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY");
		if (y && !strcmp(y, "y"))
			level = 2;
		y = kconfig__get(&kc, "CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY");
		if (!level && y && !strcmp(y, "y"))
			level = 1;
	}
	kconfig__free(&kc);
	return err ? err : level;
}

static void probe_lockdown(struct feature_result *r)
{
	char buf[128], dir[256], *open, *close, *cmd = NULL, *p;
	int err = read_line(LOCKDOWN_PATH, buf, sizeof(buf)), level, forced, mounted;
	size_t n = 0;
	FILE *f;

	/* a host that boots without securityfs: mount it, as tracefs is mounted */
	mounted = !find_mount("securityfs", dir, sizeof(dir));
	if (err == -ENOENT && !mounted) {
		mounted = !mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
		if (mounted)
			err = read_line(LOCKDOWN_PATH, buf, sizeof(buf));
	}
	if (!err) {
		open = strchr(buf, '[');
		close = open ? strchr(open, ']') : NULL;
		if (close)
			*close = 0;
		level = close ? lockdown_level(open + 1) : -1;
		if (level < 0)
			set(r, FEATURE_ERROR, -EINVAL, "unexpected lockdown state \"%s\"", buf);
		else
			lockdown_verdict(r, level, "");
		return;
	}
	if (err == -ENOENT && mounted) {
		set(r, FEATURE_WORKS, 0, "the lockdown LSM is not active");
		return;
	}
	/* unreadable: the level the kernel config forces, raised by lockdown= at boot */
	forced = lockdown_forced();
	level = forced > 0 ? forced : 0;
	f = fopen("/proc/cmdline", "re");
	if (f && getline(&cmd, &n, f) > 0 && (p = strstr(cmd, "lockdown="))) {
		p += strlen("lockdown=");
		p[strcspn(p, " \n")] = 0;
		if (lockdown_level(p) > level)
			level = lockdown_level(p);
	}
	free(cmd);
	if (f)
		fclose(f);
	snprintf(dir, sizeof(dir), " (%s unreadable: %s; from the kernel %s)", LOCKDOWN_PATH,
		 strerror(-err), forced < 0 ? "command line, no kernel config found"
					    : "config and command line");
	lockdown_verdict(r, level, dir);
}

static void probe_kallsyms(struct feature_result *r)
{
	char line[256];
	long restrict_ = -1;
	unsigned long long addr;
	bool seen = false, nonzero = false;
	FILE *f;

	read_long("/proc/sys/kernel/kptr_restrict", &restrict_);
	f = fopen("/proc/kallsyms", "re");
	if (!f) {
		set(r, FEATURE_MISSING, -errno, "/proc/kallsyms: %s", strerror(errno));
		return;
	}
	/* A few lines tell: hidden addresses are all zero. */
	for (int i = 0; i < 16 && fgets(line, sizeof(line), f); i++) {
		if (sscanf(line, "%llx", &addr) == 1) {
			seen = true;
			nonzero |= addr != 0;
		}
	}
	fclose(f);
	if (nonzero)
		set(r, FEATURE_WORKS, 0, "addresses visible (kptr_restrict=%ld)", restrict_);
	else if (seen)
		set(r, FEATURE_MISSING, -EPERM,
		    "addresses hidden (kptr_restrict=%ld): kernel stacks cannot be symbolized",
		    restrict_);
	else
		set(r, FEATURE_MISSING, -ENOENT, "/proc/kallsyms is empty");
}

static void probe_jit(struct feature_result *r)
{
	long v;
	int err = read_long("/proc/sys/net/core/bpf_jit_enable", &v);

	if (err == -ENOENT)
		set(r, FEATURE_MISSING, err, "no bpf_jit_enable: kernel without CONFIG_BPF_JIT");
	else if (err)
		set(r, FEATURE_ERROR, err, "bpf_jit_enable: %s", strerror(-err));
	else if (v)
		set(r, FEATURE_WORKS, 0, "bpf_jit_enable=%ld", v);
	else
		set(r, FEATURE_MISSING, -EINVAL,
		    "bpf_jit_enable=0: programs run in the interpreter, slower");
}

/* ---- tracepoints ---- */

static int tp_event_id(struct feature_result *r, const char *cat, const char *name)
{
	const char *root = get_tracefs(r);
	char path[512];
	long id;
	int err;

	if (!root)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, cat, name);
	err = read_long(path, &id);
	if (err) {
		set(r, FEATURE_ERROR, err, "no tracepoint %s:%s in tracefs", cat, name);
		return err;
	}
	return (int)id;
}

/* Opens the classic tracepoint as a perf event on CPU 0 (any CPU will do for a probe). */
static int tp_perf_open(int id)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_TRACEPOINT,
		.config = id,
		.sample_period = 1,
		.wakeup_events = 1,
	};

	return perf_open(&a, -1, 0);
}

static void probe_tracepoint(struct feature_result *r)
{
	int id, prog, pfd = -1, err;

	id = tp_event_id(r, FEATURES_TP_CATEGORY, FEATURES_TP_NAME);
	if (id < 0)
		return;
	prog = load(BPF_PROG_TYPE_TRACEPOINT, 0, 0, prog_ret0, 2);
	if (prog < 0) {
		failed(r, "load", prog, NULL);
		return;
	}
	if (!attach_probes) {
		set(r, FEATURE_WORKS, 0, "loads, %s:%s exists (attach left to the applet's own)",
		    FEATURES_TP_CATEGORY, FEATURES_TP_NAME);
		close(prog);
		return;
	}
	pfd = tp_perf_open(id);
	err = pfd < 0 ? pfd : perf_set_bpf(pfd, prog);
	if (err)
		failed(r, pfd < 0 ? "perf_event_open" : "attach", err, NULL);
	else
		set(r, FEATURE_WORKS, 0, "attached to %s:%s", FEATURES_TP_CATEGORY,
		    FEATURES_TP_NAME);
	close_fd(pfd);
	close(prog);
}

static void probe_events(struct feature_result *r, const char *cat, const char *const names[],
			 const char *why_missing)
{
	if (!get_tracefs(r))
		return;
	for (int i = 0; names[i]; i++) {
		if (!tracefs_has_event(cat, names[i])) {
			set(r, FEATURE_MISSING, -ENOENT, "no %s:%s in tracefs%s", cat, names[i],
			    why_missing);
			return;
		}
	}
	set(r, FEATURE_WORKS, 0, "%s:%s and %s exist", cat, names[0], names[1]);
}

static void probe_syscall_tp(struct feature_result *r)
{
	static const char *const names[] = { "sys_enter_execve", "sys_exit_execve", NULL };

	probe_events(r, "syscalls", names, ": kernel without CONFIG_FTRACE_SYSCALLS");
}

static void probe_block_tp(struct feature_result *r)
{
	static const char *const names[] = { "block_rq_issue", "block_rq_complete", NULL };
	size_t n;

	probe_events(r, "block", names, "");
	if (r->status != FEATURE_WORKS)
		return;
	/* block_io_start/done (6.5+) see bio-based devices too. */
	n = strlen(r->reason);
	snprintf(r->reason + n, sizeof(r->reason) - n, "; block_io_start/done %s",
		 tracefs_has_event("block", "block_io_start") ? "too" : "do not (kernel < 6.5)");
}

static void probe_raw_tp(struct feature_result *r)
{
	int prog, fd;

	prog = load(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, prog_ret0, 2);
	if (prog < 0) {
		failed(r, "load", prog, NULL);
		return;
	}
	fd = bpf_raw_tracepoint_open(FEATURES_TP_NAME, prog);
	if (fd < 0)
		failed(r, "attach", -errno, NULL);
	else
		set(r, FEATURE_WORKS, 0, "attached to %s", FEATURES_TP_NAME);
	close_fd(fd);
	close(prog);
}

/* Loads and attaches a BTF-typed tracing program (tp_btf, fentry, fexit) to btf_id. */
static void tracing_attach(struct feature_result *r, enum bpf_attach_type eat, __u32 btf_id,
			   const char *kind, const char *why_perm)
{
	char step[48];
	int prog, fd;

	prog = load(BPF_PROG_TYPE_TRACING, eat, btf_id, prog_ret0, 2);
	if (prog < 0) {
		snprintf(step, sizeof(step), "%s load", kind);
		failed(r, step, prog, prog == -EPERM ? why_perm : NULL);
		return;
	}
	fd = bpf_raw_tracepoint_open(NULL, prog);
	if (fd < 0) {
		int err = -errno;

		snprintf(step, sizeof(step), "%s attach", kind);
		failed(r, step, err, err == -ENOTSUPP_KERNEL || err == -EOPNOTSUPP ?
		       "no BPF trampoline on this kernel or architecture" : NULL);
	} else {
		r->status = FEATURE_WORKS;
	}
	close_fd(fd);
	close(prog);
}

static void probe_tp_btf(struct feature_result *r)
{
	const struct btf *btf = get_btf(r);
	int id;

	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, "btf_trace_" FEATURES_TP_NAME, BTF_KIND_TYPEDEF);
	if (id < 0) {
		set(r, FEATURE_ERROR, id, "no btf_trace_%s in vmlinux BTF", FEATURES_TP_NAME);
		return;
	}
	tracing_attach(r, BPF_TRACE_RAW_TP, id, "tp_btf", NULL);
	if (r->status == FEATURE_WORKS)
		set(r, FEATURE_WORKS, 0, "attached to %s", FEATURES_TP_NAME);
}

static void probe_fentry(struct feature_result *r)
{
	const struct btf *btf = get_btf(r);
	/* Privileged, and tp_btf (the same program type) loads: EPERM is about trampolines. */
	const char *perm = "the kernel refuses trampolines here";
	int id;

	if (!btf)
		return;
	id = btf__find_by_name_kind(btf, FEATURES_KFUNC, BTF_KIND_FUNC);
	if (id < 0) {
		set(r, FEATURE_ERROR, id, "no %s in vmlinux BTF", FEATURES_KFUNC);
		return;
	}
	tracing_attach(r, BPF_TRACE_FENTRY, id, "fentry", perm);
	if (r->status != FEATURE_WORKS)
		return;
	tracing_attach(r, BPF_TRACE_FEXIT, id, "fexit", perm);
	if (r->status == FEATURE_WORKS)
		set(r, FEATURE_WORKS, 0, "fentry and fexit attached to %s", FEATURES_KFUNC);
}

/* ---- kprobes and uprobes through their perf PMUs ---- */

/* Attaches a program to PMU's probe (entry, then return) on target at offset. */
static void pmu_probe(struct feature_result *r, const char *pmu, uint64_t config1,
		      uint64_t config2, const char *what)
{
	struct perf_event_attr a = { .sample_period = 1, .wakeup_events = 1 };
	int type, bit, prog, pfd, err;
	char step[48];

	type = pmu_type(pmu);
	bit = pmu_retprobe_bit(pmu);
	if (type < 0 || bit < 0) {
		set(r, FEATURE_MISSING, type < 0 ? type : bit,
		    "no %s PMU in /sys/bus/event_source/devices: kernel without CONFIG_%s_EVENTS",
		    pmu, !strcmp(pmu, "kprobe") ? "KPROBE" : "UPROBE");
		return;
	}
	prog = load(BPF_PROG_TYPE_KPROBE, 0, 0, prog_ret0, 2);
	if (prog < 0) {
		failed(r, "load", prog, NULL);
		return;
	}
	if (!attach_probes) {
		set(r, FEATURE_WORKS, 0, "%s PMU found, programs load (attach left to the applet's own)",
		    pmu);
		close(prog);
		return;
	}
	a.type = type;
	a.config1 = config1;
	a.config2 = config2;
	for (int ret = 0; ret < 2; ret++) {
		a.config = ret ? 1ULL << bit : 0;
		pfd = perf_open(&a, -1, 0);
		err = pfd < 0 ? pfd : perf_set_bpf(pfd, prog);
		close_fd(pfd);
		if (err) {
			snprintf(step, sizeof(step), "%s%s %s", pmu, ret ? " return" : "",
				 pfd < 0 ? "perf_event_open" : "attach");
			failed(r, step, err, NULL);
			close(prog);
			return;
		}
	}
	close(prog);
	set(r, FEATURE_WORKS, 0, "%s and %.1sret%s attached to %s", pmu, pmu, pmu + 1, what);
}

static void probe_kprobe(struct feature_result *r)
{
	pmu_probe(r, "kprobe", (uintptr_t)FEATURES_KFUNC, 0, FEATURES_KFUNC);
}

/* The uprobe probe's target: never inlined, so it has an address in our own text. */
__attribute__((noinline, used)) void features__uprobe_target(void)
{
	__asm__ __volatile__("" ::: "memory");
}

/* File offset and path of our own code at addr, from /proc/self/maps. */
static int self_offset(uintptr_t addr, char *path, size_t n, uint64_t *off)
{
	char line[512], p[400];
	unsigned long long start, end, pgoff;
	FILE *f = fopen("/proc/self/maps", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		p[0] = 0;
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %399s", &start, &end, &pgoff, p) < 3)
			continue;
		if (addr >= start && addr < end && p[0] == '/') {
			snprintf(path, n, "%s", p);
			*off = addr - start + pgoff;
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

static void probe_uprobe(struct feature_result *r)
{
	char path[400], what[440];
	uint64_t off = 0;
	int err = self_offset((uintptr_t)&features__uprobe_target, path, sizeof(path), &off);

	if (err) {
		set(r, FEATURE_ERROR, err, "cannot find this program's own text in /proc/self/maps");
		return;
	}
	snprintf(what, sizeof(what), "%s:0x%" PRIx64, path, off);
	pmu_probe(r, "uprobe", (uintptr_t)path, off, what);
}

static void probe_uprobe_multi(struct feature_result *r)
{
	char path[400];
	unsigned long off;
	uint64_t off64 = 0;
	int prog, fd, err = self_offset((uintptr_t)&features__uprobe_target, path, sizeof(path),
					&off64);
	LIBBPF_OPTS(bpf_link_create_opts, o, .uprobe_multi.path = path,
		    .uprobe_multi.offsets = &off, .uprobe_multi.cnt = 1);

	if (err) {
		set(r, FEATURE_ERROR, err, "cannot find this program's own text in /proc/self/maps");
		return;
	}
	off = (unsigned long)off64;
	prog = load(BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0, prog_ret0, 2);
	if (prog < 0) {
		failed(r, "load", prog, "no uprobe.multi programs: kernel < 6.6?");
		return;
	}
	/*
	 * Without attach: a kernel with these links refuses "/", no regular file, with EBADF,
	 * one without them the link type with EINVAL. A real link's release waits ~200 ms.
	 */
	if (!attach_probes) {
		o.uprobe_multi.path = "/";
		off = 0;
	}
	fd = bpf_link_create(prog, 0, BPF_TRACE_UPROBE_MULTI, &o);
	err = fd < 0 ? -errno : 0;
	if (!attach_probes && err == -EBADF)
		set(r, FEATURE_WORKS, 0, "links known (attach left to the applet's own)");
	else if (!attach_probes && !err)
		failed(r, "attach", -EINVAL, "a link to \"/\" was accepted");
	else if (err)
		failed(r, "attach", err, err == -EINVAL ? "no uprobe.multi links: kernel < 6.6?" :
		       NULL);
	else
		set(r, FEATURE_WORKS, 0, "one link attached to %s:0x%lx", path, off);
	close_fd(fd);
	close(prog);
}

static void probe_kprobe_multi(struct feature_result *r)
{
	const char *syms[] = { FEATURES_KFUNC };
	LIBBPF_OPTS(bpf_link_create_opts, o, .kprobe_multi.syms = syms, .kprobe_multi.cnt = 1);
	int prog, fd, err;

	prog = load(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, prog_ret0, 2);
	if (prog < 0) {
		failed(r, "load", prog, NULL);
		return;
	}
	fd = bpf_link_create(prog, 0, BPF_TRACE_KPROBE_MULTI, &o);
	err = fd < 0 ? -errno : 0;
	if (err == -EOPNOTSUPP)
		failed(r, "attach", err, "kernel without CONFIG_FPROBE");
	else if (err == -EINVAL)
		failed(r, "attach", err, "no kprobe.multi links: kernel < 5.18?");
	else if (err)
		failed(r, "attach", err, NULL);
	else
		set(r, FEATURE_WORKS, 0, "one link attached to %s", FEATURES_KFUNC);
	close_fd(fd);
	close(prog);
}

/* ---- perf events ---- */

static void probe_perf_event(struct feature_result *r)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.freq = 1,
		.sample_freq = 49,
	};
	int prog, pfd, err;

	prog = load(BPF_PROG_TYPE_PERF_EVENT, 0, 0, prog_ret0, 2);
	if (prog < 0) {
		failed(r, "load", prog, NULL);
		return;
	}
	pfd = perf_open(&a, -1, 0);
	err = pfd < 0 ? pfd : perf_set_bpf(pfd, prog);
	if (err)
		failed(r, pfd < 0 ? "perf_event_open" : "attach", err, NULL);
	else
		set(r, FEATURE_WORKS, 0, "cpu-clock sampling at 49 Hz attached");
	close_fd(pfd);
	close(prog);
}

static void probe_perf_hw(struct feature_result *r)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_HARDWARE,
		.config = PERF_COUNT_HW_CPU_CYCLES,
		.sample_period = 1000000,
		.disabled = 1,
	};
	int pfd = perf_open(&a, -1, 0);

	if (pfd >= 0) {
		set(r, FEATURE_WORKS, 0, "cpu-cycles counter opens");
		close(pfd);
	} else if (pfd == -ENOENT || pfd == -EOPNOTSUPP || pfd == -ENODEV) {
		set(r, FEATURE_MISSING, pfd,
		    "no cpu-cycles counter (%s): no hardware PMU, as in most VMs; "
		    "profile samples with cpu-clock", errname(pfd));
	} else {
		failed(r, "perf_event_open", pfd, NULL);
	}
}

/* ---- maps and helpers ---- */

static void probe_map(struct feature_result *r, enum bpf_map_type type, __u32 key, __u32 val,
		      __u32 entries, const char *ok)
{
	int fd = bpf_map_create(type, NULL, key, val, entries, NULL);

	if (fd < 0) {
		failed(r, "map create", -errno, NULL);
		return;
	}
	close(fd);
	set(r, FEATURE_WORKS, 0, "%s", ok);
}

static void probe_ringbuf(struct feature_result *r)
{
	probe_map(r, BPF_MAP_TYPE_RINGBUF, 0, 0, getpagesize(), "ring buffer map created");
	if (r->err == -EINVAL)
		set(r, FEATURE_MISSING, r->err, "no ring buffer maps: kernel < 5.8");
}

static void probe_stackmap(struct feature_result *r)
{
	long depth = 127;
	char ok[96];

	read_long("/proc/sys/kernel/perf_event_max_stack", &depth);
	snprintf(ok, sizeof(ok), "stack trace map created; perf_event_max_stack=%ld", depth);
	probe_map(r, BPF_MAP_TYPE_STACK_TRACE, 4, 8 * (depth > 0 && depth < 127 ? depth : 127),
		  1, ok);
}

static void probe_helper(struct feature_result *r, enum bpf_func_id helper, const char *name,
			 const char *since)
{
	int ret = libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, helper, NULL);

	if (ret > 0)
		set(r, FEATURE_WORKS, 0, "%s() accepted by the verifier", name);
	else if (ret == 0)
		set(r, FEATURE_MISSING, -EINVAL, "the kernel does not know %s() (%s)", name, since);
	else
		failed(r, "helper probe", ret, NULL);
}

static void probe_bpf_loop(struct feature_result *r)
{
	probe_helper(r, BPF_FUNC_loop, "bpf_loop", "5.17+");
}

static void probe_ns_pid(struct feature_result *r)
{
	probe_helper(r, BPF_FUNC_get_ns_current_pid_tgid, "bpf_get_ns_current_pid_tgid", "5.7+");
}

/*
 * Cookies need the helper and a perf link that carries one: both came in 5.15, and a link
 * create without an event tells the kernel's perf links (EBADF) from none (EINVAL). No perf
 * event is opened: releasing one waits for an RCU grace period, ~75 ms of every start.
 */
static void probe_cookie(struct feature_result *r)
{
	LIBBPF_OPTS(bpf_link_create_opts, o, .perf_event.bpf_cookie = 0xb0b);
	int prog, fd, err;

	prog = load(BPF_PROG_TYPE_TRACEPOINT, 0, 0, prog_cookie, 3);
	if (prog < 0) {
		failed(r, "load", prog, prog == -EINVAL ?
		       "no bpf_get_attach_cookie(): kernel < 5.15" : NULL);
		return;
	}
	fd = bpf_link_create(prog, -1, BPF_PERF_EVENT, &o);
	err = fd < 0 ? -errno : 0;
	if (err == -EBADF)
		set(r, FEATURE_WORKS, 0, "bpf_get_attach_cookie() loads; perf links take cookies");
	else
		failed(r, "perf link", err ? err : -EINVAL, err == -EINVAL ?
		       "no perf links: kernel < 5.15" : NULL);
	close_fd(fd);
	close(prog);
}

/* ---- the table ---- */

static const struct {
	const char *name;
	const char *what;
	probe_fn fn;
} table[FEAT__COUNT] = {
	[FEAT_PRIVILEGES]	= { "privileges", "root or CAP_BPF+CAP_PERFMON", probe_privileges },
	[FEAT_BTF]		= { "btf", "kernel BTF for struct offsets", probe_btf },
	[FEAT_TRACEFS]		= { "tracefs", "tracefs mount", probe_tracefs },
	[FEAT_DEBUGFS]		= { "debugfs", "debugfs mount", probe_debugfs },
	[FEAT_TRACEPOINT]	= { "tracepoint", "classic tracepoints", probe_tracepoint },
	[FEAT_SYSCALL_TP]	= { "syscall_tp", "syscall tracepoints", probe_syscall_tp },
	[FEAT_BLOCK_TP]		= { "block_tp", "block I/O tracepoints", probe_block_tp },
	[FEAT_TP_BTF]		= { "tp_btf", "BTF-typed tracepoints", probe_tp_btf },
	[FEAT_RAW_TP]		= { "raw_tp", "raw tracepoints", probe_raw_tp },
	[FEAT_KPROBE]		= { "kprobe", "kprobes and kretprobes", probe_kprobe },
	[FEAT_KPROBE_MULTI]	= { "kprobe_multi", "kprobe.multi links", probe_kprobe_multi },
	[FEAT_FENTRY]		= { "fentry", "fentry/fexit trampolines", probe_fentry },
	[FEAT_UPROBE]		= { "uprobe", "uprobes and uretprobes", probe_uprobe },
	[FEAT_UPROBE_MULTI]	= { "uprobe_multi", "uprobe.multi links", probe_uprobe_multi },
	[FEAT_PERF_EVENT]	= { "perf_event", "perf_event sampling", probe_perf_event },
	[FEAT_PERF_HW]		= { "perf_hw", "hardware perf counters", probe_perf_hw },
	[FEAT_RINGBUF]		= { "ringbuf", "BPF ring buffer", probe_ringbuf },
	[FEAT_STACKMAP]		= { "stackmap", "stack trace maps", probe_stackmap },
	[FEAT_COOKIE]		= { "cookie", "BPF attach cookies", probe_cookie },
	[FEAT_BPF_LOOP]		= { "bpf_loop", "bpf_loop helper", probe_bpf_loop },
	[FEAT_NS_PID]		= { "ns_pid", "pid namespace helper", probe_ns_pid },
	[FEAT_JIT]		= { "jit", "BPF JIT compiler", probe_jit },
	[FEAT_PERF_PARANOID]	= { "perf_paranoid", "kernel.perf_event_paranoid", probe_paranoid },
	[FEAT_UNPRIV_BPF]	= { "unpriv_bpf", "kernel.unprivileged_bpf_disabled",
				    probe_unpriv_bpf },
	[FEAT_LOCKDOWN]		= { "lockdown", "kernel lockdown", probe_lockdown },
	[FEAT_KALLSYMS]		= { "kallsyms", "kernel symbol addresses", probe_kallsyms },
};

const struct feature_result *features__probe(enum feature id)
{
	static struct feature_result bad = { FEATURE_ERROR, -EINVAL, "unknown feature" };

	if ((unsigned)id >= FEAT__COUNT)
		return &bad;
	if (!probed[id]) {
		/* Marked first: a probe that depends on another cannot loop back into itself. */
		probed[id] = true;
		set(&results[id], FEATURE_ERROR, -EAGAIN, "probe did not finish");
		table[id].fn(&results[id]);
	}
	return &results[id];
}

void features__attach_probes(bool on)
{
	attach_probes = on;
}

bool features__usable(enum feature id)
{
	return features__probe(id)->status == FEATURE_WORKS;
}

const char *features__name(enum feature id)
{
	return (unsigned)id < FEAT__COUNT ? table[id].name : NULL;
}

const char *features__what(enum feature id)
{
	return (unsigned)id < FEAT__COUNT ? table[id].what : NULL;
}

int features__lookup(const char *name)
{
	for (int i = 0; i < FEAT__COUNT; i++)
		if (!strcmp(name, table[i].name))
			return i;
	return -ENOENT;
}

const char *features__status_str(enum feature_status s)
{
	switch (s) {
	case FEATURE_WORKS:
		return "works";
	case FEATURE_MISSING:
		return "missing";
	default:
		return "error";
	}
}
