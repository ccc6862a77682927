// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: trace's probe grammar, then its signature, filter and values through the
 * expression parser, typer and lowering (register and tracepoint environments), as trace
 * runs them on a user's argument. Errors must carry a position inside the text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "argdist_spec.h"
#include "expr.h"
#include "trace_probe.h"

static const struct expr_field fields[] = {
	{ "pid", "int", 8, 4, true, false },
	{ "filename", "__data_loc char[]", 12, 4, false, true },
	{ "comm", "char[16]", 16, 16, false, false },
	{ "ptr", "const char *", 32, 8, false, false },
};

static void check_err(const struct expr_err *e, size_t len)
{
	if (e->pos < 0 || (size_t)e->pos > len || !e->msg[0])
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_probe p;
	static struct expr_set x;
	static struct expr_prog prog;
	struct expr_param params[EXPR_PARAMS_MAX];
	struct expr_env env = { .params = params };
	struct expr_err e;
	char *text;
	int root;

	if (size < 1 || size > TRACE_PROBE_MAX + 16)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	/* first byte: environment and -B; the rest: the probe */
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	env.mech = data[0] & 1 ? XVM_MECH_TP : XVM_MECH_REGS;
	env.ret = data[0] & 2;
	env.bin_cmp = data[0] & 4;
	env.fields = fields;
	env.nfields = 4;
	memset(&x, 0, sizeof(x));
	memset(&prog, 0, sizeof(prog));
	if (data[0] & 8) {
		/* argdist's specifier grammar and its expressions */
		static struct argdist_spec as;

		env.argdist = true;
		if (argdist_spec__parse(text, data[0] & 16, &as, &e)) {
			check_err(&e, size);
			goto out;
		}
		for (int i = 0; i < as.nvals; i++) {
			root = expr_parse(&x, text + as.val[i], as.val_len[i], as.val[i], false, &e);
			if (root < 0 || expr_type(&x, root, &env, &e) ||
			    expr_lower_value(&x, root, &env, i, false, &prog, &e)) {
				check_err(&e, size);
				goto out;
			}
		}
		goto out;
	}
	if (trace_probe__parse(text, &p, &e)) {
		check_err(&e, size);
		goto out;
	}
	if (p.sig >= 0 && expr_parse_signature(text + p.sig, p.sig_len, p.sig, params,
					       &env.nparams, &e)) {
		check_err(&e, size);
		goto out;
	}
	if (p.pred >= 0) {
		root = expr_parse(&x, text + p.pred, p.pred_len, p.pred, env.bin_cmp, &e);
		if (root < 0 || expr_type(&x, root, &env, &e) ||
		    expr_lower_filter(&x, root, &env, &prog, &e)) {
			check_err(&e, size);
			goto out;
		}
	}
	for (int i = 0; i < p.nvals; i++) {
		root = expr_parse(&x, text + p.val[i], p.val_len[i], p.val[i], env.bin_cmp, &e);
		if (root < 0 || expr_type(&x, root, &env, &e) ||
		    trace_probe__check_value(&p, i, &x.node[root].type, p.val[i], &e) ||
		    expr_lower_value(&x, root, &env, i, p.conv[i].conv == 's', &prog, &e)) {
			check_err(&e, size);
			goto out;
		}
	}
	if (!expr_lower_end(&prog, &e)) {
		/* jumps stay inside the program */
		for (int i = 0; i < prog.nops; i++)
			if ((prog.op[i].code == XVM_JZ || prog.op[i].code == XVM_JNZ) &&
			    (prog.op[i].imm < 0 || prog.op[i].imm >= prog.nops))
				abort();
	}
out:
	free(text);
	return 0;
}
