// SPDX-License-Identifier: GPL-2.0
/* trace's expressions and signatures: tokens → a tree of nodes in an arena (expr.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

#define DEPTH_MAX 64	/* nesting of parentheses and unary operators */

struct parser {
	struct expr_set *s;
	struct lex lx;
	struct lex_tok t;	/* current token */
	struct expr_err *e;
	bool bin_cmp;
	int depth;
};

static int advance(struct parser *p)
{
	return lex_next(&p->lx, &p->t, p->e);
}

static bool is_punct(const struct parser *p, int op)
{
	return p->t.kind == LEX_PUNCT && p->t.op == op;
}

static int expect(struct parser *p, int op, const char *what)
{
	char d[64];

	if (is_punct(p, op))
		return advance(p);
	lex_describe(&p->t, d, sizeof(d));
	return expr_fail(p->e, p->t.pos, "expected %s, found %s", what, d);
}

static int node(struct parser *p, enum expr_kind kind, int pos)
{
	struct expr_node *n;

	if (p->s->nnodes >= EXPR_NODES_MAX)
		return expr_fail(p->e, pos, "expression too long (at most %d terms per probe)",
			    EXPR_NODES_MAX);
	n = &p->s->node[p->s->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->pos = pos;
	n->a = n->b = -1;
	return p->s->nnodes++;
}

/* Words that start a type in a cast: C's, the kernel's and stdint's common names. */
static bool type_word(const char *w)
{
	static const char *const words[] = {
		"struct", "union", "enum", "unsigned", "signed", "int", "char", "short", "long",
		"void", "bool", "_Bool", "const", "volatile", "size_t", "ssize_t", "pid_t",
		"uid_t", "gid_t", "off_t", "loff_t", "gfp_t", "uintptr_t", "dev_t", "umode_t",
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "__u8", "__u16", "__u32",
		"__u64", "__s8", "__s16", "__s32", "__s64", "int8_t", "int16_t", "int32_t",
		"int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "__user",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

static int parse_expr(struct parser *p);
static int parse_unary(struct parser *p);

/* "{0x6C, 0x00, 0x00}" (-B): bytes, the last one not compared. */
static int byte_array(struct parser *p, const struct lex_tok *st, struct xvm_lit *lit)
{
	const char *c = st->text;
	char *end;

	while (*c == ' ')
		c++;
	if (*c++ != '{')
		return expr_fail(p->e, st->pos, "-B: STRCMP literal must be a byte array like "
			    "\"{0x6C, 0x00}\"");
	lit->len = 0;
	for (;;) {
		unsigned long v;

		while (*c == ' ')
			c++;
		v = strtoul(c, &end, 0);
		if (end == c || v > 255 || lit->len >= XVM_STR_MAX)
			return expr_fail(p->e, st->pos, "-B: bad byte array (numbers 0..255, at most "
				    "%d)", XVM_STR_MAX);
		lit->s[lit->len++] = (char)v;
		for (c = end; *c == ' '; c++)
			;
		if (*c == '}')
			break;
		if (*c++ != ',')
			return expr_fail(p->e, st->pos, "-B: bad byte array: expected ',' or '}'");
	}
	lit->len--;
	return 0;
}

/* STRCMP("lit", expr) after the name. */
static int parse_strcmp(struct parser *p, int pos)
{
	struct xvm_lit *lit;
	struct lex_tok st;
	int n, a, err;

	if ((err = expect(p, '(', "'(' after STRCMP")))
		return err;
	if (p->t.kind != LEX_STR)
		return expr_fail(p->e, p->t.pos, "STRCMP's first argument must be a string literal");
	st = p->t;
	if (p->s->nlits >= XVM_VALS)
		return expr_fail(p->e, pos, "too many STRCMP calls in one probe (at most %d)", XVM_VALS);
	lit = &p->s->lit[p->s->nlits];
	if (p->bin_cmp) {
		if ((err = byte_array(p, &st, lit)))
			return err;
	} else {
		lit->len = (uint32_t)st.len;
		memcpy(lit->s, st.text, (size_t)st.len);
	}
	if ((err = advance(p)) || (err = expect(p, ',', "',' after STRCMP's literal")))
		return err;
	if ((a = parse_expr(p)) < 0)
		return a;
	if ((err = expect(p, ')', "')' closing STRCMP")))
		return err;
	if ((n = node(p, EN_STRCMP, pos)) < 0)
		return n;
	p->s->node[n].a = a;
	p->s->node[n].lit = p->s->nlits++;
	return n;
}

static int parse_primary(struct parser *p)
{
	struct lex_tok t = p->t;
	int n, m, err;

	switch (t.kind) {
	case LEX_NUM:
		if ((n = node(p, EN_NUM, t.pos)) < 0)
			return n;
		p->s->node[n].num = t.num;
		return advance(p) ? -EINVAL : n;
	case LEX_STR:
		return expr_fail(p->e, t.pos, "string literals are only allowed in STRCMP");
	case LEX_VAR:
		if ((err = advance(p)))
			return err;
		if ((n = node(p, EN_VAR, t.pos)) < 0)
			return n;
		strcpy(p->s->node[n].name, t.text);
		if (!is_punct(p, '('))
			return n;
		/* $entry(name): the parameter's name goes into a child name node */
		if (strcmp(t.text, "entry"))
			return expr_fail(p->e, t.pos, "'$%s(...)' is not a function", t.text);
		if ((err = advance(p)))
			return err;
		if (p->t.kind != LEX_IDENT)
			return expr_fail(p->e, p->t.pos, "$entry() takes a parameter name");
		if ((m = node(p, EN_NAME, p->t.pos)) < 0)
			return m;
		strcpy(p->s->node[m].name, p->t.text);
		p->s->node[n].a = m;
		if ((err = advance(p)) || (err = expect(p, ')', "')' closing $entry(")))
			return err;
		return n;
	case LEX_IDENT:
		if ((err = advance(p)))
			return err;
		if (!strcmp(t.text, "STRCMP"))
			return parse_strcmp(p, t.pos);
		if (is_punct(p, '('))
			return expr_fail(p->e, t.pos, "function call '%s()' is not supported (only "
				    "STRCMP)", t.text);
		if (!strcmp(t.text, "sizeof"))
			return expr_fail(p->e, t.pos, "'sizeof' is not supported");
		if ((n = node(p, EN_NAME, t.pos)) < 0)
			return n;
		strcpy(p->s->node[n].name, t.text);
		return n;
	case LEX_PUNCT:
		if (t.op == '(') {
			if ((err = advance(p)))
				return err;
			if ((n = parse_expr(p)) < 0)
				return n;
			if ((err = expect(p, ')', "')'")))
				return err;
			return n;
		}
		break;
	case LEX_END:
		return expr_fail(p->e, t.pos, "expression expected, found end of text");
	}
	{
		char d[64];

		lex_describe(&t, d, sizeof(d));
		return expr_fail(p->e, t.pos, "expression expected, found %s", d);
	}
}

static int parse_postfix(struct parser *p)
{
	int n = parse_primary(p), m, err;

	while (n >= 0) {
		struct lex_tok t = p->t;

		if (is_punct(p, LEX_ARROW) || is_punct(p, '.')) {
			if ((err = advance(p)))
				return err;
			if (p->t.kind != LEX_IDENT)
				return expr_fail(p->e, p->t.pos, "member name expected after '%s'",
					    t.op == '.' ? "." : "->");
			/* the member spans its base; op and lit keep where '->' and the name are */
			if ((m = node(p, EN_MEMBER, p->s->node[n].pos)) < 0)
				return m;
			p->s->node[m].arrow = t.op == LEX_ARROW;
			p->s->node[m].op = t.pos;
			p->s->node[m].lit = p->t.pos;
			p->s->node[m].a = n;
			strcpy(p->s->node[m].name, p->t.text);
			if ((err = advance(p)))
				return err;
			n = m;
		} else if (is_punct(p, '@')) {
			if ((err = advance(p)))
				return err;
			if (p->t.kind != LEX_IDENT || strcmp(p->t.text, "user"))
				return expr_fail(p->e, t.pos, "only '@user' may follow an argument");
			if ((m = node(p, EN_USER, t.pos)) < 0)
				return m;
			p->s->node[m].a = n;
			if ((err = advance(p)))
				return err;
			n = m;
		} else if (is_punct(p, '[')) {
			return expr_fail(p->e, t.pos, "indexing with '[]' is not supported");
		} else {
			break;
		}
	}
	return n;
}

/* After '(' of a cast: the type's words up to ')', as "unsigned long *". */
static int parse_cast(struct parser *p, int pos)
{
	char text[LEX_TEXT_MAX] = "";
	size_t len = 0;
	int n, a, err;

	while (!is_punct(p, ')')) {
		const char *w = p->t.kind == LEX_IDENT ? p->t.text : is_punct(p, '*') ? "*" : NULL;

		if (!w)
			return expr_fail(p->e, p->t.pos, "bad type in cast");
		if (len + strlen(w) + 2 >= sizeof(text))
			return expr_fail(p->e, pos, "type name too long");
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", len ? " " : "", w);
		if ((err = advance(p)))
			return err;
	}
	if ((err = advance(p)))
		return err;
	if ((n = node(p, EN_CAST, pos)) < 0)
		return n;
	strcpy(p->s->node[n].name, text);
	if ((a = parse_unary(p)) < 0)
		return a;
	p->s->node[n].a = a;
	return n;
}

static int parse_unary(struct parser *p)
{
	struct lex_tok t = p->t;
	int n, a, err;

	if (++p->depth > DEPTH_MAX)
		return expr_fail(p->e, t.pos, "expression nested too deeply (at most %d)", DEPTH_MAX);
	if (t.kind == LEX_PUNCT && (t.op == '-' || t.op == '~' || t.op == '!' || t.op == '+' ||
				    t.op == '*')) {
		if ((err = advance(p)) || (a = parse_unary(p)) < 0)
			return err ? err : a;
		if (t.op == '+') {
			n = a;
		} else {
			if ((n = node(p, EN_UNARY, t.pos)) < 0)
				return n;
			p->s->node[n].op = t.op;
			p->s->node[n].a = a;
		}
	} else if (t.kind == LEX_PUNCT && t.op == '&') {
		return expr_fail(p->e, t.pos, "taking an address with '&' is not supported");
	} else if (t.kind == LEX_PUNCT && t.op == '(') {
		struct lex save = p->lx;
		struct lex_tok next;
		struct expr_err le;

		if (lex_next(&save, &next, p->e))
			return -EINVAL;
		if (next.kind == LEX_IDENT && !type_word(next.text)) {
			/* "(name) operand" is a cast to a type name C does not know here */
			struct lex_tok t2, t3;

			if (!lex_next(&save, &t2, &le) && t2.kind == LEX_PUNCT && t2.op == ')' &&
			    !lex_next(&save, &t3, &le) &&
			    (t3.kind == LEX_IDENT || t3.kind == LEX_NUM || t3.kind == LEX_VAR ||
			     (t3.kind == LEX_PUNCT && t3.op == '(')))
				next.kind = LEX_END;	/* below: parse it as a cast */
		}
		if ((next.kind == LEX_IDENT && type_word(next.text)) || next.kind == LEX_END) {
			if ((err = advance(p)))
				return err;
			n = parse_cast(p, t.pos);
		} else {
			n = parse_postfix(p);
		}
	} else {
		n = parse_postfix(p);
	}
	p->depth--;
	return n;
}

/* Binary operators by precedence level, loosest first. */
static const int levels[][5] = {
	{ LEX_OROR }, { LEX_ANDAND }, { '|' }, { '^' }, { '&' }, { LEX_EQ, LEX_NE },
	{ '<', '>', LEX_LE, LEX_GE }, { LEX_SHL, LEX_SHR }, { '+', '-' }, { '*', '/', '%' },
};
#define NLEVELS ((int)(sizeof(levels) / sizeof(levels[0])))

static int parse_level(struct parser *p, int lvl)
{
	int n, b, m, err;

	if (lvl == NLEVELS)
		return parse_unary(p);
	if ((n = parse_level(p, lvl + 1)) < 0)
		return n;
	for (;;) {
		int op = 0;

		for (int k = 0; k < 5 && levels[lvl][k]; k++)
			if (is_punct(p, levels[lvl][k]))
				op = levels[lvl][k];
		if (!op)
			return n;
		m = p->t.pos;
		if ((err = advance(p)) || (b = parse_level(p, lvl + 1)) < 0)
			return err ? err : b;
		if ((m = node(p, EN_BINARY, m)) < 0)
			return m;
		p->s->node[m].op = op;
		p->s->node[m].a = n;
		p->s->node[m].b = b;
		n = m;
	}
}

static int parse_expr(struct parser *p)
{
	int n;

	if (++p->depth > DEPTH_MAX)
		return expr_fail(p->e, p->t.pos, "expression nested too deeply (at most %d)", DEPTH_MAX);
	n = parse_level(p, 0);
	if (n >= 0 && is_punct(p, '?'))
		return expr_fail(p->e, p->t.pos, "the conditional operator '?:' is not supported");
	if (n >= 0 && is_punct(p, '='))
		return expr_fail(p->e, p->t.pos, "assignment is not supported (did you mean '=='?)");
	p->depth--;
	return n;
}

int expr_parse(struct expr_set *s, const char *text, int n, int base, bool bin_cmp,
	       struct expr_err *e)
{
	struct parser p = { .s = s, .e = e, .bin_cmp = bin_cmp };
	int root;
	char d[64];

	lex_init(&p.lx, text, n, base);
	if (advance(&p))
		return -EINVAL;
	if ((root = parse_expr(&p)) < 0)
		return root;
	if (p.t.kind != LEX_END) {
		lex_describe(&p.t, d, sizeof(d));
		return expr_fail(e, p.t.pos, "unexpected %s after the expression", d);
	}
	return root;
}

int expr_parse_signature(const char *text, int n, int base, struct expr_param *params,
			 int *nparams, struct expr_err *e)
{
	struct parser p = { .e = e };
	char d[64];

	*nparams = 0;
	lex_init(&p.lx, text, n, base);
	if (advance(&p))
		return -EINVAL;
	if (p.t.kind == LEX_END)
		return 0;
	if (p.t.kind == LEX_IDENT && !strcmp(p.t.text, "void")) {
		struct lex save = p.lx;
		struct lex_tok next;
		struct expr_err le;

		if (!lex_next(&save, &next, &le) && next.kind == LEX_END)
			return 0;
	}
	for (;;) {
		struct expr_param *pa;
		char last[LEX_TEXT_MAX] = "";
		size_t len = 0;
		int start = p.t.pos;

		if (*nparams >= EXPR_PARAMS_MAX)
			return expr_fail(e, p.t.pos, "at most %d parameters (register arguments only)",
				    EXPR_PARAMS_MAX);
		pa = &params[*nparams];
		pa->type[0] = '\0';
		/* words and stars: the last word is the name, what comes before it the type */
		while (p.t.kind == LEX_IDENT || is_punct(&p, '*')) {
			const char *w = p.t.kind == LEX_IDENT ? p.t.text : "*";

			if (last[0]) {
				if (len + strlen(last) + 2 >= sizeof(pa->type))
					return expr_fail(e, start, "parameter type too long");
				len += (size_t)snprintf(pa->type + len, sizeof(pa->type) - len,
							"%s%s", len ? " " : "", last);
			}
			strcpy(last, w);
			pa->pos = p.t.pos;
			if (advance(&p))
				return -EINVAL;
		}
		if (!last[0] || !strcmp(last, "*") || !pa->type[0])
			return expr_fail(e, start, "parameter needs a type and a name, like 'int fd'");
		strcpy(pa->name, last);
		++*nparams;
		if (p.t.kind == LEX_END)
			return 0;
		if (!is_punct(&p, ',')) {
			lex_describe(&p.t, d, sizeof(d));
			return expr_fail(e, p.t.pos, "expected ',' or the end of the signature, found "
				    "%s", d);
		}
		if (advance(&p))
			return -EINVAL;
	}
}
