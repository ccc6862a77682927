// SPDX-License-Identifier: GPL-2.0
/* Option tables: getopt_long parsing with typed, range-checked values, --help and completion. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "kbtf.h"
#include "opts.h"
#include "out.h"

bool opt_json;
int opt_verbose;
const char *opt_btf;
const char *opts_summary;

#define MAX_OPTS 64
#define COMPLETE_OPT 0x1000	/* hidden --bpfbox-complete */
#define LONG_ONLY_BASE 0x2000	/* getopt value of the i-th long-only option */

/* A raw BTF blob (as /sys/kernel/btf/vmlinux) or an ELF file carrying .BTF (a vmlinux),
 * validated: libbpf trusts what it parses. */
static const char *opt_parse_btf_file(const char *arg, void *dst)
{
	static char why[160];
	char reason[128];

	if (kbtf__check_file(arg, reason, sizeof(reason))) {
		snprintf(why, sizeof(why), "a valid BTF file (%s)", reason);
		return why;
	}
	*(const char **)dst = arg;
	return NULL;
}

static const struct opt common_opts[] = {
	{ 'h', "help", OPT_FLAG, NULL, "show this help message and exit" },
	{ 'j', "json", OPT_FLAG, NULL, "print one JSON object per line instead of text columns",
	  &opt_json },
#define VERBOSE_OPT(c) { c, "verbose", OPT_COUNT, NULL, \
	"print libbpf and verifier messages (repeatable)", &opt_verbose }
	VERBOSE_OPT(0),
	{ 0, "btf", OPT_FN, "FILE", "use this kernel BTF (kernels without /sys/kernel/btf)",
	  &opt_btf, .parse = opt_parse_btf_file, .complete = "file" },
	OPT_END
};
/* the same, with -v, for applets whose BCC or libbpf-tools namesake has it */
static const struct opt verbose_v = VERBOSE_OPT('v');

void usage_error(const struct cmd_spec *spec, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	/* the message echoes what the user typed: escaped like all text output */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: ", spec->name);
	out_text(stderr, buf);
	fprintf(stderr, " (see '%s --help')\n", spec->name);
	exit(2);
}

static int count_opts(const struct opt *o)
{
	int n = 0;

	while (o && (o[n].short_name || o[n].long_name))
		n++;
	return n;
}

/* Every option of the applet followed by the common ones, in --help order. */
static int all_opts(const struct cmd_spec *spec, const struct opt **out)
{
	int n = 0, i, ncommon = count_opts(common_opts);

	/* -h first, as argparse does, the other common options last */
	out[n++] = &common_opts[0];
	for (i = 0; i < count_opts(spec->opts) && n < MAX_OPTS - ncommon; i++)
		out[n++] = &spec->opts[i];
	for (i = 1; i < ncommon; i++)
		out[n++] = spec->short_v && common_opts[i].dst == &opt_verbose ? &verbose_v
									: &common_opts[i];
	return n;
}

static void opt_name(const struct opt *o, char *buf, size_t len)
{
	if (o->short_name && o->long_name)
		snprintf(buf, len, "-%c/--%s", o->short_name, o->long_name);
	else if (o->short_name)
		snprintf(buf, len, "-%c", o->short_name);
	else
		snprintf(buf, len, "--%s", o->long_name);
}

/* Strict integer: the whole string, in range. */
static const char *parse_long(const char *arg, long *dst, long min, long max)
{
	static char expect[96];
	char *end;
	long v;

	/* base 10 only ("010" is ten, not eight) and no leading blanks or '+' that strtol skips */
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || !(*arg == '-' || (*arg >= '0' && *arg <= '9')) ||
	    v < min || v > max) {
		if (max == LONG_MAX)
			snprintf(expect, sizeof(expect), "an integer >= %ld", min);
		else
			snprintf(expect, sizeof(expect), "an integer from %ld to %ld", min, max);
		return expect;
	}
	*dst = v;
	return NULL;
}

static void apply(const struct cmd_spec *spec, const struct opt *o, const char *arg)
{
	const char *bad = NULL;
	char name[64];

	switch (o->kind) {
	case OPT_FLAG:
		if (o->dst)
			*(bool *)o->dst = true;
		return;
	case OPT_COUNT:
		(*(int *)o->dst)++;
		return;
	case OPT_LONG:
		bad = parse_long(arg, o->dst, o->min, o->max ? o->max : LONG_MAX);
		break;
	case OPT_STR:
		if (o->max > 0 && strlen(arg) > (size_t)o->max) {
			static char expect[64];

			snprintf(expect, sizeof(expect), "at most %ld characters", o->max);
			bad = expect;
		} else {
			*(const char **)o->dst = arg;
		}
		break;
	case OPT_FN:
		bad = o->parse(arg, o->dst);
		break;
	}
	if (bad) {
		opt_name(o, name, sizeof(name));
		usage_error(spec, "invalid value '%.64s' for %s: expected %s", arg, name, bad);
	}
}

/* "--name[=value]" names o (getopt_long accepts unambiguous prefixes). */
static bool long_arg_is(const char *arg, const struct opt *o)
{
	size_t len;

	if (strncmp(arg, "--", 2) || !o->long_name)
		return false;
	len = strcspn(arg + 2, "=");
	return len && !strncmp(o->long_name, arg + 2, len);
}

/*
 * getopt_long's error ('?' unknown, ':' missing value) as one line naming the option the way
 * the user wrote it. optopt holds the option's value (0 for an unknown long option); last is
 * argv[optind - 1], which is the offending word unless a short option failed mid-cluster.
 */
static void __attribute__((noreturn))
bad_option(const struct cmd_spec *spec, const struct opt **opts, int n, int c, const char *last)
{
	const struct opt *o = NULL;
	char name[80];
	int i;

	if (optopt >= LONG_ONLY_BASE && optopt < LONG_ONLY_BASE + n)
		o = opts[optopt - LONG_ONLY_BASE];
	for (i = 0; !o && optopt && i < n; i++)
		if (opts[i]->short_name == optopt)
			o = opts[i];
	if (o && long_arg_is(last, o))
		snprintf(name, sizeof(name), "--%s", o->long_name);
	else if (optopt > 0 && optopt < 256)
		snprintf(name, sizeof(name), "-%c", optopt);
	else
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(last, "="), last);
	if (c == ':')
		usage_error(spec, "option %.64s needs a value", name);
	if (o)
		usage_error(spec, "option %.64s takes no value", name);
	usage_error(spec, "unknown option %.64s", name);
}

int opts_parse(const struct cmd_spec *spec, int argc, char **argv)
{
	const struct opt *opts[MAX_OPTS];
	struct option longs[MAX_OPTS + 1];
	char shorts[MAX_OPTS * 2 + 2];
	int n = all_opts(spec, opts), nl = 0, ns = 0, i, c, nargs;

	shorts[ns++] = ':';	/* report a missing value as ':' */
	for (i = 0; i < n; i++) {
		const struct opt *o = opts[i];
		bool has_arg = o->kind != OPT_FLAG && o->kind != OPT_COUNT;

		if (o->short_name) {
			shorts[ns++] = o->short_name;
			if (has_arg)
				shorts[ns++] = ':';
		}
		if (o->long_name)
			longs[nl++] = (struct option){ o->long_name, has_arg, NULL,
				o->short_name ? o->short_name : LONG_ONLY_BASE + i };
	}
	longs[nl++] = (struct option){ "bpfbox-complete", 0, NULL, COMPLETE_OPT };
	longs[nl] = (struct option){ 0 };
	shorts[ns] = 0;

	opterr = 0;
	/* 0, not 1: glibc then also forgets a half-read "-abc" cluster of an earlier parse */
	optind = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct opt *o = NULL;

		if (c == COMPLETE_OPT) {
			opts_complete(spec, stdout);
			exit(err_output(0));
		}
		if (c == '?' || c == ':')
			bad_option(spec, opts, n, c, argv[optind - 1]);
		if (c >= LONG_ONLY_BASE)
			o = opts[c - LONG_ONLY_BASE];
		for (i = 0; !o && i < n; i++)
			if (opts[i]->short_name == c)
				o = opts[i];
		if (o == &common_opts[0]) {
			opts_help(spec, stdout);
			exit(err_output(0));
		}
		apply(spec, o, optarg);
	}
	nargs = argc - optind;
	if (nargs < spec->min_args)
		usage_error(spec, "missing argument: %s", spec->args ? spec->args : "?");
	if (spec->max_args >= 0 && nargs > spec->max_args)
		usage_error(spec, "unexpected argument '%.64s'", argv[optind + spec->max_args]);
	return optind;
}

static void synopsis_item(const struct opt *o, char *buf, size_t len)
{
	if (o->short_name)
		snprintf(buf, len, o->metavar ? "[-%c %s]" : "[-%c]", o->short_name, o->metavar);
	else
		snprintf(buf, len, o->metavar ? "[--%s %s]" : "[--%s]", o->long_name, o->metavar);
}

void opts_help(const struct cmd_spec *spec, FILE *f)
{
	const struct opt *opts[MAX_OPTS];
	int n = all_opts(spec, opts), i, col;
	char item[96];

	col = fprintf(f, "usage: %s", spec->name);
	for (i = 0; i < n; i++) {
		synopsis_item(opts[i], item, sizeof(item));
		if (col + 1 + (int)strlen(item) > 78)
			col = fprintf(f, "\n%*s", (int)strlen(spec->name) + 7, "") - 1;
		col += fprintf(f, " %s", item);
	}
	if (spec->args)
		fprintf(f, "%s%s", col + strlen(spec->args) > 78 ? "\n       " : " ", spec->args);
	fprintf(f, "\n\n");
	if (opts_summary)
		fprintf(f, "%s\n\n", opts_summary);
	fprintf(f, "options:\n");
	for (i = 0; i < n; i++) {
		const struct opt *o = opts[i];
		char head[80];
		int w;

		if (o->short_name && o->long_name)
			w = snprintf(head, sizeof(head), "-%c, --%s%s%s", o->short_name, o->long_name,
				     o->metavar ? " " : "", o->metavar ? o->metavar : "");
		else if (o->short_name)
			w = snprintf(head, sizeof(head), "-%c%s%s", o->short_name,
				     o->metavar ? " " : "", o->metavar ? o->metavar : "");
		else
			w = snprintf(head, sizeof(head), "--%s%s%s", o->long_name,
				     o->metavar ? " " : "", o->metavar ? o->metavar : "");
		if (w > 20)
			fprintf(f, "  %s\n  %20s  %s\n", head, "", o->help);
		else
			fprintf(f, "  %-20s  %s\n", head, o->help);
	}
	if (spec->epilog)
		fprintf(f, "\n%s", spec->epilog);
}

void opts_complete(const struct cmd_spec *spec, FILE *f)
{
	const struct opt *opts[MAX_OPTS];
	int n = all_opts(spec, opts), i;

	for (i = 0; i < n; i++) {
		const struct opt *o = opts[i];

		char s[3] = "";

		/* a long-only option has an empty first field, not "%c" of 0 (a NUL byte) */
		if (o->short_name)
			snprintf(s, sizeof(s), "-%c", o->short_name);
		fprintf(f, "%s\t%s%s\t%s\t%s\t%s\n", s,
			o->long_name ? "--" : "", o->long_name ? o->long_name : "",
			o->metavar ? o->metavar : "", o->complete ? o->complete : "", o->help);
	}
	if (spec->args && spec->args_complete)
		fprintf(f, "\t\t%s\t%s\tpositional argument\n", spec->args, spec->args_complete);
}

const char *opt_parse_pid_list(const char *arg, void *dst)
{
	struct id_list *l = dst;
	const char *p = arg;

	l->n = 0;
	while (*p) {
		char *end;
		unsigned long v;

		if (l->n == ID_LIST_MAX)
			return "at most 64 comma separated ids";
		if (*p < '0' || *p > '9')	/* strtoul would take " 1", "+1" and "-1" */
			return "a comma separated list of ids, e.g. 123,456";
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || end == p || v > INT_MAX || (*end && *end != ','))
			return "a comma separated list of ids, e.g. 123,456";
		l->ids[l->n++] = v;
		p = *end ? end + 1 : end;
		if (!*p && *end == ',')
			return "a comma separated list of ids, e.g. 123,456";
	}
	if (!l->n)
		return "a comma separated list of ids, e.g. 123,456";
	return NULL;
}

/*
 * /etc/passwd is read directly: glibc's getpwnam() needs NSS modules a static binary lacks.
 * getline() rather than a fixed buffer, so the tail of an overlong line is never taken for
 * the start of an entry.
 */
int opt_passwd_uid(FILE *f, const char *name, long *uid)
{
	size_t len = strlen(name), cap = 0;
	char *line = NULL;
	int found = -ENOENT;

	while (found && getline(&line, &cap, f) > 0) {
		char *pw = line + len, *uid_s;

		if (strncmp(line, name, len) || *pw != ':' || !(uid_s = strchr(pw + 1, ':')))
			continue;
		*strchrnul(uid_s + 1, ':') = 0;
		found = parse_long(uid_s + 1, uid, 0, UINT_MAX - 1) ? -ENOENT : 0;
	}
	free(line);
	return found;
}

static int passwd_uid(const char *name, long *uid)
{
	FILE *f = fopen("/etc/passwd", "re");
	int rc;

	if (!f)
		return -errno;
	rc = opt_passwd_uid(f, name, uid);
	fclose(f);
	return rc;
}

const char *opt_parse_uid(const char *arg, void *dst)
{
	if (!parse_long(arg, dst, 0, UINT_MAX - 1))
		return NULL;
	/* a ':' or newline would let "root:x" match the password field and return the gid */
	if (!*arg || strpbrk(arg, ":\n") || passwd_uid(arg, dst))
		return "a user name or a numeric uid";
	return NULL;
}

const char *opt_parse_secs(const char *arg, void *dst)
{
	if (parse_long(arg, dst, 1, 100000000))
		return "a whole number of seconds > 0";
	return NULL;
}
