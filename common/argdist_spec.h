/* SPDX-License-Identifier: GPL-2.0 */
/*
 * argdist's specifier (spec §2.2): TYPE:LIB:FUNC(SIGNATURE)[:TYPES:EXPRS[:FILTER]][#LABEL],
 * as byte ranges of the text for the expression parser. Grammar only, no I/O.
 */
#ifndef BPFBOX_ARGDIST_SPEC_H
#define BPFBOX_ARGDIST_SPEC_H

#include <stdbool.h>

#include "expr.h"

#define ARGDIST_SPEC_MAX 4096
#define ARGDIST_VALS 4		/* expressions of one specifier (key parts) */

struct argdist_spec {
	char type;		/* p, r, t, u */
	char lib[ARGDIST_SPEC_MAX];	/* library, program or tracepoint category ("" kernel) */
	char fn[256];
	int sig, sig_len;	/* the signature inside the parentheses */
	int nvals;
	char ctype[ARGDIST_VALS][64];	/* "u64", "char*" */
	int val[ARGDIST_VALS], val_len[ARGDIST_VALS];
	int filter, filter_len;	/* -1 without */
	char label[256];	/* "" without */
	bool retval_default;	/* r probe without expressions: $retval as int */
};

/* Parses text; hist: -H (exactly one expression). 0 or -EINVAL with e. */
int argdist_spec__parse(const char *text, bool hist, struct argdist_spec *s,
			struct expr_err *e);

#endif
