// SPDX-License-Identifier: GPL-2.0
/* Probe kinds to expression environments and engine patterns (trace, argdist). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "expr_probe.h"
#include "probe_spec.h"
#include "verdict.h"

int expr_probe__env(char type, const char *lib, const char *fn, struct expr_env *env,
		    struct expr_field *fields)
{
	char cat[256], *ev;
	int n;

	switch (type) {
	case 't':
		snprintf(cat, sizeof(cat), "%s", fn);
		ev = strchr(cat, ':');
		if (!ev)
			return -EINVAL;
		*ev++ = '\0';
		env->mech = XVM_MECH_TP;
		/* syscall tracepoints' pointers are the caller's user memory */
		env->user = !strcmp(cat, "syscalls");
		n = tp_format__load(cat, ev, fields, TP_FIELDS_MAX);
		if (n < 0)
			return n;
		env->fields = fields;
		env->nfields = n;
		return 0;
	case 'u':
		env->mech = XVM_MECH_USDT;
		env->user = true;
		return 0;
	default:
		env->mech = XVM_MECH_REGS;
		env->user = lib[0] != '\0';
		env->ret = type == 'r';
		return 0;
	}
}

uint32_t expr_probe__tp_words(const struct expr_env *env, uint32_t words)
{
	int end = 0;

	if (env->mech != XVM_MECH_TP)
		return words;
	for (int i = 0; i < env->nfields; i++)
		if (env->fields[i].offset + env->fields[i].size > end)
			end = env->fields[i].offset + env->fields[i].size;
	return (uint32_t)end / 8 < words ? (uint32_t)end / 8 : words;
}

uint64_t expr_probe__ops(const struct expr_prog *p, uint64_t ops)
{
	for (int k = 0; k < p->nops; k++)
		ops |= 1ull << (p->op[k].code & 63);
	return ops | 1ull << XVM_END;
}

void expr_probe__pattern(char type, const char *lib, const char *fn, char *buf, size_t size)
{
	if (type == 't')
		snprintf(buf, size, "t:%s", fn);
	else if (type == 'u')
		snprintf(buf, size, "u:%s:%s", lib, fn);
	else
		snprintf(buf, size, "p:%s:%s", lib, fn);
}

bool expr_probe__syscall_wrapper(const char *name)
{
	const char *pre = probe_spec__syscall_prefix();
	size_t n = strlen(pre);

	return n && !strncmp(name, pre, n) && !strncmp(name + n, "sys_", 4);
}

void expr_probe__shell(struct xvm_probe *pr, const struct probe_set *set, size_t i)
{
	pr->syscall = set->kind == PROBE_KFUNC && expr_probe__syscall_wrapper(set->t[i].name);
}

int expr_probe__fill_code(int code_fd, uint32_t base, const struct expr_prog *p)
{
	for (int k = 0; k < p->nops; k++) {
		uint32_t key = base + (uint32_t)k;

		if (bpf_map_update_elem(code_fd, &key, &p->op[k], 0))
			return -errno;
	}
	return 0;
}

int expr_probe__fill_lits(int lits_fd, uint32_t id, const struct expr_set *x)
{
	for (int k = 0; k < x->nlits; k++) {
		uint32_t key = id * XVM_VALS + (uint32_t)k;

		if (bpf_map_update_elem(lits_fd, &key, &x->lit[k], 0))
			return -errno;
	}
	return 0;
}

bool expr_probe__bpf_loop(const char *applet, const char **why)
{
	const char *env = getenv("BPFBOX_XVM_LOOP");
	const char *w;
	bool loop;

	if (env && !strcmp(env, "bounded")) {
		loop = false;
		w = "the bounded loop (BPFBOX_XVM_LOOP=bounded)";
	} else {
		loop = verdict__pick(applet, "expressions", NULL) == 0;
		w = loop ? "bpf_loop" : "the bounded loop (no bpf_loop in this kernel)";
	}
	if (why)
		*why = w;
	return loop;
}
