// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the kallsyms parser (ksyms__load_file over the input as a stream). Every
 * symbol kept must be found again by name, and by its address (itself or a better alias).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

static int check(const struct ksym *s, void *ctx)
{
	const struct ksyms *ks = ctx;
	const struct ksym *t = ksyms__get(ks, s->name), *f;
	uint64_t off;

	if (!t || strcmp(t->name, s->name))
		abort();
	f = ksyms__find(ks, s->addr, &off);
	if (f && f->addr != s->addr)
		abort();
	return 0;
}

static int count(const struct ksym *s, void *ctx)
{
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct ksyms *ks;
	uint64_t off;
	size_t n = 0;

	if (!size || !f) {
		if (f)
			fclose(f);
		return 0;
	}
	ks = ksyms__load_file(f);
	fclose(f);
	if (!ks)
		return 0;
	ksyms__foreach(ks, NULL, check, ks);
	ksyms__foreach(ks, "do_*", count, &n);
	for (uint64_t a = 0; a < 0x1000; a += 0x41) {
		ksyms__find(ks, 0xffffffff81000000ull + a, &off);
		ksyms__aliases(ks, 0xffffffff81000000ull + a, count, &n);
	}
	ksyms__find(ks, UINT64_MAX, &off);
	ksyms__get(ks, "");
	ksyms__count(ks);
	ksyms__mem(ks);
	ksyms__free(ks);
	return 0;
}
