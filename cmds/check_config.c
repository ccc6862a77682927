// SPDX-License-Identifier: GPL-2.0
/* check-config: what BPF tracing needs from this kernel, what really works, and per-applet verdicts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "err.h"
#include "feature.h"
#include "kconfig.h"
#include "opts.h"
#include "out.h"
#include "run.h"
#include "verdict.h"

/*
 * The kernel options BPF tracing depends on, and why. The config is only a hint: the live
 * probes below decide (this project's own machine claims direct-call ftrace, yet refuses
 * fentry).
 */
static const struct {
	const char *name;
	const char *why;
} kconfig_table[] = {
	{ "CONFIG_BPF", "the BPF core" },
	{ "CONFIG_BPF_SYSCALL", "the bpf() system call: loading programs, creating maps" },
	{ "CONFIG_BPF_JIT", "programs compiled to native code instead of interpreted" },
	{ "CONFIG_HAVE_EBPF_JIT", "the architecture has a BPF JIT at all" },
	{ "CONFIG_BPF_EVENTS", "programs on kprobes, uprobes and tracepoints" },
	{ "CONFIG_DEBUG_INFO_BTF", "/sys/kernel/btf/vmlinux: struct offsets, tp_btf, fentry (else --btf FILE)" },
	{ "CONFIG_DEBUG_INFO_BTF_MODULES", "BTF for module functions and tracepoints" },
	{ "CONFIG_KPROBES", "kernel function probes (trace, funccount, stackcount)" },
	{ "CONFIG_KPROBE_EVENTS", "the kprobe PMU and kprobe_events that attach kprobes" },
	{ "CONFIG_UPROBES", "user function probes (trace -p, lib:func, USDT)" },
	{ "CONFIG_UPROBE_EVENTS", "the uprobe PMU and uprobe_events that attach uprobes" },
	{ "CONFIG_FTRACE_SYSCALLS", "syscalls:* tracepoints (execsnoop, opensnoop)" },
	{ "CONFIG_PERF_EVENTS", "perf events: sampling (profile), tracepoint and probe attach" },
	{ "CONFIG_FPROBE", "kprobe.multi: one link for many kernel functions (funccount)" },
	{ "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS",
	  "BPF trampolines for fentry/fexit (necessary, not sufficient)" },
	{ "CONFIG_SECURITY_LOCKDOWN_LSM", "lockdown, which can forbid kprobes and kernel reads" },
	{ "CONFIG_IKCONFIG_PROC", "/proc/config.gz, where this table is read from" },
};

#define NKCONFIG (int)(sizeof(kconfig_table) / sizeof(kconfig_table[0]))

static struct {
	const char *require;
	const char *config;
} o;

static const struct opt opts[] = {
	{ 'r', "require", OPT_STR, "FEATURE[,...]",
	  "exit 1 naming what does not work (feature ids or applet names)", &o.require,
	  .max = 1024 },
	{ 'c', "config", OPT_STR, "FILE", "read the kernel config from FILE (plain or gzip)",
	  &o.config, .max = 4096, .complete = "file" },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "check-config",
	.opts = opts,
	.max_args = 0,
	.epilog = "examples:\n"
		  "  check-config                  # config, live probes, applet verdicts\n"
		  "  check-config -j               # the same as JSON lines\n"
		  "  check-config --require kprobe # exit 1 unless kprobes attach here\n"
		  "  check-config -r fentry,uprobe # several at once\n"
		  "  check-config -r opensnoop     # exit 1 if opensnoop cannot run\n",
};

enum { C_KIND, C_NAME, C_STATUS, C_DETAIL, NCOLS };

static struct out_col cols[NCOLS] = {
	[C_KIND] = { "KIND", "kind", -7, OUT_STR, .on = true },
	[C_NAME] = { "NAME", "name", -39, OUT_STR, .on = true },
	[C_STATUS] = { "STATUS", "status", -8, OUT_STR, .on = true },
	[C_DETAIL] = { "DETAIL", "detail", 0, OUT_STR, .on = true },
};

static const struct out_table table = { cols, NCOLS };

static void row(const char *kind, const char *name, const char *status, const char *detail)
{
	union out_val v[NCOLS] = {
		[C_KIND].s = kind, [C_NAME].s = name, [C_STATUS].s = status, [C_DETAIL].s = detail,
	};

	out_row(&table, v);
}

/* Why a config file could not be used, in words. */
static const char *config_error(int err)
{
	switch (-err) {
	case EFBIG:
		return "larger than 16 MiB, not a kernel config";
	case EBADMSG:
		return "no CONFIG_ lines, not a kernel config";
	case EIO:
		return "corrupt or truncated gzip data";
	case EINVAL:
		return "not a regular file";
	case E2BIG:
		return "more than 65536 options, not a kernel config";
	}
	return strerror(-err);
}

/* Reads the config; a -c FILE that cannot be used ends the run (returns 1, one line). */
static int report_config(void)
{
	struct kconfig kc;
	struct utsname u;
	char detail[400];
	int err;

	kconfig__init(&kc);
	err = o.config ? kconfig__read_path(&kc, o.config) : kconfig__load(&kc);
	if (err && o.config) {
		err_msg("--config %s: %s", o.config, config_error(err));
		kconfig__free(&kc);
		return 1;
	}
	out_header(&table);
	uname(&u);
	if (err)
		snprintf(detail, sizeof(detail), "config: %s (%s)",
			 "not found in /proc/config.gz or /boot", config_error(err));
	else
		snprintf(detail, sizeof(detail), "config: %s", kc.source);
	/* The release is the name: it fits the wide column, the machine the narrow one. */
	row("kernel", u.release, u.machine, detail);
	for (int i = 0; i < NKCONFIG; i++) {
		const char *val = err ? "?" : kconfig__get(&kc, kconfig_table[i].name);

		/* "-": the option does not exist in this kernel's config at all. */
		row("config", kconfig_table[i].name, val ? val : "-", kconfig_table[i].why);
	}
	kconfig__free(&kc);
	return 0;
}

static void report_features(void)
{
	for (int i = 0; i < FEAT__COUNT; i++) {
		const struct feature_result *r = features__probe(i);

		row("feature", features__name(i), features__status_str(r->status), r->reason);
	}
}

static void report_verdicts(void)
{
	struct verdict v;

	for (int i = 0; i < verdict_napplets; i++) {
		verdict__live(verdict_applets[i].applet, &v);
		row("verdict", verdict_applets[i].applet, verdict__kind_str(v.kind), v.detail);
	}
}

static void valid_ids(char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < FEAT__COUNT && len < n; i++)
		len += snprintf(buf + len, n - len, "%s%s", i ? "," : "", features__name(i));
	for (int i = 0; i < verdict_napplets && len < n; i++)
		len += snprintf(buf + len, n - len, ",%s", verdict_applets[i].applet);
}

/* Checks each id of a comma separated list; prints one line per unmet one. */
static int require(const char *list)
{
	char *copy = strdup(list), *save = NULL, *id, valid[1024];
	struct verdict v;
	int rc = 0, f;

	if (!copy)
		return err_report(ERR_RUNTIME, -ENOMEM, "--require");
	/* Validate every id before probing anything, so usage errors stay cheap. */
	for (id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		if (features__lookup(id) < 0 && !verdict__find(id)) {
			valid_ids(valid, sizeof(valid));
			usage_error(&spec, "unknown feature '%.64s' (valid: %s)", id, valid);
		}
	}
	strcpy(copy, list);
	for (id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		f = features__lookup(id);
		if (f >= 0) {
			const struct feature_result *r = features__probe(f);

			if (r->status != FEATURE_WORKS) {
				err_msg("%s: not available: %s", id, r->reason);
				rc = 1;
			}
		} else if (verdict__live(id, &v) == 0 && v.kind == VERDICT_CANNOT) {
			err_msg("%s: %s", id, v.detail);
			rc = 1;
		}
	}
	free(copy);
	return rc;
}

int check_config_main(int argc, char **argv)
{
	opts_parse(&spec, argc, argv);
	run_setup(spec.name);
	/* a diagnostic: the attach probes attach too, which no applet's start can afford */
	features__attach_probes(true);
	if (o.require) {
		if (!o.require[strspn(o.require, ",")])
			usage_error(&spec, "--require needs at least one feature id");
		return require(o.require);
	}
	if (report_config())
		return 1;
	report_features();
	report_verdicts();
	return out_flush() ? 1 : 0;
}
