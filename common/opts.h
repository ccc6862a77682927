/* SPDX-License-Identifier: GPL-2.0 */
/* Option tables: one per applet, parsed with getopt_long and rendered as --help and completions. */
#ifndef BPFBOX_OPTS_H
#define BPFBOX_OPTS_H

#include <stdbool.h>
#include <stdio.h>

enum opt_kind {
	OPT_FLAG,	/* bool *dst = true */
	OPT_COUNT,	/* int *dst += 1 (repeatable -v) */
	OPT_LONG,	/* long *dst, decimal, checked against [min, max] */
	OPT_STR,	/* const char **dst = optarg (length checked against max when max > 0) */
	OPT_FN,		/* parse(arg, dst) returns NULL or "what was expected" */
};

struct opt {
	int short_name;		/* 0: long form only */
	const char *long_name;	/* NULL: short form only */
	enum opt_kind kind;
	const char *metavar;	/* NULL for flags */
	const char *help;
	void *dst;
	long min, max;		/* OPT_LONG range; OPT_STR max length */
	const char *(*parse)(const char *arg, void *dst);
	const char *complete;	/* completion hint for the value: "file", "dir", "pid", "user", or a
				 * space separated word list; NULL = none */
};

#define OPT_END { 0 }

struct cmd_spec {
	const char *name;	/* applet name, as in main.c's table (which also holds its summary) */
	const struct opt *opts;	/* applet options, OPT_END terminated */
	const char *args;	/* positional synopsis, e.g. "[duration]" or NULL */
	/* how shells complete the positional arguments: "probe" runs `APPLET -l 'PREFIX*'` */
	const char *args_complete;
	int min_args, max_args;	/* positional count bounds, max -1 = unbounded */
	const char *epilog;	/* examples printed after the options in --help */
	bool short_v;		/* -v is --verbose, as in the applet's BCC or libbpf-tools namesake */
};

/* Options every applet has; set by opts_parse(). */
extern bool opt_json;
extern int opt_verbose;
/* --btf FILE: the kernel's BTF when the kernel has none of its own (NULL: the kernel's). */
extern const char *opt_btf;
/* One-line description of the running applet (main.c sets it from its table). */
extern const char *opts_summary;

/*
 * Parses argv against spec plus the common options (-h/--help, -j/--json, --verbose).
 * Prints help and exits 0 on --help; prints one line and exits 2 on bad usage.
 * Returns the index of the first positional argument.
 */
int opts_parse(const struct cmd_spec *spec, int argc, char **argv);

void opts_help(const struct cmd_spec *spec, FILE *f);
/*
 * Machine-readable option list for shell completion, one option per line:
 * "-s\t--long\tMETAVAR\tCOMPLETE\tHELP" (empty fields when absent), then, with args_complete,
 * one line for the positional arguments: "\t\tARGS\tCOMPLETE\tHELP" (no option names).
 * `bpfbox --complete NAME` gets it by running the applet with the hidden --bpfbox-complete.
 */
void opts_complete(const struct cmd_spec *spec, FILE *f);

/* Exits 2 with "APPLET: MSG" followed by a hint to run --help. */
void __attribute__((noreturn, format(printf, 2, 3)))
usage_error(const struct cmd_spec *spec, const char *fmt, ...);

/* Value parsers shared by applets (OPT_FN). */
const char *opt_parse_pid_list(const char *arg, void *dst);	/* struct id_list * */
const char *opt_parse_uid(const char *arg, void *dst);		/* long *, name or number */
const char *opt_parse_secs(const char *arg, void *dst);		/* long * seconds > 0 */
/* Looks name up in a passwd(5) stream; 0 and *uid set, or -ENOENT. */
int opt_passwd_uid(FILE *f, const char *name, long *uid);

#define ID_LIST_MAX 64
struct id_list {
	int n;
	unsigned int ids[ID_LIST_MAX];
};

#endif
