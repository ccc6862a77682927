// SPDX-License-Identifier: GPL-2.0
/* Error reporting: one actionable line per failure; libbpf's log kept for the verifier tail. */
#include <dirent.h>
#include <errno.h>
#include <sys/resource.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "err.h"
#include "kbtf.h"
#include "kfield.h"
#include "opts.h"
#include "out.h"

const char *err_applet = "bpfbox";

/* The last lines libbpf printed (the verifier log arrives through here). */
#define LOG_LINES 24
#define LOG_LINE_LEN 240
static char log_ring[LOG_LINES][LOG_LINE_LEN];
static unsigned int log_next;

int err_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *line = NULL, *p, *nl;

	/* a whole verifier log arrives as one message: keep each of its lines */
	if (vasprintf(&line, fmt, ap) < 0)
		return 0;
	for (p = line; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		snprintf(log_ring[log_next++ % LOG_LINES], LOG_LINE_LEN, "%.*s", (int)(nl - p), p);
		if (!*nl)
			break;
	}
	if (opt_verbose >= 2 || (opt_verbose == 1 && level != LIBBPF_DEBUG))
		fputs(line, stderr);
	free(line);
	return 0;
}

static void print_log_tail(void)
{
	unsigned int i, n = log_next < LOG_LINES ? log_next : LOG_LINES;

	fprintf(stderr, "%s: last libbpf/verifier messages:\n", err_applet);
	for (i = log_next - n; i != log_next; i++)
		fprintf(stderr, "  %s\n", log_ring[i % LOG_LINES]);
}

static const char *hint(enum err_stage stage, int err)
{
	switch (err) {
	case EACCES:
		/* the verifier's "invalid access" also comes back as EACCES */
		if (geteuid() == 0 && stage == ERR_LOAD)
			return opt_verbose ? "the verifier rejected the program (log below)"
					   : "the verifier rejected the program; rerun with --verbose "
					     "for its log";
		/* fall through */
	case EPERM:
		if (geteuid() != 0)
			return "run as root (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)";
		if (stage == ERR_LOAD)
			return "the kernel refused the program although we are root: check lockdown "
			       "(/sys/kernel/security/lockdown) or run 'bpfbox check-config'";
		return "the kernel refused although we are root: run 'bpfbox check-config'";
	case ENOENT:
		if (stage == ERR_ATTACH)
			return "it does not exist on this kernel (or the function is inlined)";
		if (stage == ERR_OPEN)
			return "kernel BTF is missing (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF=y)";
		if (stage == ERR_LOAD && kfield__missing()) {
			static char why[256];

			snprintf(why, sizeof(why), "the kernel's BTF (%s) has no %s, which the "
				 "program reads", kbtf__path(), kfield__missing());
			return why;
		}
		return "a kernel type or function the program needs is missing on this kernel";
	case ESRCH:
		return "kernel BTF is missing (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF=y)";
	case EINVAL:
	case E2BIG:
		if (stage == ERR_LOAD)
			return opt_verbose ? "the verifier rejected the program (log below)"
					   : "the verifier rejected the program; rerun with --verbose "
					     "for its log";
		return "the kernel rejected the request: run 'bpfbox check-config'";
	case 524: /* ENOTSUPP */
	case EOPNOTSUPP:
		return "not supported by this kernel: run 'bpfbox check-config'";
	case ENOMEM:
		return "out of kernel memory (or RLIMIT_MEMLOCK too low on kernels before 5.11)";
	case EBUSY:
	case EEXIST:
		return "already in use by another tracer";
	case EMFILE:
	case ENFILE:
		return "too many open files: raise the limit (ulimit -n)";
	}
	return "run 'bpfbox check-config' to see what this kernel supports";
}

/* "APPLET: MESSAGE" with the message escaped: it may carry paths and names users chose. */
static void vmsg(const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "%s: ", err_applet);
	out_text(stderr, buf);
}

int fds_check(int need)
{
	struct rlimit rl;
	struct dirent *d;
	int open_fds = 0;
	DIR *dir;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur > (rlim_t)need + 1024)
		return 0;
	dir = opendir("/proc/self/fd");
	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		open_fds += d->d_name[0] != '.';
	closedir(dir);
	/* the directory's own descriptor was counted and is gone now */
	return (rlim_t)(open_fds - 1 + need) > rl.rlim_cur ? -EMFILE : 0;
}

int err_report(enum err_stage stage, int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s; %s\n", err == 524 ? "operation not supported" : strerror(err),
		hint(stage, err));
	if (opt_verbose && stage == ERR_LOAD)
		print_log_tail();
	return 1;
}

void err_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int err_output(int rc)
{
	int err = out_flush();

	if (!err || err == -EPIPE)
		return rc;
	fprintf(stderr, "%s: writing the output: %s\n", err_applet, strerror(-err));
	return 1;
}

void err_debug(const char *fmt, ...)
{
	va_list ap;

	if (!opt_verbose)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
