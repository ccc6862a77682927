// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: BTF blobs through the validator; whatever it accepts must be safe for what
 * bpfbox then does with libbpf (parse, resolve every type through its typedefs and
 * modifiers, sizes, lookups by name), without crash or endless loop.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <bpf/btf.h>

#include "kbtf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[160];
	struct btf *btf;

	if (kbtf__check(data, size, why, sizeof(why))) {
		if (!why[0])
			abort();	/* a refusal always says why */
		return 0;
	}
	btf = btf__new(data, size);
	if (!btf)
		return 0;
	for (__u32 id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		while (t && (btf_is_typedef(t) || btf_is_mod(t) || btf_is_ptr(t)))
			t = btf__type_by_id(btf, t->type);
		btf__resolve_size(btf, id);
		btf__resolve_type(btf, id);
		btf__name_by_offset(btf, btf__type_by_id(btf, id)->name_off);
	}
	btf__find_by_name_kind(btf, "btf_trace_block_rq_issue", BTF_KIND_TYPEDEF);
	btf__free(btf);
	return 0;
}
