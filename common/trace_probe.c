// SPDX-License-Identifier: GPL-2.0
/* trace's probe grammar (spec §2.1) and its format strings. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_probe.h"

/* The index of the ')' closing the '(' at i, skipping string literals; -1 when none. */
static int closing(const char *s, int i, bool nested)
{
	int depth = 0;

	for (; s[i]; i++) {
		if (s[i] == '"') {
			for (i++; s[i] && s[i] != '"'; i++)
				if (s[i] == '\\' && s[i + 1])
					i++;
			if (!s[i])
				return -1;
		} else if (s[i] == '(') {
			if (depth && !nested)
				return -1;
			depth++;
		} else if (s[i] == ')' && !--depth) {
			return i;
		}
	}
	return -1;
}

/* p:lib:fn, r::fn, fn, lib:fn, t:cat:event, u:lib:[prov:]probe, of text[0..len). */
static int parse_spec(const char *text, int len, struct trace_probe *p, struct expr_err *e)
{
	const char *parts[8];
	int plen[8], n = 0, start = 0;
	char *plus, *end;

	for (int i = 0; i <= len; i++)
		if (i == len || text[i] == ':') {
			if (n == 8)
				return expr_fail(e, i, "too many ':' in the probe");
			parts[n] = text + start;
			plen[n++] = i - start;
			start = i + 1;
		}
	if (n == 1) {
		p->type = 'p';
		p->lib[0] = '\0';
		parts[2] = parts[0], plen[2] = plen[0];
	} else if (n == 2) {
		p->type = 'p';
		snprintf(p->lib, sizeof(p->lib), "%.*s", plen[0], parts[0]);
		parts[2] = parts[1], plen[2] = plen[1];
	} else {
		if (plen[0] > 1 || (plen[0] == 1 && !strchr("prtu", parts[0][0])))
			return expr_fail(e, 0, "probe type must be p, r, t or u, not '%.*s'", plen[0],
				    parts[0]);
		p->type = plen[0] ? parts[0][0] : 'p';
		if (p->type == 't') {
			if (n != 3 || !plen[1] || !plen[2])
				return expr_fail(e, 0, "tracepoints are written t:CATEGORY:EVENT");
			snprintf(p->fn, sizeof(p->fn), "%.*s:%.*s", plen[1], parts[1], plen[2],
				 parts[2]);
			return 0;
		}
		if (p->type == 'u') {
			if (n > 4 || !plen[1] || !plen[n - 1])
				return expr_fail(e, 0, "USDT probes are written u:LIB:[PROVIDER:]PROBE");
			snprintf(p->lib, sizeof(p->lib), "%.*s", plen[1], parts[1]);
			if (n == 4)
				snprintf(p->provider, sizeof(p->provider), "%.*s", plen[2],
					 parts[2]);
			snprintf(p->fn, sizeof(p->fn), "%.*s", plen[n - 1], parts[n - 1]);
			return 0;
		}
		/* the library: every part between the first and the last ':' */
		snprintf(p->lib, sizeof(p->lib), "%.*s",
			 (int)(parts[n - 1] - 1 - parts[1]), parts[1]);
		parts[2] = parts[n - 1], plen[2] = plen[n - 1];
	}
	if (!plen[2] || plen[2] >= (int)sizeof(p->fn))
		return expr_fail(e, (int)(parts[2] - text), "function name missing or too long");
	snprintf(p->fn, sizeof(p->fn), "%.*s", plen[2], parts[2]);
	plus = strchr(p->fn, '+');
	if (plus) {
		*plus = '\0';
		p->offset = strtoull(plus + 1, &end, 0);
		if (end == plus + 1 || *end)
			return expr_fail(e, (int)(parts[2] - text) + (int)(plus - p->fn),
				    "bad offset after '+' (decimal or 0x hex)");
		if (p->type == 'r')
			p->offset = 0;	/* BCC ignores it on return probes */
	}
	for (const char *c = p->fn; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '$' &&
		    *c != '@')
			return expr_fail(e, (int)(parts[2] - text) + (int)(c - p->fn),
				    "bad character '%c' in function name (trace has no wildcards)",
				    *c);
	return 0;
}

/* The conversions of fmt (at pos); spec §2.1's set only. */
static int parse_fmt(struct trace_probe *p, int pos, struct expr_err *e)
{
	for (const char *c = p->fmt; *c; c++) {
		const char *start = c;
		struct trace_conv *cv;
		int size = 4, l = 0, h = 0;

		if (*c != '%')
			continue;
		if (c[1] == '%') {
			c++;
			continue;
		}
		c++;
		while (*c == 'l' && l < 2)
			l++, c++;
		while (*c == 'h' && h < 1 && !l)
			h++, c++;
		if (l)
			size = 8;
		if (h)
			size = 2;
		if (!*c || !strchr("sduxcKU", *c) || ((l || h) && !strchr("dux", *c)) ||
		    (h && *c == 'x'))
			return expr_fail(e, pos + (int)(start - p->fmt), "unsupported conversion "
				    "'%.*s' (trace knows %%s %%d %%u %%x %%c %%K %%U, with h, l or "
				    "ll, no width or flags)", (int)(c - start) + (*c ? 1 : 0),
				    start);
		if (p->nconv >= XVM_VALS)
			return expr_fail(e, pos + (int)(start - p->fmt), "too many conversions "
				    "(at most %d)", XVM_VALS);
		cv = &p->conv[p->nconv++];
		cv->conv = *c;
		cv->size = *c == 'c' ? 1 : size;
		cv->pos = pos + (int)(start - p->fmt);
	}
	return 0;
}

int trace_probe__parse(const char *text, struct trace_probe *p, struct expr_err *e)
{
	int len = (int)strnlen(text, TRACE_PROBE_MAX + 1), i, spec_end, c;

	memset(p, 0, sizeof(*p));
	p->sig = p->pred = p->fmt_pos = -1;
	if (len > TRACE_PROBE_MAX)
		return expr_fail(e, 0, "probe too long (at most %d bytes)", TRACE_PROBE_MAX);
	for (i = 0; i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '('; i++)
		;
	if (!i)
		return expr_fail(e, 0, "probe expected, like 'do_sys_open' or 't:sched:sched_switch'");
	spec_end = i;
	if (parse_spec(text, spec_end, p, e))
		return -EINVAL;
	if (text[i] == '(' && (p->type == 'p' || p->type == 'r')) {
		if ((c = closing(text, i, false)) < 0)
			return expr_fail(e, i, "signature '(' without its ')' (no nested parentheses)");
		p->sig = i + 1;
		p->sig_len = c - i - 1;
		i = c + 1;
	}
	while (text[i] == ' ' || text[i] == '\t')
		i++;
	if (text[i] == '(') {
		if ((c = closing(text, i, true)) < 0)
			return expr_fail(e, i, "predicate '(' without its ')'");
		p->pred = i + 1;
		p->pred_len = c - i - 1;
		i = c + 1;
	}
	while (text[i] == ' ' || text[i] == '\t')
		i++;
	if (!text[i])
		return 0;
	if (text[i] != '"')
		return expr_fail(e, i, "expected a \"format\" string or the end of the probe");
	c = i + 1;
	while (text[c] && text[c] != '"')
		c++;
	if (!text[c])
		return expr_fail(e, i, "format string without its closing '\"'");
	if (c - i - 1 >= TRACE_FMT_MAX)
		return expr_fail(e, i, "format string too long (at most %d bytes)", TRACE_FMT_MAX - 1);
	p->fmt_pos = i + 1;
	memcpy(p->fmt, text + i + 1, (size_t)(c - i - 1));
	p->fmt[c - i - 1] = '\0';
	if (parse_fmt(p, p->fmt_pos, e))
		return -EINVAL;
	/* values: after an optional comma (BCC's guide writes "%llx" arg1), split on every
	 * comma; empty parts are skipped, as BCC skips them */
	i = c + 1;
	while (text[i] == ' ' || text[i] == '\t')
		i++;
	if (text[i] == ',')
		i++;
	while (text[i]) {
		int start = i;

		while (text[i] && text[i] != ',')
			i++;
		if (text[start + (int)strspn(text + start, " \t")] != ',' &&
		    text[start + (int)strspn(text + start, " \t")]) {
			if (p->nvals >= XVM_VALS)
				return expr_fail(e, start, "too many values (at most %d)", XVM_VALS);
			p->val[p->nvals] = start;
			p->val_len[p->nvals++] = i - start;
		}
		if (text[i])
			i++;
	}
	if (p->nvals != p->nconv)
		return expr_fail(e, p->fmt_pos - 1, "the format has %d conversion%s but %d value%s %s "
			    "given", p->nconv, p->nconv == 1 ? "" : "s", p->nvals,
			    p->nvals == 1 ? "" : "s", p->nvals == 1 ? "is" : "are");
	return 0;
}

int trace_probe__check_value(const struct trace_probe *p, int i, const struct expr_type *t,
			     int pos, struct expr_err *e)
{
	char c = p->conv[i].conv;

	if (c == 's') {
		if (t->kind == ET_PTR || t->kind == ET_CHARS || t->raw)
			return 0;
		return expr_fail(e, pos, "type mismatch: %%s needs a string (a pointer or char array), "
			    "value %d is %s", i + 1, t->kind == ET_STRUCT ? "a struct" :
			    "a number");
	}
	if (t->kind == ET_CHARS || t->kind == ET_STRUCT)
		return expr_fail(e, pos, "type mismatch: %%%c needs a number, value %d is %s", c, i + 1,
			    t->kind == ET_STRUCT ? "a struct" : "a string (use %s)");
	return 0;
}

int trace_probe__render(const struct trace_probe *p, const char *const *vals, char *buf,
			int size)
{
	int n = 0, k = 0;

#define PUT(ch) do { if (n < size - 1) buf[n++] = (ch); } while (0)
	for (const char *c = p->fmt; *c; c++) {
		if (*c != '%') {
			PUT(*c);
			continue;
		}
		if (c[1] == '%') {
			PUT('%');
			c++;
			continue;
		}
		while (c[1] == 'l' || c[1] == 'h')
			c++;
		c++;
		if (k < p->nconv)
			for (const char *v = vals[k++]; *v; v++)
				PUT(*v);
	}
#undef PUT
	buf[n] = '\0';
	return n;
}
