// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the ELF symbol reader, from a buffer (elf_syms__load_mem) and, when the
 * first byte is odd, from a file (elf_syms__load over a memfd, the pread path). Whatever
 * loads must answer every query, and every symbol listed must be found again by its name and
 * its address.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfsym.h"

static int check_sym(const struct elf_sym *s, void *ctx)
{
	struct elf_syms *es = ctx;
	struct elf_sym t;
	uint64_t off;

	if (elf_syms__by_name(es, s->raw, &t) || strcmp(t.raw, s->raw))
		abort();
	if (!elf_syms__find(es, s->addr, &off))
		abort();
	elf_syms__vaddr_to_off(es, s->addr, &off);
	return 0;
}

static int count(const struct elf_sym *s, void *ctx)
{
	(*(size_t *)ctx)++;
	return 0;
}

static void queries(struct elf_syms *es)
{
	static const char *const globs[] = { "*", "main", "_Z*", "*[", "[!a]*", "f?x*" };
	struct elf_sym s;
	size_t n = 0, len;
	uint64_t off, va;

	elf_syms__foreach(es, NULL, check_sym, es);
	for (size_t i = 0; i < sizeof(globs) / sizeof(globs[0]); i++)
		elf_syms__foreach(es, globs[i], count, &n);
	elf_syms__by_name(es, "main", &s);
	elf_syms__lookup(es, "", &va);
	for (uint64_t a = 0; a < 0x3000; a += 0x33) {
		elf_syms__find(es, a, &off);
		elf_syms__find(es, 0x400000 + a, &off);
		elf_syms__aliases(es, a, count, &n);
		elf_syms__off_to_vaddr(es, a, &va);
	}
	elf_syms__find(es, UINT64_MAX, &off);
	elf_syms__build_id(es, &len);
	elf_syms__mem(es);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct elf_syms_opts o = { .no_debug = true };
	struct elf_syms *es;

	if (!elf_syms__load_mem(data, size, &o, &es)) {
		queries(es);
		elf_syms__free(es);
	}
	if (size && (data[0] & 1)) {
		if (fd < 0 && (fd = memfd_create("elfsym", 0)) < 0)
			abort();
		if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
			abort();
		if (!elf_syms__load(fd, "/nonexistent/x", &o, &es)) {
			queries(es);
			elf_syms__free(es);
		}
	}
	return 0;
}
