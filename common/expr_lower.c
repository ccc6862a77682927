// SPDX-License-Identifier: GPL-2.0
/*
 * Typing of trace's expressions (names, casts, tracepoint fields, struct members through the
 * kernel's BTF) and their lowering to the expression VM's bytecode (bpf/exprvm.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "expr.h"
#include "kbtf.h"

static const struct { const char *name; int size; bool sign; } ints[] = {
	{ "char", 1, true }, { "signed char", 1, true }, { "unsigned char", 1, false },
	{ "short", 2, true }, { "short int", 2, true }, { "unsigned short", 2, false },
	{ "unsigned short int", 2, false }, { "int", 4, true }, { "signed", 4, true },
	{ "signed int", 4, true }, { "unsigned", 4, false }, { "unsigned int", 4, false },
	{ "long", 8, true }, { "long int", 8, true }, { "unsigned long", 8, false },
	{ "unsigned long int", 8, false }, { "long long", 8, true },
	{ "long long int", 8, true }, { "unsigned long long", 8, false },
	{ "unsigned long long int", 8, false }, { "bool", 1, false }, { "_Bool", 1, false },
	{ "u8", 1, false }, { "u16", 2, false }, { "u32", 4, false }, { "u64", 8, false },
	{ "s8", 1, true }, { "s16", 2, true }, { "s32", 4, true }, { "s64", 8, true },
	{ "__u8", 1, false }, { "__u16", 2, false }, { "__u32", 4, false },
	{ "__u64", 8, false }, { "__s8", 1, true }, { "__s16", 2, true }, { "__s32", 4, true },
	{ "__s64", 8, true }, { "int8_t", 1, true }, { "int16_t", 2, true },
	{ "int32_t", 4, true }, { "int64_t", 8, true }, { "uint8_t", 1, false },
	{ "uint16_t", 2, false }, { "uint32_t", 4, false }, { "uint64_t", 8, false },
	{ "size_t", 8, false }, { "ssize_t", 8, true }, { "pid_t", 4, true },
	{ "uid_t", 4, false }, { "gid_t", 4, false }, { "off_t", 8, true },
	{ "loff_t", 8, true }, { "gfp_t", 4, false }, { "uintptr_t", 8, false },
	{ "dev_t", 4, false }, { "umode_t", 2, false },
};

/* BTF type id with modifiers and typedefs skipped (bounded: BTF comes checked by kbtf). */
static uint32_t skip_mods(const struct btf *btf, uint32_t id)
{
	for (int i = 0; i < 32; i++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !(btf_is_mod(t) || btf_is_typedef(t)))
			return id;
		id = t->type;
	}
	return id;
}

/* A BTF type (modifiers skipped) as an expression type; -EINVAL when it has no VM form. */
static int from_btf(const struct btf *btf, uint32_t id, struct expr_type *t)
{
	const struct btf_type *bt;

	memset(t, 0, sizeof(*t));
	id = skip_mods(btf, id);
	bt = btf__type_by_id(btf, id);
	if (!bt)
		return -EINVAL;
	if (btf_is_int(bt) || btf_is_enum(bt) || btf_is_enum64(bt)) {
		t->kind = ET_INT;
		t->size = (int)bt->size;
		t->sign = btf_is_int(bt) ? !!(btf_int_encoding(bt) & BTF_INT_SIGNED) :
			  btf_kflag(bt);
		return t->size > 0 && t->size <= 8 ? 0 : -EINVAL;
	}
	if (btf_is_ptr(bt)) {
		uint32_t to = skip_mods(btf, bt->type);
		const struct btf_type *pt = btf__type_by_id(btf, to);

		t->kind = ET_PTR;
		t->size = 8;
		if (pt && btf_is_int(pt) && pt->size == 1)
			t->is_char = true;
		else if (pt && (btf_is_struct(pt) || btf_is_union(pt) || btf_is_int(pt) ||
				btf_is_ptr(pt)))
			t->btf_id = to;
		return 0;
	}
	if (btf_is_struct(bt) || btf_is_union(bt)) {
		t->kind = ET_STRUCT;
		t->btf_id = id;
		return 0;
	}
	if (btf_is_array(bt)) {
		const struct btf_type *et = btf__type_by_id(btf, skip_mods(btf,
							     btf_array(bt)->type));

		if (et && btf_is_int(et) && et->size == 1) {
			t->kind = ET_CHARS;
			return 0;
		}
	}
	return -EINVAL;
}

int expr_type_parse(const char *text, struct expr_type *t)
{
	char base[LEX_TEXT_MAX] = "";
	const char *w = text;
	int stars = 0;
	bool user = false;
	size_t len = 0;

	memset(t, 0, sizeof(*t));
	/* words except qualifiers, then stars */
	while (*w) {
		size_t n;

		while (*w == ' ')
			w++;
		if (*w == '*') {
			stars++;
			w++;
			continue;
		}
		n = strcspn(w, " *");
		if (!n)
			break;
		if (stars)
			return -EINVAL;
		if (n == 6 && !strncmp(w, "__user", 6)) {
			user = true;
		} else if (!(n == 5 && !strncmp(w, "const", 5)) &&
			   !(n == 8 && !strncmp(w, "volatile", 8))) {
			if (len + n + 2 >= sizeof(base))
				return -EINVAL;
			len += (size_t)snprintf(base + len, sizeof(base) - len, "%s%.*s",
						len ? " " : "", (int)n, w);
		}
		w += n;
	}
	t->user = user;
	if (!base[0] || stars > 1) {
		if (!base[0])
			return -EINVAL;
		/* pointers to pointers: plain addresses */
		t->kind = ET_PTR;
		t->size = 8;
		return 0;
	}
	if (!strncmp(base, "struct ", 7) || !strncmp(base, "union ", 6)) {
		const struct btf *btf = kbtf__get();
		bool un = base[0] == 'u';
		int id;

		if (!stars)
			return -EINVAL;
		t->kind = ET_PTR;
		t->size = 8;
		if (!btf)
			return -ENOENT;
		id = btf__find_by_name_kind(btf, base + (un ? 6 : 7),
					    un ? BTF_KIND_UNION : BTF_KIND_STRUCT);
		if (id <= 0)
			return -ENOENT;
		t->btf_id = (uint32_t)id;
		return 0;
	}
	if (!strcmp(base, "void")) {
		if (!stars)
			return -EINVAL;
		t->kind = ET_PTR;
		t->size = 8;
		return 0;
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		if (!strcmp(base, ints[i].name)) {
			if (stars) {
				t->kind = ET_PTR;
				t->size = 8;
				t->is_char = ints[i].size == 1 && strcmp(base, "bool");
				return 0;
			}
			t->kind = ET_INT;
			t->size = ints[i].size;
			t->sign = ints[i].sign;
			return 0;
		}
	/* a kernel typedef (gfp_t, sector_t, ...) */
	{
		const struct btf *btf = kbtf__get();
		int id = btf ? btf__find_by_name_kind(btf, base, BTF_KIND_TYPEDEF) : -ENOENT;

		if (id <= 0)
			return -EINVAL;
		if (stars) {
			t->kind = ET_PTR;
			t->size = 8;
			return 0;
		}
		if (from_btf(btf, (uint32_t)id, t) || t->kind != ET_INT)
			return -EINVAL;
		t->user = user;
		return 0;
	}
}

static const char *type_name(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf ? btf__type_by_id(btf, id) : NULL;
	const char *n = t ? btf__name_by_offset(btf, t->name_off) : NULL;

	return n && *n ? n : "?";
}

static bool scalar(const struct expr_type *t)
{
	return t->kind == ET_INT || t->kind == ET_PTR;
}

static const struct expr_type t_int = { .kind = ET_INT, .size = 4, .sign = true };
static const struct expr_type t_u64 = { .kind = ET_INT, .size = 8 };
static const struct expr_type t_raw = { .kind = ET_INT, .size = 8, .raw = true };

static const char *op_text(int op, char buf[4])
{
	static const char *const two[] = { "->", "&&", "||", "==", "!=", "<=", ">=", "<<", ">>" };

	if (op >= LEX_ARROW && op <= LEX_SHR)
		return two[op - LEX_ARROW];
	buf[0] = (char)op;
	buf[1] = '\0';
	return buf;
}

/* argN's N (1..6) or 0 when name is not argN. */
static int arg_number(const char *name)
{
	if (strncmp(name, "arg", 3) || name[3] < '1' || name[3] > '6' || name[4])
		return 0;
	return name[3] - '0';
}

static int type_member(struct expr_set *s, struct expr_node *n, const struct expr_env *env,
		       struct expr_err *e)
{
	struct expr_node *a = &s->node[n->a];
	const struct btf *btf;
	uint32_t off, mt;
	bool bitfield;

	if (a->kind == EN_NAME && !strcmp(a->name, "args") && env->mech == XVM_MECH_TP) {
		char names[120] = "";
		size_t len = 0;

		for (int i = 0; i < env->nfields; i++) {
			const struct expr_field *f = &env->fields[i];

			if (strcmp(f->name, n->name))
				continue;
			memset(&n->type, 0, sizeof(n->type));
			n->num = (uint64_t)f->offset;
			if (f->data_loc || strchr(f->type, '[')) {
				if (!f->data_loc && (f->size > XVM_STR_MAX || !strstr(f->type, "char")))
					return expr_fail(e, n->pos, "field '%s' (%s) is an array: only "
						    "char arrays are supported", f->name, f->type);
				n->type.kind = ET_CHARS;
				n->type.size = f->data_loc ? 0 : f->size;
				return 0;
			}
			if (strchr(f->type, '*')) {
				n->type.kind = ET_PTR;
				n->type.size = 8;
				n->type.is_char = strstr(f->type, "char") != NULL;
				n->type.user = env->user;
				return 0;
			}
			if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
				return expr_fail(e, n->pos, "field '%s' has size %d: not supported",
					    f->name, f->size);
			n->type.kind = ET_INT;
			n->type.size = f->size;
			n->type.sign = f->sign;
			return 0;
		}
		for (int i = 0; i < env->nfields && len + 2 < sizeof(names); i++)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
						len ? ", " : "", env->fields[i].name);
		if (len >= sizeof(names) - 1)
			strcpy(names + sizeof(names) - 5, "...");
		return expr_fail(e, n->lit, "tracepoint has no field '%s' (it has: %s)", n->name,
			    names);
	}
	if (n->arrow ? a->type.kind != ET_PTR || !a->type.btf_id : a->type.kind != ET_STRUCT)
		return expr_fail(e, n->op, n->arrow ? "'->%s' needs a pointer to a struct: declare "
			    "it in the signature or cast it, e.g. (struct file *)arg1" :
			    "'.%s' needs a struct (use '->' through a pointer)", n->name);
	btf = kbtf__get();
	if (!btf)
		return expr_fail(e, n->pos, "struct members need the kernel's BTF (or --btf FILE)");
	if (kbtf__member(btf, a->type.btf_id, n->name, &off, &mt, &bitfield))
		return expr_fail(e, n->lit, "struct %s has no member '%s'",
			    type_name(btf, a->type.btf_id), n->name);
	if (bitfield)
		return expr_fail(e, n->lit, "bitfield member '%s' is not supported", n->name);
	if (from_btf(btf, mt, &n->type))
		return expr_fail(e, n->lit, "member '%s' has a type trace cannot read (arrays other "
			    "than char, functions)", n->name);
	n->num = off;
	n->type.user = a->type.user;
	return 0;
}

static int type_node(struct expr_set *s, int i, const struct expr_env *env, struct expr_err *e,
		     int depth)
{
	struct expr_node *n = &s->node[i];
	struct expr_type *ta, *tb;
	char ob[4];
	int err;

	if (depth > 2 * EXPR_NODES_MAX)
		return expr_fail(e, n->pos, "expression nested too deeply");
	if (n->kind == EN_MEMBER && s->node[n->a].kind == EN_NAME &&
	    !strcmp(s->node[n->a].name, "args") && env->mech == XVM_MECH_TP)
		return type_member(s, n, env, e);
	if (n->a >= 0 && n->kind != EN_VAR && (err = type_node(s, n->a, env, e, depth + 1)))
		return err;
	if (n->b >= 0 && (err = type_node(s, n->b, env, e, depth + 1)))
		return err;
	ta = n->a >= 0 ? &s->node[n->a].type : NULL;
	tb = n->b >= 0 ? &s->node[n->b].type : NULL;
	switch (n->kind) {
	case EN_NUM:
		n->type = t_u64;
		n->type.sign = n->num <= INT64_MAX;
		return 0;
	case EN_STR:
		return expr_fail(e, n->pos, "string literals are only allowed in STRCMP");
	case EN_NAME: {
		int k = arg_number(n->name);

		if (k) {
			if (env->argdist && env->mech != XVM_MECH_USDT)
				return expr_fail(e, n->pos, "'%s' works on USDT probes only: name the "
					    "parameters in the signature", n->name);
			if (env->mech == XVM_MECH_TP)
				return expr_fail(e, n->pos, "'%s' does not exist on tracepoints: use "
					    "args->FIELD", n->name);
			n->type = t_raw;
			n->type.user = env->user;
			n->num = (uint64_t)(k - 1);
			return 0;
		}
		if (!strcmp(n->name, "retval") && !env->argdist) {
			if (!env->ret)
				return expr_fail(e, n->pos, "'retval' needs a return probe (r:...)");
			n->type = t_raw;
			n->type.user = env->user;
			n->num = XVM_ARGS - 1;
			return 0;
		}
		for (int p = 0; p < env->nparams; p++) {
			if (strcmp(env->params[p].name, n->name))
				continue;
			if (env->mech != XVM_MECH_REGS)
				return expr_fail(e, n->pos, "signature parameters exist only on p: and "
					    "r: probes");
			if (env->argdist && env->ret)
				return expr_fail(e, n->pos, "on r: probes, read parameters with "
					    "$entry(%s)", n->name);
			if ((err = expr_type_parse(env->params[p].type, &n->type)))
				return expr_fail(e, env->params[p].pos, err == -ENOENT ?
					    "type '%s' is not in the kernel's BTF" :
					    "unknown type '%s'", env->params[p].type);
			if (n->type.kind == ET_INT && n->type.size > 8)
				return expr_fail(e, n->pos, "parameter '%s' is wider than a register",
					    n->name);
			n->type.user |= env->user;
			n->num = (uint64_t)p;
			return 0;
		}
		if (!strcmp(n->name, "args"))
			return expr_fail(e, n->pos, env->mech == XVM_MECH_TP ? "'args' needs a field: "
				    "args->FIELD" : "'args' exists only on tracepoints");
		if (n->name[0] >= 'A' && n->name[0] <= 'Z' &&
		    strspn(n->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == strlen(n->name))
			return expr_fail(e, n->pos, "'%s' looks like a C macro: macros of headers are not "
				    "supported (bpfbox has no compiler), write its value", n->name);
		if (!strcmp(n->name, "ctx"))
			return expr_fail(e, n->pos, "'ctx' (raw registers) is not supported: use argN");
		return expr_fail(e, n->pos, "unknown name '%s' (argN, retval, a signature parameter, "
			    "args->FIELD or $pid/$tgid/$uid/$gid/$cpu/$task)", n->name);
	}
	case EN_VAR:
		if (env->argdist) {
			if (!strcmp(n->name, "PID")) {
				n->type = t_u64;
				return 0;
			}
			if (!strcmp(n->name, "retval")) {
				if (!env->ret)
					return expr_fail(e, n->pos, "'$retval' needs a return probe (r:...)");
				n->type = t_raw;
				n->type.user = env->user;
				n->num = XVM_ARGS - 1;
				return 0;
			}
			if (!strcmp(n->name, "COMM")) {
				memset(&n->type, 0, sizeof(n->type));
				n->type.kind = ET_CHARS;
				n->type.size = 16;
				return 0;
			}
			if (!strcmp(n->name, "latency") || !strcmp(n->name, "entry")) {
				if (!env->ret)
					return expr_fail(e, n->pos, "'$%s' needs a return probe (r:...)",
						    n->name);
				if (n->name[0] == 'l') {
					n->type = t_u64;
					return 0;
				}
				if (n->a < 0)
					return expr_fail(e, n->pos, "$entry needs a parameter: "
						    "$entry(name)");
				for (int p = 0; p < env->nparams; p++) {
					if (strcmp(env->params[p].name, s->node[n->a].name))
						continue;
					if ((err = expr_type_parse(env->params[p].type, &n->type)))
						return expr_fail(e, env->params[p].pos, "unknown type "
							    "'%s'", env->params[p].type);
					n->num = (uint64_t)p;
					return 0;
				}
				return expr_fail(e, s->node[n->a].pos, "'%s' is not in the signature",
					    s->node[n->a].name);
			}
			return expr_fail(e, n->pos, "unknown variable '$%s' (argdist has $PID, $COMM, "
				    "$retval)", n->name);
		}
		if (!strcmp(n->name, "pid") || !strcmp(n->name, "tgid") ||
		    !strcmp(n->name, "uid") || !strcmp(n->name, "gid") ||
		    !strcmp(n->name, "cpu")) {
			n->type = t_u64;
			return 0;
		}
		if (!strcmp(n->name, "task")) {
			const struct btf *btf = kbtf__get();
			int id = btf ? btf__find_by_name_kind(btf, "task_struct",
							      BTF_KIND_STRUCT) : -1;

			memset(&n->type, 0, sizeof(n->type));
			n->type.kind = ET_PTR;
			n->type.size = 8;
			n->type.btf_id = id > 0 ? (uint32_t)id : 0;
			return 0;
		}
		return expr_fail(e, n->pos, "unknown variable '$%s' (trace has $pid, $tgid, $uid, "
			    "$gid, $cpu, $task)", n->name);
	case EN_MEMBER:
		return type_member(s, n, env, e);
	case EN_USER:
		if (s->node[n->a].kind != EN_NAME || !scalar(ta))
			return expr_fail(e, n->pos, "'@user' must follow an argument, like arg2@user");
		n->type = *ta;
		n->type.user = true;
		return 0;
	case EN_UNARY:
		if (!scalar(ta))
			return expr_fail(e, n->pos, "type mismatch: '%c' needs a number or pointer",
				    n->op);
		if (n->op == '*') {
			const struct btf *btf = kbtf__get();

			if (ta->kind != ET_PTR || (!ta->btf_id && !ta->is_char))
				return expr_fail(e, n->pos, "cannot dereference an untyped value: cast "
					    "it to a pointer type first");
			if (ta->is_char) {
				memset(&n->type, 0, sizeof(n->type));
				n->type.kind = ET_INT;
				n->type.size = 1;
				n->type.sign = true;
			} else if (!btf || from_btf(btf, ta->btf_id, &n->type) ||
				   n->type.kind == ET_STRUCT) {
				return expr_fail(e, n->pos, "cannot dereference to a struct: use '->'");
			}
			n->type.user = ta->user;
			return 0;
		}
		n->type = n->op == '!' ? t_int : *ta;
		if (n->op != '!' && n->type.kind == ET_PTR)
			n->type = t_u64;
		n->type.raw = false;
		return 0;
	case EN_BINARY:
		if (!scalar(ta) || !scalar(tb))
			return expr_fail(e, n->pos, "type mismatch: '%s' needs numbers or pointers, not "
				    "strings or structs", op_text(n->op, ob));
		if (n->op == LEX_ANDAND || n->op == LEX_OROR || n->op == LEX_EQ ||
		    n->op == LEX_NE || n->op == '<' || n->op == '>' || n->op == LEX_LE ||
		    n->op == LEX_GE) {
			n->type = t_int;
			/* the comparison's signedness: both sides signed */
			n->num = ta->kind == ET_INT && ta->sign && tb->kind == ET_INT && tb->sign &&
				 !ta->raw && !tb->raw;
			return 0;
		}
		n->type = t_u64;
		n->type.sign = ta->kind == ET_INT && tb->kind == ET_INT && ta->sign && tb->sign &&
			       !ta->raw && !tb->raw;
		n->type.size = ta->size > tb->size ? ta->size : tb->size;
		if (n->type.size < 4)
			n->type.size = 4;
		return 0;
	case EN_CAST:
		if ((err = expr_type_parse(n->name, &n->type)))
			return expr_fail(e, n->pos + 1, err == -ENOENT ? "type '%s' is not in the "
				    "kernel's BTF" : "unknown type '%s' in cast", n->name);
		if (!scalar(ta) && !(ta->kind == ET_CHARS && n->type.kind == ET_PTR))
			return expr_fail(e, n->pos, "type mismatch: cannot cast a string or struct");
		n->type.user |= ta->user;
		return 0;
	case EN_STRCMP:
		if (!(ta->kind == ET_PTR || ta->kind == ET_CHARS || ta->raw))
			return expr_fail(e, s->node[n->a].pos, "type mismatch: STRCMP needs a string "
				    "(a pointer or a char array)");
		n->type = t_int;
		return 0;
	}
	return expr_fail(e, n->pos, "unsupported construct");
}

int expr_type(struct expr_set *s, int root, const struct expr_env *env, struct expr_err *e)
{
	return type_node(s, root, env, e, 0);
}

/* Lowering */

static int emit(struct expr_prog *p, int pos, uint8_t code, uint8_t size, uint8_t flags,
		uint8_t arg, int64_t imm, struct expr_err *e)
{
	struct xvm_op *op;

	if (p->nops >= XVM_PROBE_OPS)
		return expr_fail(e, pos, "expressions too long for one probe (at most %d VM ops)",
			    XVM_PROBE_OPS);
	op = &p->op[p->nops];
	memset(op, 0, sizeof(*op));
	op->code = code;
	op->size = size;
	op->flags = flags;
	op->arg = arg;
	op->imm = imm;
	p->src_pos[p->nops++] = pos;
	return 0;
}

static uint8_t load_flags(const struct expr_type *t, bool user)
{
	return (uint8_t)((t->kind == ET_INT && t->sign ? XVM_F_SIGNED : 0) |
			 (user ? XVM_F_USER : 0));
}

static int lower(const struct expr_set *s, int i, const struct expr_env *env,
		 struct expr_prog *p, struct expr_err *e);

/* A loaded value (member, dereference) of type t at the address on the stack plus off. */
static int load(struct expr_prog *p, int pos, const struct expr_type *t, bool user, int64_t off,
		struct expr_err *e)
{
	if (t->kind == ET_STRUCT || t->kind == ET_CHARS)
		return off ? emit(p, pos, XVM_IMM, 0, 0, 0, off, e) ?:
			     emit(p, pos, XVM_ADD, 0, 0, 0, 0, e) : 0;
	return emit(p, pos, XVM_LOAD, (uint8_t)t->size, load_flags(t, user), 0, off, e);
}

static uint8_t binop(const struct expr_node *n, bool sign)
{
	switch (n->op) {
	case '+': return XVM_ADD;
	case '-': return XVM_SUB;
	case '*': return XVM_MUL;
	case '/': return sign ? XVM_SDIV : XVM_DIV;
	case '%': return sign ? XVM_SMOD : XVM_MOD;
	case '&': return XVM_AND;
	case '|': return XVM_OR;
	case '^': return XVM_XOR;
	case LEX_SHL: return XVM_SHL;
	case LEX_SHR: return sign ? XVM_SAR : XVM_SHR;
	case LEX_EQ: return XVM_EQ;
	case LEX_NE: return XVM_NE;
	case '<': return sign ? XVM_SLT : XVM_LT;
	case '>': return sign ? XVM_SGT : XVM_GT;
	case LEX_LE: return sign ? XVM_SLE : XVM_LE;
	case LEX_GE: return sign ? XVM_SGE : XVM_GE;
	}
	return XVM_END;
}

static int lower(const struct expr_set *s, int i, const struct expr_env *env,
		 struct expr_prog *p, struct expr_err *e)
{
	const struct expr_node *n = &s->node[i];
	const struct expr_type *ta = n->a >= 0 ? &s->node[n->a].type : NULL;
	int err, jump;
	bool cmp;

	switch (n->kind) {
	case EN_NUM:
		return emit(p, n->pos, XVM_IMM, 0, 0, 0, (int64_t)n->num, e);
	case EN_NAME:
		if ((err = emit(p, n->pos, XVM_ARG, 0, 0, (uint8_t)n->num, 0, e)))
			return err;
		if (n->type.kind == ET_INT && n->type.size < 8)
			return emit(p, n->pos, XVM_EXT, (uint8_t)n->type.size,
				    n->type.sign ? XVM_F_SIGNED : 0, 0, 0, e);
		return 0;
	case EN_VAR: {
		static const struct { const char *n; uint8_t code; } vars[] = {
			{ "PID", XVM_TGID },
			{ "pid", XVM_PID }, { "tgid", XVM_TGID }, { "uid", XVM_UID },
			{ "gid", XVM_GID }, { "cpu", XVM_CPU }, { "task", XVM_TASK },
		};

		if (!strcmp(n->name, "retval"))
			return emit(p, n->pos, XVM_ARG, 0, 0, XVM_ARGS - 1, 0, e);
		if (!strcmp(n->name, "latency"))
			return emit(p, n->pos, XVM_LATENCY, 0, 0, 0, 0, e);
		if (!strcmp(n->name, "entry"))
			return emit(p, n->pos, XVM_ENTRY, 0, 0, (uint8_t)n->num, 0, e) ?:
			       (n->type.kind == ET_INT && n->type.size < 8 ?
				emit(p, n->pos, XVM_EXT, (uint8_t)n->type.size,
				     n->type.sign ? XVM_F_SIGNED : 0, 0, 0, e) : 0);
		if (!strcmp(n->name, "COMM"))
			return expr_fail(e, n->pos, "'$COMM' works only as a whole expression");
		for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++)
			if (!strcmp(vars[k].n, n->name))
				return emit(p, n->pos, vars[k].code, 0, 0, 0, 0, e);
		return expr_fail(e, n->pos, "unknown variable");
	}
	case EN_MEMBER:
		if (s->node[n->a].kind == EN_NAME && !strcmp(s->node[n->a].name, "args") &&
		    env->mech == XVM_MECH_TP) {
			if (n->type.kind == ET_CHARS)
				return emit(p, n->pos, XVM_DATALOC, (uint8_t)(n->type.size ? 1 : 0), 0, 0,
					    (int64_t)n->num, e);
			return emit(p, n->pos, XVM_CTX, (uint8_t)n->type.size,
				    n->type.kind == ET_INT && n->type.sign ? XVM_F_SIGNED : 0,
				    0, (int64_t)n->num, e);
		}
		if ((err = lower(s, n->a, env, p, e)))
			return err;
		return load(p, n->pos, &n->type, ta->user, (int64_t)n->num, e);
	case EN_USER:
		return lower(s, n->a, env, p, e);
	case EN_UNARY:
		if ((err = lower(s, n->a, env, p, e)))
			return err;
		switch (n->op) {
		case '*':
			return load(p, n->pos, &n->type, ta->user, 0, e);
		case '-':
			return emit(p, n->pos, XVM_NEG, 0, 0, 0, 0, e);
		case '~':
			return emit(p, n->pos, XVM_BNOT, 0, 0, 0, 0, e);
		default:
			return emit(p, n->pos, XVM_LNOT, 0, 0, 0, 0, e);
		}
	case EN_BINARY:
		if ((err = lower(s, n->a, env, p, e)))
			return err;
		if (n->op == LEX_ANDAND || n->op == LEX_OROR) {
			jump = p->nops;
			if ((err = emit(p, n->pos, n->op == LEX_ANDAND ? XVM_JZ : XVM_JNZ, 0, 0, 0,
					0, e)) || (err = lower(s, n->b, env, p, e)))
				return err;
			p->op[jump].imm = p->nops;
			return emit(p, n->pos, XVM_BOOL, 0, 0, 0, 0, e);
		}
		cmp = n->op == LEX_EQ || n->op == LEX_NE || n->op == '<' || n->op == '>' ||
		      n->op == LEX_LE || n->op == LEX_GE;
		if ((err = lower(s, n->b, env, p, e)) ||
		    (err = emit(p, n->pos, binop(n, cmp ? n->num : n->type.sign), 0, 0, 0, 0, e)))
			return err;
		/* C's arithmetic wraps at the operands' width */
		if (!cmp && n->type.size < 8)
			return emit(p, n->pos, XVM_EXT, (uint8_t)n->type.size,
				    n->type.sign ? XVM_F_SIGNED : 0, 0, 0, e);
		return 0;
	case EN_CAST:
		if ((err = lower(s, n->a, env, p, e)))
			return err;
		if (n->type.kind == ET_INT && n->type.size < 8)
			return emit(p, n->pos, XVM_EXT, (uint8_t)n->type.size,
				    n->type.sign ? XVM_F_SIGNED : 0, 0, 0, e);
		return 0;
	case EN_STRCMP:
		if ((err = lower(s, n->a, env, p, e)))
			return err;
		return emit(p, n->pos, XVM_STRCMP, 0,
			    ta->user && ta->kind != ET_CHARS ? XVM_F_USER : 0,
			    (uint8_t)n->lit, 0, e);
	case EN_STR:
		break;
	}
	return expr_fail(e, n->pos, "unsupported construct");
}

/* The comparison code with its operands swapped (a < b is b > a). */
static uint8_t cmp_swapped(uint8_t code)
{
	switch (code) {
	case XVM_LT: return XVM_GT;
	case XVM_GT: return XVM_LT;
	case XVM_LE: return XVM_GE;
	case XVM_GE: return XVM_LE;
	case XVM_SLT: return XVM_SGT;
	case XVM_SGT: return XVM_SLT;
	case XVM_SLE: return XVM_SGE;
	case XVM_SGE: return XVM_SLE;
	}
	return code;
}

/* Whether node i is a constant (a number, or minus one), and its value. */
static bool constant(const struct expr_set *s, int i, int64_t *v)
{
	const struct expr_node *n = &s->node[i];

	if (n->kind == EN_UNARY && n->op == '-' && s->node[n->a].kind == EN_NUM) {
		*v = (int64_t)-s->node[n->a].num;
		return true;
	}
	*v = (int64_t)n->num;
	return n->kind == EN_NUM;
}

/*
 * Filter code for typed node i: a && b filters on a, then on b (the same events pass, in the
 * same order of evaluation); a comparison with a constant is one fused op (DESIGN §6), a
 * tracepoint field's with no stack at all.
 */
static int lower_filter(const struct expr_set *s, int i, const struct expr_env *env,
			struct expr_prog *p, struct expr_err *e, int depth)
{
	const struct expr_node *n = &s->node[i];
	int side, start, err;
	int64_t k;
	uint8_t code;

	if (depth > EXPR_NODES_MAX)
		return expr_fail(e, n->pos, "expression nested too deeply");
	if (n->kind == EN_BINARY && n->op == LEX_ANDAND)
		return lower_filter(s, n->a, env, p, e, depth + 1) ?:
		       lower_filter(s, n->b, env, p, e, depth + 1);
	if (n->kind != EN_BINARY || !(n->op == LEX_EQ || n->op == LEX_NE || n->op == '<' ||
				      n->op == '>' || n->op == LEX_LE || n->op == LEX_GE) ||
	    (!constant(s, n->b, &k) && !constant(s, n->a, &k)))
		return lower(s, i, env, p, e) ?: emit(p, n->pos, XVM_FILTER, 0, 0, 0, 0, e);
	code = binop(n, n->num);
	side = n->a;
	if (!constant(s, n->b, &k)) {
		side = n->b;
		code = cmp_swapped(code);
		constant(s, n->a, &k);
	}
	start = p->nops;
	if ((err = lower(s, side, env, p, e)))
		return err;
	if (p->nops == start + 1 && p->op[start].code == XVM_CTX) {
		struct xvm_op *op = &p->op[start];

		op->code = XVM_FCTX;
		op->off = (uint32_t)op->imm;
		op->arg = code;
		op->imm = k;
		p->src_pos[start] = n->pos;
		return 0;
	}
	return emit(p, n->pos, XVM_FCMP, 0, 0, code, k, e);
}

int expr_lower_filter(const struct expr_set *s, int root, const struct expr_env *env,
		      struct expr_prog *p, struct expr_err *e)
{
	return lower_filter(s, root, env, p, e, 0);
}

int expr_lower_value(const struct expr_set *s, int root, const struct expr_env *env, int slot,
		     bool as_string, struct expr_prog *p, struct expr_err *e)
{
	const struct expr_type *t = &s->node[root].type;

	int start = p->nops, err;

	if (s->node[root].kind == EN_VAR && !strcmp(s->node[root].name, "COMM"))
		return emit(p, s->node[root].pos, XVM_OUTCOMM, 0, 0, (uint8_t)slot, 0, e);
	if ((err = lower(s, root, env, p, e)))
		return err;
	/* a tracepoint field as it is: one fused op */
	if (!as_string && p->nops == start + 1 && p->op[start].code == XVM_CTX) {
		p->op[start].code = XVM_OUTCTX;
		p->op[start].arg = (uint8_t)slot;
		return 0;
	}
	return
	       emit(p, s->node[root].pos, as_string ? XVM_OUTSTR : XVM_OUT, 0,
		    as_string && t->user && t->kind != ET_CHARS ? XVM_F_USER : 0, (uint8_t)slot,
		    0, e);
}

int expr_lower_end(struct expr_prog *p, struct expr_err *e)
{
	return emit(p, 0, XVM_END, 0, 0, 0, 0, e);
}

void expr_op_describe(const struct xvm_op *op, char *buf, int size)
{
	static const char *const names[XVM__COUNT] = {
		[XVM_END] = "end", [XVM_IMM] = "imm", [XVM_ARG] = "arg", [XVM_CTX] = "ctx",
		[XVM_DATALOC] = "dataloc", [XVM_PID] = "pid", [XVM_TGID] = "tgid",
		[XVM_UID] = "uid", [XVM_GID] = "gid", [XVM_CPU] = "cpu", [XVM_TASK] = "task", [XVM_LATENCY] = "latency", [XVM_ENTRY] = "entry",
		[XVM_LOAD] = "load", [XVM_STRCMP] = "strcmp", [XVM_EXT] = "ext",
		[XVM_JZ] = "jz", [XVM_JNZ] = "jnz", [XVM_FILTER] = "filter", [XVM_OUT] = "out",
		[XVM_OUTSTR] = "outstr", [XVM_OUTCOMM] = "outcomm", [XVM_LNOT] = "lnot", [XVM_NEG] = "neg",
		[XVM_BNOT] = "bnot", [XVM_BOOL] = "bool", [XVM_ADD] = "add", [XVM_SUB] = "sub",
		[XVM_MUL] = "mul", [XVM_DIV] = "div", [XVM_SDIV] = "sdiv", [XVM_MOD] = "mod",
		[XVM_SMOD] = "smod", [XVM_AND] = "and", [XVM_OR] = "or", [XVM_XOR] = "xor",
		[XVM_SHL] = "shl", [XVM_SHR] = "shr", [XVM_SAR] = "sar", [XVM_EQ] = "eq",
		[XVM_NE] = "ne", [XVM_LT] = "lt", [XVM_LE] = "le", [XVM_GT] = "gt",
		[XVM_GE] = "ge", [XVM_SLT] = "slt", [XVM_SLE] = "sle", [XVM_SGT] = "sgt",
		[XVM_SGE] = "sge", [XVM_FCMP] = "fcmp", [XVM_FCTX] = "fctx",
		[XVM_OUTCTX] = "outctx",
	};
	static const char *const cmps[] = {
		[XVM_EQ - XVM_EQ] = "==", [XVM_NE - XVM_EQ] = "!=", [XVM_LT - XVM_EQ] = "<",
		[XVM_LE - XVM_EQ] = "<=", [XVM_GT - XVM_EQ] = ">", [XVM_GE - XVM_EQ] = ">=",
		[XVM_SLT - XVM_EQ] = "<s", [XVM_SLE - XVM_EQ] = "<=s", [XVM_SGT - XVM_EQ] = ">s",
		[XVM_SGE - XVM_EQ] = ">=s",
	};
	const char *cmp = op->arg >= XVM_EQ && op->arg <= XVM_SGE ? cmps[op->arg - XVM_EQ] : "?";
	const char *nm = op->code < XVM__COUNT && names[op->code] ? names[op->code] : "?";
	const char *fl = op->flags & XVM_F_USER ? (op->flags & XVM_F_SIGNED ? " s user" : " user")
			 : op->flags & XVM_F_SIGNED ? " s" : "";

	switch (op->code) {
	case XVM_IMM:
		snprintf(buf, size, "%-7s %lld", nm, (long long)op->imm);
		break;
	case XVM_ARG:
	case XVM_ENTRY:
		snprintf(buf, size, "%-7s %u", nm, op->arg);
		break;
	case XVM_CTX:
	case XVM_LOAD:
		snprintf(buf, size, "%-7s +%lld u%u%s", nm, (long long)op->imm, op->size, fl);
		break;
	case XVM_FCMP:
		snprintf(buf, size, "%-7s %s %lld", nm, cmp, (long long)op->imm);
		break;
	case XVM_FCTX:
		snprintf(buf, size, "%-7s +%u u%u%s %s %lld", nm, op->off, op->size, fl, cmp,
			 (long long)op->imm);
		break;
	case XVM_OUTCTX:
		snprintf(buf, size, "%-7s +%lld u%u%s val%u", nm, (long long)op->imm, op->size, fl,
			 op->arg);
		break;
	case XVM_DATALOC:
		snprintf(buf, size, "%-7s +%lld%s", nm, (long long)op->imm,
			 op->size ? " inline" : "");
		break;
	case XVM_EXT:
		snprintf(buf, size, "%-7s u%u%s", nm, op->size, fl);
		break;
	case XVM_JZ:
	case XVM_JNZ:
		snprintf(buf, size, "%-7s ->%lld", nm, (long long)op->imm);
		break;
	case XVM_STRCMP:
		snprintf(buf, size, "%-7s lit%u%s", nm, op->arg, fl);
		break;
	case XVM_OUT:
	case XVM_OUTSTR:
	case XVM_OUTCOMM:
		snprintf(buf, size, "%-7s val%u%s", nm, op->arg, fl);
		break;
	default:
		snprintf(buf, size, "%s", nm);
	}
}
