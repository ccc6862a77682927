// SPDX-License-Identifier: GPL-2.0
/* A small C tokenizer with byte positions (see lex.h). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"

void lex_init(struct lex *l, const char *s, int n, int base)
{
	l->s = s;
	l->n = n;
	l->i = 0;
	l->base = base;
}

int expr_fail(struct expr_err *e, int pos, const char *fmt, ...)
{
	va_list ap;

	e->pos = pos;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int peek(const struct lex *l, int k)
{
	return l->i + k < l->n ? (unsigned char)l->s[l->i + k] : 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One possibly escaped character of a literal; -1 on a bad escape. */
static int escaped(struct lex *l)
{
	int c = peek(l, 0), v;

	l->i++;
	if (c != '\\')
		return c;
	c = peek(l, 0);
	l->i++;
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '0': return 0;
	case '\\': return '\\';
	case '"': return '"';
	case '\'': return '\'';
	case 'x':
		if ((v = hexval(peek(l, 0))) < 0)
			return -1;
		l->i++;
		if (hexval(peek(l, 0)) >= 0)
			v = v * 16 + hexval(peek(l, 0)), l->i++;
		return v;
	}
	return -1;
}

static const struct { char s[3]; int op; } pairs[] = {
	{ "->", LEX_ARROW }, { "&&", LEX_ANDAND }, { "||", LEX_OROR }, { "==", LEX_EQ },
	{ "!=", LEX_NE }, { "<=", LEX_LE }, { ">=", LEX_GE }, { "<<", LEX_SHL }, { ">>", LEX_SHR },
};

int lex_next(struct lex *l, struct lex_tok *t, struct expr_err *e)
{
	int c, start;

	while (l->i < l->n && isspace((unsigned char)l->s[l->i]))
		l->i++;
	memset(t, 0, sizeof(*t) - sizeof(t->text));
	t->text[0] = '\0';
	start = l->i;
	t->pos = l->base + start;
	c = peek(l, 0);
	if (l->i >= l->n || !c) {
		t->kind = LEX_END;
		return 0;
	}
	if (isalpha(c) || c == '_' || (c == '$' && (isalpha(peek(l, 1)) || peek(l, 1) == '_'))) {
		int k = 0;

		t->kind = c == '$' ? LEX_VAR : LEX_IDENT;
		if (c == '$')
			l->i++;
		while (isalnum(peek(l, 0)) || peek(l, 0) == '_') {
			if (k >= LEX_TEXT_MAX - 1)
				return expr_fail(e, t->pos, "name too long (at most %d characters)",
					    LEX_TEXT_MAX - 1);
			t->text[k++] = (char)peek(l, 0);
			l->i++;
		}
		t->text[k] = '\0';
		return 0;
	}
	if (isdigit(c)) {
		uint64_t v = 0;
		int b = 10, d, any = 0;

		if (c == '0' && tolower(peek(l, 1)) == 'x')
			b = 16, l->i += 2;
		else if (c == '0')
			b = 8;
		while ((d = hexval(peek(l, 0))) >= 0 && d < b) {
			if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)b)
				return expr_fail(e, t->pos, "number too large for 64 bits");
			v = v * (uint64_t)b + (uint64_t)d;
			l->i++;
			any = 1;
		}
		if (b == 16 && !any)
			return expr_fail(e, t->pos, "hex number without digits");
		/* C's suffixes: u, l, ul, ll, ull in any case */
		while (tolower(peek(l, 0)) == 'u' || tolower(peek(l, 0)) == 'l')
			l->i++;
		if (isalnum(peek(l, 0)) || peek(l, 0) == '_')
			return expr_fail(e, l->base + l->i, "bad digit '%c' in number", peek(l, 0));
		t->kind = LEX_NUM;
		t->num = v;
		return 0;
	}
	if (c == '"') {
		l->i++;
		while (peek(l, 0) != '"') {
			int ch;

			if (l->i >= l->n || !peek(l, 0))
				return expr_fail(e, t->pos, "unterminated string");
			if (t->len >= LEX_TEXT_MAX - 1)
				return expr_fail(e, t->pos, "string too long (at most %d bytes)",
					    LEX_TEXT_MAX - 1);
			if ((ch = escaped(l)) < 0)
				return expr_fail(e, l->base + l->i - 2, "unknown escape in string");
			t->text[t->len++] = (char)ch;
		}
		l->i++;
		t->text[t->len] = '\0';
		t->kind = LEX_STR;
		return 0;
	}
	if (c == '\'') {
		int ch;

		l->i++;
		ch = peek(l, 0) == '\'' ? -1 : escaped(l);
		if (ch < 0 || peek(l, 0) != '\'')
			return expr_fail(e, t->pos, "bad character constant");
		l->i++;
		t->kind = LEX_NUM;
		t->num = (uint64_t)ch;
		return 0;
	}
	t->kind = LEX_PUNCT;
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
		if (c == pairs[k].s[0] && peek(l, 1) == pairs[k].s[1]) {
			t->op = pairs[k].op;
			l->i += 2;
			return 0;
		}
	if (!strchr("+-*/%&|^~!<>=()[],.?:@", c))
		return expr_fail(e, t->pos, isprint(c) ? "unexpected character '%c'" :
			    "unexpected byte 0x%02x", c);
	t->op = c;
	l->i++;
	return 0;
}

void lex_describe(const struct lex_tok *t, char *buf, int size)
{
	switch (t->kind) {
	case LEX_END:
		snprintf(buf, size, "end of expression");
		return;
	case LEX_IDENT:
		snprintf(buf, size, "'%s'", t->text);
		return;
	case LEX_VAR:
		snprintf(buf, size, "'$%s'", t->text);
		return;
	case LEX_NUM:
		snprintf(buf, size, "number");
		return;
	case LEX_STR:
		snprintf(buf, size, "string");
		return;
	case LEX_PUNCT:
		for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++)
			if (t->op == pairs[k].op) {
				snprintf(buf, size, "'%s'", pairs[k].s);
				return;
			}
		snprintf(buf, size, "'%c'", t->op);
		return;
	}
}
