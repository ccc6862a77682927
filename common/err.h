/* SPDX-License-Identifier: GPL-2.0 */
/* Turns libbpf/kernel failures into one actionable line (and the verifier log tail under -v). */
#ifndef BPFBOX_ERR_H
#define BPFBOX_ERR_H

#include <stdarg.h>
#include <bpf/libbpf.h>

enum err_stage {
	ERR_OPEN,	/* opening the BPF object */
	ERR_LOAD,	/* loading/verifying programs, creating maps */
	ERR_ATTACH,	/* attaching a program to WHAT (a tracepoint, function, ...) */
	ERR_RUNTIME,	/* anything else */
};

/* The applet name used as the prefix of every message (set by run_setup()). */
extern const char *err_applet;

/*
 * Prints "APPLET: WHAT: REASON. HINT" to stderr, where err is a negative errno (libbpf style)
 * and the hint depends on stage and err (privileges, BTF, unknown tracepoint, verifier).
 * Under -v, a load failure also prints the tail of the verifier log. Returns 1 (exit status).
 */
int err_report(enum err_stage stage, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Plain runtime error: "APPLET: MSG" (control characters in MSG escaped, as in all messages). */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only under -v: "APPLET: MSG". */
void err_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The exit status once the applet is done: flushes the output; a write error other than a
 * closed pipe (which ends a run cleanly) prints "APPLET: writing the output: REASON" and makes
 * the status 1. main() passes every applet's status through it.
 */
int err_output(int rc);

/*
 * -EMFILE if fewer than need file descriptors are free under RLIMIT_NOFILE, else 0. Checked
 * before loading: libbpf's feature probes fail quietly without descriptors, and the load then
 * fails with a misleading EINVAL ("the verifier rejected") instead of EMFILE.
 */
int fds_check(int need);

/* libbpf's print callback: keeps the last lines of libbpf/verifier output for err_report(). */
int err_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap);

#endif
