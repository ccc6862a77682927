// SPDX-License-Identifier: GPL-2.0
/* funccount/stackcount patterns: BCC's three-part grammar and its glob and regex matching. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe_spec.h"

const char *probe_spec__syscall_prefix(void)
{
#if defined(__x86_64__)
	return "__x64_";
#elif defined(__aarch64__)
	return "__arm64_";
#else
	return "";
#endif
}

static int fail(struct probe_spec_err *err, int pos, const char *fmt, ...)
{
	va_list ap;

	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int copy_part(char *dst, const char *src, size_t len)
{
	if (len >= PROBE_SPEC_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/*
 * glibc's regcomp copies the tree once per repetition, so stacked quantifiers ("a+++", "*+")
 * and nested bounds ("(a{99}){99}") cost memory exponential in the pattern's length. Names
 * need neither: refuse repeated quantifiers and bounds whose product passes BOUNDS_MAX.
 */
#define BOUNDS_MAX 1024

static int check_cost(const char *re, int pat_pos, struct probe_spec_err *err)
{
	unsigned long product = 1;
	bool quant = false;

	for (const char *c = re; *c; c++) {
		bool q = *c == '*' || *c == '+' || *c == '?' || *c == '{';

		if (*c == '\\' && c[1]) {
			c++;
			quant = false;
			continue;
		}
		if (q && quant)
			return fail(err, pat_pos, "repeated quantifier in pattern");
		if (*c == '{') {
			char *end;
			unsigned long n = strtoul(c + 1, &end, 10);

			if (*end == ',')
				n = end[1] == '}' ? n + 1 : strtoul(end + 1, &end, 10);
			if (n > BOUNDS_MAX || (product *= n ? n : 1) > BOUNDS_MAX)
				return fail(err, pat_pos, "repetition bounds too large (at most %d)",
					    BOUNDS_MAX);
			while (*c && *c != '}')
				c++;
			if (!*c)
				break;
		}
		quant = q;
	}
	return 0;
}

/* The regular expression BCC would build: globs anchored both ends, regexes per kind. */
static int compile(struct probe_spec *s, int pat_pos, struct probe_spec_err *err)
{
	size_t len = strlen(s->pattern), j = 0;
	char *re = malloc(len * 2 + 8), buf[128];
	int rc;

	if (!re)
		return fail(err, pat_pos, "out of memory");
	if (s->regex) {
		/* a group, so that "a|b" is anchored as a whole */
		j = (size_t)sprintf(re, "^(%s)%s", s->pattern, s->kind == PROBE_KFUNC ? "$" : "");
	} else {
		re[j++] = '^';
		for (size_t i = 0; i < len; i++) {
			if (s->pattern[i] == '*')
				re[j++] = '.';
			re[j++] = s->pattern[i];
		}
		re[j++] = '$';
		re[j] = '\0';
	}
	rc = check_cost(re, pat_pos, err);
	if (rc) {
		free(re);
		return rc;
	}
	rc = regcomp(&s->re, re, REG_EXTENDED | REG_NOSUB);
	free(re);
	if (rc) {
		regerror(rc, NULL, buf, sizeof(buf));
		return fail(err, pat_pos, "invalid %s: %s", s->regex ? "regular expression" : "pattern",
			    buf);
	}
	s->compiled = true;
	return 0;
}

int probe_spec__parse(const char *text, bool regex, struct probe_spec *s,
		      struct probe_spec_err *err)
{
	const char *part[3] = { text }, *c;
	size_t plen[3];
	int n = 1, pat_pos;

	memset(s, 0, sizeof(*s));
	memset(err, 0, sizeof(*err));
	s->regex = regex;
	if (!*text)
		return fail(err, 0, "empty pattern");
	for (c = text; *c; c++) {
		if ((unsigned char)*c < ' ' || *c == 0x7f)
			return fail(err, (int)(c - text), "control character in pattern");
		if (*c != ':')
			continue;
		if (n == 3)
			return fail(err, (int)(c - text),
				    "too many ':'-separated components (at most 3: TYPE:LIBRARY:NAME)");
		part[n++] = c + 1;
	}
	if (c - text >= PROBE_SPEC_MAX)
		return fail(err, PROBE_SPEC_MAX, "pattern longer than %d bytes", PROBE_SPEC_MAX - 1);
	for (int i = 0; i < n; i++)
		plen[i] = (size_t)((i + 1 < n ? part[i + 1] - 1 : c) - part[i]);

	if (n == 1) {
		s->kind = PROBE_KFUNC;
	} else if (n == 2) {
		/* "lib:func", like p:lib:func */
		s->kind = PROBE_UFUNC;
		copy_part(s->target, part[0], plen[0]);
		if (!plen[0])
			return fail(err, 0, "empty library name before ':'");
	} else {
		if (plen[0] == 1 && part[0][0] == 't') {
			s->kind = PROBE_TP;
			if (!plen[1])
				return fail(err, (int)(part[1] - text), "empty tracepoint category");
		} else if (plen[0] == 1 && part[0][0] == 'u') {
			s->kind = PROBE_USDT;
			if (!plen[1])
				return fail(err, (int)(part[1] - text),
					    "USDT probes need a library or program ('u:LIB:PROBE')");
		} else if (plen[0] == 1 && part[0][0] == 'p') {
			s->kind = plen[1] ? PROBE_UFUNC : PROBE_KFUNC;
		} else {
			return fail(err, 0, "probe type must be 'p', 't' or 'u', not '%.*s'",
				    (int)(plen[0] > 16 ? 16 : plen[0]), part[0]);
		}
		if (s->kind != PROBE_TP)
			copy_part(s->target, part[1], plen[1]);
	}
	/* tracepoints match "category:event" as one string, as BCC does */
	pat_pos = (int)(part[n - 1] - text);
	if (s->kind == PROBE_TP)
		pat_pos = (int)(part[1] - text);
	copy_part(s->pattern, text + pat_pos, (size_t)(c - text - pat_pos));
	if (!plen[n - 1])
		return fail(err, (int)(c - text), "empty name after ':'");
	return compile(s, pat_pos, err);
}

void probe_spec__free(struct probe_spec *s)
{
	if (s->compiled)
		regfree(&s->re);
	s->compiled = false;
}

/* "__x64_sys_read" (the arch's wrapper) and "__do_sys_read" (its body: some kernels, e.g.
 * 6.1 on x86, let ftrace see only this one) as "sys_read"; NULL for other names. */
static const char *syscall_name(const char *name)
{
	const char *pfx = probe_spec__syscall_prefix();
	size_t n = strlen(pfx);

	if (n && !strncmp(name, pfx, n) && !strncmp(name + n, "sys_", 4))
		return name + n;
	if (!strncmp(name, "__do_sys_", 9))
		return name + 5;
	return NULL;
}

bool probe_spec__match(const struct probe_spec *s, const char *name)
{
	const char *sys;

	if (!s->compiled)
		return false;
	if (!regexec(&s->re, name, 0, NULL, 0))
		return true;
	return s->kind == PROBE_KFUNC && (sys = syscall_name(name)) &&
	       !regexec(&s->re, sys, 0, NULL, 0);
}
