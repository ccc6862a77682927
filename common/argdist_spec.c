// SPDX-License-Identifier: GPL-2.0
/* argdist's specifiers (spec §2.2): split on '#', then ':', then ','. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "argdist_spec.h"

/* Splits [start, end) on sep into at most max ranges; the count, or -1 when there are more. */
static int split(const char *t, int start, int end, char sep, int *pos, int *len, int max)
{
	int n = 0, s = start;

	for (int i = start; i <= end; i++)
		if (i == end || t[i] == sep) {
			if (n == max)
				return -1;
			pos[n] = s;
			len[n++] = i - s;
			s = i + 1;
		}
	return n;
}

int argdist_spec__parse(const char *text, bool hist, struct argdist_spec *s,
			struct expr_err *e)
{
	int len = (int)strnlen(text, ARGDIST_SPEC_MAX + 1), end = len, n, fpos, flen;
	int pos[8], plen[8], tp[ARGDIST_VALS], tl[ARGDIST_VALS];
	const char *hash = strchr(text, '#'), *open, *close;

	memset(s, 0, sizeof(*s));
	s->filter = s->sig = -1;
	if (len > ARGDIST_SPEC_MAX)
		return expr_fail(e, 0, "specifier too long (at most %d bytes)", ARGDIST_SPEC_MAX);
	if (hash) {
		end = (int)(hash - text);
		snprintf(s->label, sizeof(s->label), "%s", hash + 1);
	}
	n = split(text, 0, end, ':', pos, plen, 6);
	if (n < 3)
		return expr_fail(e, 0, "specifier needs at least TYPE:LIB:FUNC(), e.g. "
			    "'p:c:malloc(size_t size):size_t:size'");
	if (n < 0)
		return expr_fail(e, 0, "too many ':' (expressions cannot hold ':')");
	if (plen[0] != 1 || !strchr("prtu", text[0]))
		return expr_fail(e, 0, "probe type must be p, r, t or u");
	s->type = text[0];
	snprintf(s->lib, sizeof(s->lib), "%.*s", plen[1], text + pos[1]);
	fpos = pos[2];
	flen = plen[2];
	open = memchr(text + fpos, '(', (size_t)flen);
	close = flen ? text + fpos + flen - 1 : NULL;
	if (!open || *close != ')' || open == text + fpos)
		return expr_fail(e, fpos, "function must be written name(...), with parentheses even "
			    "when empty");
	if ((int)(open - text - fpos) >= (int)sizeof(s->fn))
		return expr_fail(e, fpos, "function name too long");
	snprintf(s->fn, sizeof(s->fn), "%.*s", (int)(open - text - fpos), text + fpos);
	s->sig = (int)(open - text) + 1;
	s->sig_len = (int)(close - open) - 1;
	if (n == 3) {
		if (s->type == 'r') {
			s->retval_default = true;
			return 0;
		}
		if (hist)
			return expr_fail(e, 0, "histograms must have expr");
		return 0;
	}
	if (n == 4)
		return expr_fail(e, pos[3], "types need expressions: TYPES:EXPRS");
	if ((s->nvals = split(text, pos[4], pos[4] + plen[4], ',', s->val, s->val_len,
			      ARGDIST_VALS)) < 0)
		return expr_fail(e, pos[4], "too many expressions (at most %d)", ARGDIST_VALS);
	if (split(text, pos[3], pos[3] + plen[3], ',', tp, tl, ARGDIST_VALS) != s->nvals)
		return expr_fail(e, pos[3], "the number of types and of expressions differ");
	for (int i = 0; i < s->nvals; i++) {
		if (!tl[i] || tl[i] >= (int)sizeof(s->ctype[i]))
			return expr_fail(e, tp[i], "empty or too long type");
		snprintf(s->ctype[i], sizeof(s->ctype[i]), "%.*s", tl[i], text + tp[i]);
	}
	if (hist && s->nvals != 1)
		return expr_fail(e, pos[4], "histograms need exactly one expression");
	if (n == 6) {
		s->filter = pos[5];
		s->filter_len = plen[5];
	}
	return 0;
}
