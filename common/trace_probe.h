/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace's probe argument (spec §2.1): where to probe, then the optional signature, predicate,
 * format string and values, as byte ranges of the text for the expression parser, and the
 * format's conversions. Grammar only, no I/O.
 */
#ifndef BPFBOX_TRACE_PROBE_H
#define BPFBOX_TRACE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"

#define TRACE_PROBE_MAX 4096	/* longest probe argument */
#define TRACE_FMT_MAX 512	/* longest format string */

/* A conversion: 's', 'd' (signed), 'u', 'x', 'c', 'K', 'U'; size of d/u/x. */
struct trace_conv {
	char conv;
	int size;
	int pos;
};

struct trace_probe {
	char type;		/* 'p', 'r', 't', 'u' */
	char lib[TRACE_PROBE_MAX];	/* p/r: library or program ("" kernel); u: library */
	char fn[256];		/* p/r: function; t: category:event; u: probe name */
	char provider[256];	/* u: provider or "" */
	uint64_t offset;	/* p: +offset */
	/* byte ranges of the text: start and length; start -1 when absent */
	int sig, sig_len;
	int pred, pred_len;
	int fmt_pos;		/* the format string's first byte, -1 without an action */
	char fmt[TRACE_FMT_MAX];
	int nvals;
	int val[XVM_VALS], val_len[XVM_VALS];
	int nconv;
	struct trace_conv conv[XVM_VALS];
};

/* Parses text (NUL terminated): 0, or -EINVAL with e. */
int trace_probe__parse(const char *text, struct trace_probe *p, struct expr_err *e);

/*
 * Renders the message of an event: fmt's text with each conversion replaced by the rendered
 * value strs[i] (the caller renders values by p->conv[i]). Returns bytes written (truncated
 * to size - 1, NUL terminated).
 */
int trace_probe__render(const struct trace_probe *p, const char *const *vals, char *buf,
			int size);

/* Checks value i's type against its conversion: 0 or -EINVAL with e. */
int trace_probe__check_value(const struct trace_probe *p, int i, const struct expr_type *t,
			     int pos, struct expr_err *e);

#endif
