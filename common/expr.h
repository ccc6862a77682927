/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace's expression language (spec §2.4) without a compiler: text → tree (expr_parse.c) →
 * typed and lowered to the expression VM's bytecode (expr_lower.c, bpf/exprvm.h). Errors carry
 * the byte position where the offending construct starts. Nothing here prints.
 */
#ifndef BPFBOX_EXPR_H
#define BPFBOX_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include "exprvm.h"
#include "lex.h"

#define EXPR_NODES_MAX 256	/* nodes of one probe's expressions together */
#define EXPR_PARAMS_MAX 6	/* signature parameters (register arguments) */

/* A C type as far as the VM cares. */
enum expr_tkind {
	ET_INT,		/* size bytes, sign */
	ET_PTR,		/* 8 bytes; btf_id: the pointee in kernel BTF (0: unknown); is_char */
	ET_STRUCT,	/* a struct by value: the node yields its address */
	ET_CHARS,	/* char array or __data_loc string: the node yields its address */
};

struct expr_type {
	enum expr_tkind kind;
	int size;
	bool sign;
	bool is_char;	/* ET_PTR to char: a string for %s */
	bool user;	/* pointed-to memory is user memory */
	bool raw;	/* argN, retval: a register of unknown type (prints as %s or number) */
	uint32_t btf_id;	/* ET_PTR: pointee, ET_STRUCT: the struct (kernel BTF) */
};

enum expr_kind {
	EN_NUM,		/* num */
	EN_STR,		/* string literal: str_slot (STRCMP's first argument only) */
	EN_NAME,	/* name: argN, retval, a signature parameter, "args", "ctx" */
	EN_VAR,		/* $name; $entry(x) has x as child a */
	EN_MEMBER,	/* a->name (arrow) or a.name */
	EN_UNARY,	/* op a: '-', '~', '!' */
	EN_BINARY,	/* a op b */
	EN_CAST,	/* (type) a */
	EN_STRCMP,	/* STRCMP("lit", a) */
	EN_USER,	/* a@user */
};

struct expr_node {
	enum expr_kind kind;
	int pos;
	int op;			/* lex punct code; EN_MEMBER: position of '->' or '.' */
	bool arrow;
	uint64_t num;
	char name[LEX_TEXT_MAX];	/* EN_NAME, EN_VAR, EN_MEMBER; EN_CAST: type text */
	int lit;		/* EN_STRCMP: literal index; EN_MEMBER: the name's position */
	int a, b;		/* child node indices, -1 none */
	struct expr_type type;	/* EN_CAST target; every node after typing */
};

/* One signature parameter: "struct file *file" → name "file", type text "struct file *". */
struct expr_param {
	char name[LEX_TEXT_MAX];
	char type[LEX_TEXT_MAX];
	int pos;
};

/* A tracepoint format field (tp_format.h gives them). */
struct expr_field {
	char name[64];
	char type[128];
	int offset, size;
	bool sign;
	bool data_loc;	/* __data_loc char[]: a string at the offset the field holds */
};

/* Where expressions are evaluated: what names mean there. */
struct expr_env {
	enum xvm_mech mech;
	bool user;		/* plain pointers point at user memory (uprobes, USDT, syscalls) */
	bool ret;		/* return probe: retval allowed */
	const struct expr_param *params;
	int nparams;
	const struct expr_field *fields;	/* tracepoints */
	int nfields;
	bool bin_cmp;		/* -B: STRCMP literals are C byte arrays "{0x6C, ...}" */
	bool argdist;		/* argdist's names: $PID $COMM $retval $latency $entry(name);
				 * argN for USDT only; on r: the signature is for $entry only */
};

/* The parsed expressions of one probe: a filter and values, sharing a node arena. */
struct expr_set {
	struct expr_node node[EXPR_NODES_MAX];
	int nnodes;
	struct xvm_lit lit[XVM_VALS];	/* STRCMP literals */
	int nlits;
};

/*
 * Parses text[0..n) as one expression whose first byte is at position base; returns the root
 * node index or -EINVAL with e filled. bin_cmp: STRCMP literals are byte arrays (-B).
 */
int expr_parse(struct expr_set *s, const char *text, int n, int base, bool bin_cmp,
	       struct expr_err *e);

/* Parses a signature "int fd, const char *buf, size_t count" at base into params. */
int expr_parse_signature(const char *text, int n, int base, struct expr_param *params,
			 int *nparams, struct expr_err *e);

/* Types node root (and its children) in env: 0 or -EINVAL with e. */
int expr_type(struct expr_set *s, int root, const struct expr_env *env, struct expr_err *e);

/* Bytecode of one probe. */
struct expr_prog {
	struct xvm_op op[XVM_PROBE_OPS];
	int nops;
	int src_pos[XVM_PROBE_OPS];	/* source position each op came from (for -v) */
};

/* Appends filter code for typed root (pops it, drops the event when zero). */
int expr_lower_filter(const struct expr_set *s, int root, const struct expr_env *env,
		      struct expr_prog *p, struct expr_err *e);
/* Appends code storing typed root into value slot; as_string: copy the string it points at. */
int expr_lower_value(const struct expr_set *s, int root, const struct expr_env *env, int slot,
		     bool as_string, struct expr_prog *p, struct expr_err *e);
/* Appends XVM_END. */
int expr_lower_end(struct expr_prog *p, struct expr_err *e);

/* A readable line for op i ("ctx +24 u4", "strcmp lit0") for -v. */
void expr_op_describe(const struct xvm_op *op, char *buf, int size);

/* Resolves "int", "unsigned long", "char *", "struct file *", "u64" to a type. Kernel BTF is
 * consulted for struct names (kbtf). 0 or -EINVAL (unknown) / -ENOENT (struct not in BTF). */
int expr_type_parse(const char *text, struct expr_type *t);

#endif
