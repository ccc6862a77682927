// SPDX-License-Identifier: GPL-2.0
/* Finds where a tracepoint passes a given struct, reading the btf_trace_<tp> typedef. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

#include "opts.h"
#include "tp_args.h"

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

int tp_arg_index(const char *tp, const char *struct_name)
{
	static struct btf *btf;
	const struct btf_type *t;
	const struct btf_param *p;
	char name[128];
	int id;

	if (!btf && !(btf = opt_btf ? btf__parse(opt_btf, NULL) : btf__load_vmlinux_btf()))
		return -ENODATA;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ENOENT;
	/* typedef void (*btf_trace_TP)(void *__data, ARGS...) */
	t = skip_mods(btf, id);
	if (!t || !btf_is_ptr(t) || !(t = skip_mods(btf, t->type)) || !btf_is_func_proto(t))
		return -ENOENT;
	p = btf_params(t);
	for (int i = 1; i < btf_vlen(t); i++) {
		const struct btf_type *a = skip_mods(btf, p[i].type);

		if (!a || !btf_is_ptr(a) || !(a = skip_mods(btf, a->type)) || !btf_is_struct(a))
			continue;
		if (!strcmp(btf__name_by_offset(btf, a->name_off), struct_name))
			return i - 1;
	}
	return -ENOENT;
}
