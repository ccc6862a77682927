// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for trace's expression front end (lexer, parser, typer, format checks) and its
 * bytecode, run here by a host interpreter built on bpf/exprvm.h's op semantics, with memory
 * reads served from host memory, as the kernel's interpreter serves them from probe_read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "expr.h"
#include "expr_probe.h"
#include "strescape.h"
#include "tp_format.h"
#include "trace_probe.h"

/* The host's interpreter: the kernel's control flow, host memory for reads. */
struct host {
	uint64_t args[XVM_ARGS];
	const void *ctx;
	const struct expr_set *x;
	uint64_t val[XVM_VALS];
	char str[XVM_VALS][XVM_STR_MAX];
};

static uint64_t rd(const void *addr, unsigned int size)
{
	uint64_t v = 0;

	memcpy(&v, addr, size > 8 ? 8 : size);
	return v;
}

/* 1: emitted, 0: dropped, -1: bad program */
static int run(const struct expr_prog *p, struct host *h)
{
	uint64_t st[XVM_STACK], a = 0, b;
	unsigned int sp = 0, pc = 0;

	for (int steps = 0; steps < XVM_PROBE_OPS && pc < (unsigned int)p->nops; steps++) {
		const struct xvm_op *op = &p->op[pc++];

		if (op->code == XVM_LOAD || op->code == XVM_STRCMP || op->code == XVM_EXT ||
		    op->code == XVM_FILTER || op->code == XVM_FCMP || op->code == XVM_OUT ||
		    op->code == XVM_OUTSTR || op->code >= XVM_LNOT) {
			if (!sp)
				return -1;
			a = st[--sp];
		}
		if (op->code >= XVM_ADD) {
			if (!sp)
				return -1;
			b = a;
			a = xvm_binop(op->code, st[--sp], b);
		} else if (op->code >= XVM_LNOT) {
			a = xvm_unop(op->code, a);
		} else {
			switch (op->code) {
			case XVM_END:
				return 1;
			case XVM_IMM: a = (uint64_t)op->imm; break;
			case XVM_ARG: a = h->args[op->arg]; break;
			case XVM_CTX:
				a = xvm_ext(rd((const char *)h->ctx + op->imm, op->size), op->size,
					    op->flags);
				break;
			case XVM_DATALOC:
				a = (uint64_t)(uintptr_t)h->ctx + (op->size ? (uint64_t)op->imm :
					(rd((const char *)h->ctx + op->imm, 4) & 0xffff));
				break;
			case XVM_PID: a = 11; break;
			case XVM_TGID: a = 10; break;
			case XVM_LOAD:
				a = xvm_ext(rd((const void *)(uintptr_t)(a + (uint64_t)op->imm),
					       op->size), op->size, op->flags);
				break;
			case XVM_EXT: a = xvm_ext(a, op->size, op->flags); break;
			case XVM_STRCMP: {
				const struct xvm_lit *l = &h->x->lit[op->arg];

				a = !strncmp((const char *)(uintptr_t)a, l->s, l->len) ||
				    !l->len;
				break;
			}
			case XVM_JZ:
			case XVM_JNZ:
				if ((op->code == XVM_JZ) == !st[sp - 1])
					pc = (unsigned int)op->imm;
				else
					sp--;
				continue;
			case XVM_FILTER:
				if (!a)
					return 0;
				continue;
			case XVM_FCMP:
				if (!xvm_cmp(op->arg, a, (uint64_t)op->imm))
					return 0;
				continue;
			case XVM_FCTX:
				a = xvm_ext(rd((const char *)h->ctx + op->off, op->size), op->size,
					    op->flags);
				if (!xvm_cmp(op->arg, a, (uint64_t)op->imm))
					return 0;
				continue;
			case XVM_OUTCTX:
				h->val[op->arg] = xvm_ext(rd((const char *)h->ctx + op->imm, op->size),
							  op->size, op->flags);
				continue;
			case XVM_OUT:
				h->val[op->arg] = a;
				continue;
			case XVM_OUTSTR:
				snprintf(h->str[op->arg], XVM_STR_MAX, "%s",
					 (const char *)(uintptr_t)a);
				continue;
			default:
				return -1;
			}
		}
		if (sp >= XVM_STACK)
			return -1;
		st[sp++] = a;
	}
	return -1;
}

static struct expr_set xs;
static struct expr_err e;

static const struct expr_env regs_env = { .mech = XVM_MECH_REGS, .ret = true };

/* Evaluates text as a value (slot 0) in env with host h; returns the value. */
static uint64_t value_in(const char *text, const struct expr_env *env, struct host *h)
{
	struct expr_prog p = { 0 };
	int root;

	memset(&xs, 0, sizeof(xs));
	root = expr_parse(&xs, text, (int)strlen(text), 0, false, &e);
	if (root < 0)
		fail_msg("'%s': parse: %s at %d", text, e.msg, e.pos);
	if (expr_type(&xs, root, env, &e) || expr_lower_value(&xs, root, env, 0, false, &p, &e) ||
	    expr_lower_end(&p, &e))
		fail_msg("'%s': %s at %d", text, e.msg, e.pos);
	h->x = &xs;
	assert_int_equal(run(&p, h), 1);
	return h->val[0];
}

static uint64_t value(const char *text, uint64_t a1, uint64_t a2)
{
	struct host h = { .args = { a1, a2 } };

	return value_in(text, &regs_env, &h);
}

/* Parses, types and lowers as a filter; true when the event passes. */
static bool passes(const char *text, const struct expr_env *env, struct host *h)
{
	struct expr_prog p = { 0 };
	int root;

	memset(&xs, 0, sizeof(xs));
	root = expr_parse(&xs, text, (int)strlen(text), 0, false, &e);
	if (root < 0 || expr_type(&xs, root, env, &e) ||
	    expr_lower_filter(&xs, root, env, &p, &e) || expr_lower_end(&p, &e))
		fail_msg("'%s': %s at %d", text, e.msg, e.pos);
	h->x = &xs;
	return run(&p, h) == 1;
}

/* The text must fail (parse or type) at pos with msg_part in the message. */
static void bad_in(const char *text, const struct expr_env *env, int pos, const char *msg_part)
{
	int root;

	memset(&xs, 0, sizeof(xs));
	root = expr_parse(&xs, text, (int)strlen(text), 0, false, &e);
	if (root >= 0 && !expr_type(&xs, root, env, &e))
		fail_msg("'%s' was accepted", text);
	if (e.pos != pos || !strstr(e.msg, msg_part))
		fail_msg("'%s': got '%s' at %d, want '%s' at %d", text, e.msg, e.pos, msg_part,
			 pos);
}

static void test_arith(void **state)
{
	assert_int_equal(value("(arg1 + 3) * 2 - arg2 / 3", 4, 9), 11);
	assert_int_equal(value("1 << 4 | 3 & 1 ^ 2", 0, 0), 16 | ((3 & 1) ^ 2));
	assert_int_equal((int64_t)value("-7 / 2", 0, 0), -3);
	assert_int_equal((int64_t)value("-7 % 3", 0, 0), -1);
	assert_int_equal((int64_t)value("(long)arg1 / 2", (uint64_t)-9, 0), -4);
	/* argN are u64: unsigned division unless cast */
	assert_int_equal(value("arg1 / 2", (uint64_t)-2, 0), UINT64_MAX / 2);
	assert_int_equal(value("~arg1", 0, 0), UINT64_MAX);
	assert_int_equal(value("!arg1 + !arg2", 5, 0), 1);
	assert_int_equal(value("'A' + 1", 0, 0), 'B');
	assert_int_equal(value("0x10 + 010", 0, 0), 24);
	assert_int_equal(value("5 / arg1", 0, 0), 0);	/* division by zero: 0, as BPF */
}

static void test_compare(void **state)
{
	/* sign tests need a cast, as in BCC */
	assert_int_equal(value("(int)arg1 < 0", 0xffffffffu, 0), 1);
	assert_int_equal(value("arg1 < 0", 0xffffffffu, 0), 0);
	assert_int_equal(value("arg1 > 5", (uint64_t)-1, 0), 1);
	assert_int_equal(value("(long)arg1 > 5", (uint64_t)-1, 0), 0);
	assert_int_equal(value("(unsigned char)arg1", 0x1ff, 0), 0xff);
	assert_int_equal((int64_t)value("(short)arg1", 0xffff, 0), -1);
	assert_int_equal(value("arg1 == 3 && arg2 != 4", 3, 5), 1);
	assert_int_equal(value("arg1 == 3 && arg2 != 4", 3, 4), 0);
	assert_int_equal(value("arg1 == 1 || arg2 == 1", 0, 1), 1);
	assert_int_equal(value("arg1 || arg2", 0, 0), 0);
	assert_int_equal(value("arg1 && 7", 9, 0), 1);
	assert_int_equal(value("arg1 >= 2 && arg1 <= 4 && !(arg1 == 3)", 4, 0), 1);
	assert_int_equal(value("retval", 0, 0), 0);
	assert_int_equal(value("$tgid * 100 + $pid", 0, 0), 1011);
}

struct rec {
	uint16_t common_type;
	uint8_t flags, pc;
	int32_t common_pid;
	int32_t num;		/* 8 */
	uint32_t name_loc;	/* 12: __data_loc char[] name */
	char comm[16];		/* 16 */
	int64_t neg;		/* 32 */
	char data[32];		/* 40 */
};

static const struct expr_field rec_fields[] = {
	{ "common_pid", "int", 4, 4, true, false },
	{ "num", "int", 8, 4, true, false },
	{ "name", "__data_loc char[]", 12, 4, false, true },
	{ "comm", "char[16]", 16, 16, false, false },
	{ "neg", "long", 32, 8, true, false },
	{ "ptr", "const char *", 32, 8, false, false },
};

static void test_tracepoint(void **state)
{
	struct expr_env env = { .mech = XVM_MECH_TP, .fields = rec_fields, .nfields = 6 };
	struct rec r = { .num = -5, .name_loc = (8u << 16) | 40, .comm = "bash", .neg = -77 };
	struct host h = { .ctx = &r };

	strcpy(r.data, "filename");
	assert_int_equal((int64_t)value_in("args->num", &env, &h), -5);
	assert_int_equal((int64_t)value_in("args->neg * 2", &env, &h), -154);
	assert_true(passes("args->num < 0 && STRCMP(\"file\", args->name)", &env, &h));
	assert_false(passes("STRCMP(\"filex\", args->name)", &env, &h));
	/* prefix compare: the literal's NUL is not compared */
	assert_true(passes("STRCMP(\"ba\", args->comm)", &env, &h));
	assert_false(passes("STRCMP(\"bashful\", args->comm)", &env, &h));
	assert_true(passes("STRCMP(\"\", args->comm)", &env, &h));
	bad_in("args->nope", &env, 6, "tracepoint has no field 'nope' (it has: common_pid");
	bad_in("args->name + 1", &env, 11, "type mismatch: '+' needs numbers");
	bad_in("arg1", &env, 0, "'arg1' does not exist on tracepoints");
	bad_in("args", &env, 0, "'args' needs a field");
	bad_in("STRCMP(\"x\", args->num)", &env, 12, "STRCMP needs a string");
}

static void test_errors(void **state)
{
	static const struct expr_env nret = { .mech = XVM_MECH_REGS };

	bad_in("arg1 +", &regs_env, 6, "expression expected, found end");
	bad_in("(arg1", &regs_env, 5, "expected ')'");
	bad_in("arg1 ? 1 : 2", &regs_env, 5, "conditional operator");
	bad_in("&arg1", &regs_env, 0, "taking an address");
	bad_in("arg1[2]", &regs_env, 4, "indexing");
	bad_in("foo(1)", &regs_env, 0, "function call 'foo()'");
	bad_in("arg1 = 2", &regs_env, 5, "assignment");
	bad_in("\"str\"", &regs_env, 0, "only allowed in STRCMP");
	bad_in("arg7", &regs_env, 0, "unknown name 'arg7'");
	bad_in("GFP_KERNEL | 1", &regs_env, 0, "looks like a C macro");
	bad_in("$latency", &regs_env, 0, "unknown variable '$latency'");
	bad_in("retval", &nret, 0, "needs a return probe");
	bad_in("arg1->x", &regs_env, 4, "needs a pointer to a struct");
	bad_in("(struct no_such_struct_xyz *)arg1", &regs_env, 1, "not in the kernel's BTF");
	bad_in("(floaty)arg1", &regs_env, 1, "unknown type 'floaty' in cast");
	assert_int_equal(value("(arg1) - (arg2)", 5, 3), 2);
	bad_in("1 + 0x", &regs_env, 4, "hex number without digits");
	bad_in("12ab", &regs_env, 2, "bad digit");
	bad_in("arg1 # 2", &regs_env, 5, "unexpected character '#'");
	bad_in("99999999999999999999", &regs_env, 0, "too large");
	{
		char deep[400];

		memset(deep, '(', 200);
		strcpy(deep + 200, "1");
		bad_in(deep, &regs_env, 32, "nested too deeply");
	}
}

static void test_signature(void **state)
{
	struct expr_param p[EXPR_PARAMS_MAX];
	int n;

	assert_int_equal(expr_parse_signature("struct file *file, char* buf, size_t count",
					      42, 10, p, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(p[0].name, "file");
	assert_string_equal(p[0].type, "struct file *");
	assert_string_equal(p[1].name, "buf");
	assert_string_equal(p[1].type, "char *");
	assert_string_equal(p[2].type, "size_t");
	assert_int_equal(p[2].pos, 10 + 37);
	assert_int_equal(expr_parse_signature("void", 4, 0, p, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(expr_parse_signature("int", 3, 0, p, &n, &e), -EINVAL);
	assert_int_equal(expr_parse_signature("int a, int b, int c, int d, int e, int f, int g",
					      48, 0, p, &n, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "at most 6"));
}

static void test_params(void **state)
{
	struct expr_param p[EXPR_PARAMS_MAX];
	struct expr_env env = { .mech = XVM_MECH_REGS, .params = p };
	struct host h = { .args = { (uint64_t)-3, 0x1ff } };

	assert_int_equal(expr_parse_signature("int fd, unsigned char c", 23, 0, p,
					      &env.nparams, &e), 0);
	/* a parameter takes its declared type: int is signed and 32 bits */
	assert_int_equal(value_in("fd < 0", &env, &h), 1);
	assert_int_equal(value_in("c", &env, &h), 0xff);
}

static void test_probe_grammar(void **state)
{
	struct trace_probe p;

	assert_int_equal(trace_probe__parse("do_sys_open", &p, &e), 0);
	assert_int_equal(p.type, 'p');
	assert_string_equal(p.fn, "do_sys_open");
	assert_string_equal(p.lib, "");
	assert_int_equal(trace_probe__parse("r:c:malloc (retval == 0) \"failed\"", &p, &e), 0);
	assert_int_equal(p.type, 'r');
	assert_string_equal(p.lib, "c");
	assert_int_equal(p.pred, 12);
	assert_int_equal(p.pred_len, 11);
	assert_int_equal(trace_probe__parse("p::SyS_nanosleep(struct timespec *ts) \"%lld\", "
					    "ts->tv_nsec", &p, &e), 0);
	assert_int_equal(p.sig, 17);
	assert_int_equal(p.nconv, 1);
	assert_int_equal(p.conv[0].size, 8);
	assert_int_equal(trace_probe__parse("t:block:block_rq_complete \"sectors=%d\", "
					    "args->nr_sector", &p, &e), 0);
	assert_string_equal(p.fn, "block:block_rq_complete");
	assert_int_equal(trace_probe__parse("u:pthread:libpthread:pthread_create (arg4 != 0)",
					    &p, &e), 0);
	assert_string_equal(p.provider, "libpthread");
	assert_string_equal(p.fn, "pthread_create");
	assert_int_equal(trace_probe__parse("/usr/bin/x:main+0x10", &p, &e), 0);
	assert_int_equal(p.offset, 16);
	assert_string_equal(p.lib, "/usr/bin/x");
	/* libraries with ':' in them: every part between the first and last */
	assert_int_equal(trace_probe__parse("p:/a:b:fn", &p, &e), 0);
	assert_string_equal(p.lib, "/a:b");
	/* rendering: %% and the values in order */
	assert_int_equal(trace_probe__parse("f \"%d%% of %s\", arg1, arg2", &p, &e), 0);
	{
		const char *v[2] = { "50", "x" };
		char buf[64];

		trace_probe__render(&p, v, buf, sizeof(buf));
		assert_string_equal(buf, "50% of x");
	}
	assert_int_equal(trace_probe__parse("f \"%d %d\", arg1", &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "2 conversions but 1 value"));
	assert_int_equal(trace_probe__parse("f \"%5d\", arg1", &p, &e), -EINVAL);
	assert_int_equal(e.pos, 3);
	assert_int_equal(trace_probe__parse("f \"%f\", arg1", &p, &e), -EINVAL);
	assert_int_equal(trace_probe__parse("z:c:f", &p, &e), -EINVAL);
	assert_int_equal(trace_probe__parse("f (arg1", &p, &e), -EINVAL);
	assert_int_equal(trace_probe__parse("f \"x", &p, &e), -EINVAL);
	assert_int_equal(trace_probe__parse("f junk", &p, &e), -EINVAL);
	/* BCC's guide: no comma after the format; empty values skipped */
	assert_int_equal(trace_probe__parse("down_write \"%llx\" arg1", &p, &e), 0);
	assert_int_equal(p.nvals, 1);
	assert_int_equal(p.val[0], 18);
	assert_int_equal(trace_probe__parse("f \"%d %d\", a,, b,", &p, &e), 0);
	assert_int_equal(p.nvals, 2);
	assert_int_equal(trace_probe__parse("vfs_*", &p, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "no wildcards"));
}

static void test_format_file(void **state)
{
	static const char text[] =
		"name: sched_process_exec\nID: 300\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
		"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
		"\tfield:char comm[16];\toffset:12;\tsize:16;\tsigned:0;\n"
		"\tfield:const char * name;\toffset:32;\tsize:8;\tsigned:0;\n"
		"\tfield:garbage\n"
		"\nprint fmt: \"filename=%s\", __get_str(filename)\n";
	struct expr_field f[TP_FIELDS_MAX];
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "r");
	int n = tp_format__parse(fp, f, TP_FIELDS_MAX);

	fclose(fp);
	assert_int_equal(n, 5);
	assert_string_equal(f[2].name, "filename");
	assert_true(f[2].data_loc);
	assert_int_equal(f[2].offset, 8);
	assert_string_equal(f[3].name, "comm");
	assert_string_equal(f[3].type, "char [16]");
	assert_int_equal(f[3].size, 16);
	assert_string_equal(f[4].name, "name");
	assert_string_equal(f[4].type, "const char * ");
	assert_true(f[1].sign);
}

static void test_describe(void **state)
{
	struct xvm_op op = { .code = XVM_LOAD, .size = 4, .flags = XVM_F_SIGNED | XVM_F_USER,
			     .imm = 24 };
	char buf[64];

	expr_op_describe(&op, buf, sizeof(buf));
	assert_string_equal(buf, "load    +24 u4 s user");
}

/* Lowers text as a filter in env into p. */
static void filter_prog(const char *text, const struct expr_env *env, struct expr_prog *p)
{
	int root;

	memset(p, 0, sizeof(*p));
	memset(&xs, 0, sizeof(xs));
	root = expr_parse(&xs, text, (int)strlen(text), 0, false, &e);
	if (root < 0 || expr_type(&xs, root, env, &e) || expr_lower_filter(&xs, root, env, p, &e))
		fail_msg("'%s': %s at %d", text, e.msg, e.pos);
}

/* Fused ops: a field compared with a constant is one op, either way round, each side of &&. */
static void test_fused(void **state)
{
	struct expr_env env = { .mech = XVM_MECH_TP, .fields = rec_fields, .nfields = 6 };
	struct rec r = { .num = -5, .neg = -77 };
	struct host h = { .ctx = &r };
	struct expr_prog p;
	char buf[64];
	int root;

	filter_prog("args->num < -4", &env, &p);
	assert_int_equal(p.nops, 1);
	expr_op_describe(&p.op[0], buf, sizeof(buf));
	assert_string_equal(buf, "fctx    +8 u4 s <s -4");
	filter_prog("-4 > args->num && args->neg != 3", &env, &p);
	assert_int_equal(p.nops, 2);
	expr_op_describe(&p.op[0], buf, sizeof(buf));
	assert_string_equal(buf, "fctx    +8 u4 s <s -4");
	filter_prog("args->num + 1 == -4", &env, &p);
	expr_op_describe(&p.op[p.nops - 1], buf, sizeof(buf));
	assert_string_equal(buf, "fcmp    == -4");
	/* the interpreter keeps these ops' code only (and END's, which every program has) */
	assert_true(expr_probe__ops(&p, 0) & 1ull << XVM_ADD);
	assert_true(expr_probe__ops(&p, 0) & 1ull << XVM_FCMP);
	assert_true(expr_probe__ops(&p, 0) & 1ull << XVM_END);
	assert_false(expr_probe__ops(&p, 0) & 1ull << XVM_STRCMP);
	filter_prog("args->num < -4", &env, &p);
	assert_int_equal(expr_probe__ops(&p, 1ull << XVM_OUT),
			 1ull << XVM_FCTX | 1ull << XVM_END | 1ull << XVM_OUT);
	assert_true(passes("args->num < -4", &env, &h));
	assert_false(passes("args->num < -5", &env, &h));
	assert_true(passes("-6 < args->num && args->neg <= -77", &env, &h));
	assert_false(passes("-6 < args->num && args->neg < -77", &env, &h));
	assert_false(passes("-5 < args->num", &env, &h));
	assert_true(passes("args->num + 1 == -4", &env, &h));
	assert_true(passes("(args->num == 1 || args->neg == -77) && 3 >= 3", &env, &h));
	assert_int_equal((int64_t)value_in("args->neg", &env, &h), -77);
	/* a field as a value: one op */
	memset(&p, 0, sizeof(p));
	memset(&xs, 0, sizeof(xs));
	root = expr_parse(&xs, "args->neg", 9, 0, false, &e);
	assert_true(root >= 0);
	assert_int_equal(expr_type(&xs, root, &env, &e), 0);
	assert_int_equal(expr_lower_value(&xs, root, &env, 2, false, &p, &e), 0);
	assert_int_equal(p.nops, 1);
	expr_op_describe(&p.op[0], buf, sizeof(buf));
	assert_string_equal(buf, "outctx  +32 u8 s val2");
}

static void test_escape(void **state)
{
	char buf[16];

	str_escape("a\nb\x1b[31m\x7f", 64, buf, sizeof(buf));
	assert_string_equal(buf, "a\\x0ab\\x1b[31m");
	str_escape("abcdef", 3, buf, sizeof(buf));
	assert_string_equal(buf, "abc");
	str_escape("\x01\x02\x03\x04", 64, buf, 12);	/* never a cut escape */
	assert_string_equal(buf, "\\x01\\x02");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_tracepoint),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_probe_grammar),
		cmocka_unit_test(test_format_file),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_fused),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
