/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tokens of C-like text (trace's probes, expressions and signatures), each with its byte
 * position in the whole argument so that errors can point a caret at it. No I/O.
 */
#ifndef BPFBOX_LEX_H
#define BPFBOX_LEX_H

#include <stdint.h>

#define LEX_TEXT_MAX 256	/* longest identifier or decoded string literal */

enum lex_kind {
	LEX_END,
	LEX_IDENT,	/* also keywords: the parser tells them apart */
	LEX_NUM,	/* decimal, 0x hex, 0 octal, 'c' character constants */
	LEX_STR,	/* "..." decoded (escapes \n \t \\ \" \0 \xNN) */
	LEX_VAR,	/* $name: text holds name without the '$' */
	LEX_PUNCT,	/* op holds the character or one of the two-character codes below */
};

enum {
	LEX_ARROW = 256,	/* -> */
	LEX_ANDAND,		/* && */
	LEX_OROR,		/* || */
	LEX_EQ,			/* == */
	LEX_NE,			/* != */
	LEX_LE,			/* <= */
	LEX_GE,			/* >= */
	LEX_SHL,		/* << */
	LEX_SHR,		/* >> */
};

struct lex_tok {
	enum lex_kind kind;
	int pos;		/* byte offset of the token's first character, with the lexer's base */
	int op;			/* LEX_PUNCT */
	uint64_t num;		/* LEX_NUM */
	int len;		/* LEX_STR: decoded length (may hold NULs) */
	char text[LEX_TEXT_MAX];	/* LEX_IDENT, LEX_VAR, LEX_STR (NUL terminated) */
};

struct lex {
	const char *s;
	int n;			/* bytes of s to read */
	int i;			/* next byte */
	int base;		/* position of s[0] in the text errors refer to */
};

/* An error in the probe's text: where it starts, and what is wrong. */
struct expr_err {
	int pos;		/* byte position in the probe's text */
	char msg[200];
};

/* Fills e and returns -EINVAL: every parser of the expression front end reports this way. */
int expr_fail(struct expr_err *e, int pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void lex_init(struct lex *l, const char *s, int n, int base);
/* Next token: 0, or -EINVAL with e (bad character, unterminated string, long name). */
int lex_next(struct lex *l, struct lex_tok *t, struct expr_err *e);
/* The token's spelling for messages ("->", "identifier 'x'", "end of text"). */
void lex_describe(const struct lex_tok *t, char *buf, int size);

#endif
