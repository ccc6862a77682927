/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbols from /proc/kallsyms: one sorted, compact table, looked up by address and by
 * name with binary searches; every alias of an address is kept.
 */
#ifndef BPFBOX_KSYMS_H
#define BPFBOX_KSYMS_H

#include <stdint.h>
#include <stdio.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module;	/* "kernel" for the core image, else the module name ("bpf", ...) */
};

struct ksyms;

/*
 * Reads /proc/kallsyms once. Returns NULL with errno set on failure:
 *   EACCES  every address reads as zero: kptr_restrict (or missing CAP_SYSLOG) hides them;
 *   ENOENT  no /proc/kallsyms (no CONFIG_KALLSYMS);
 *   ENOMEM, or the errno of the failing read.
 */
struct ksyms *ksyms__load(void);
/* Same from any kallsyms-format stream (unit tests feed fixtures). */
struct ksyms *ksyms__load_file(FILE *f);
void ksyms__free(struct ksyms *ks);

/*
 * The symbol containing addr (the closest one at or below it), with addr - sym->addr in *off
 * when off is not NULL. NULL when addr lies below every symbol or past the last symbol's
 * plausible extent: only then is a frame really unknown.
 */
const struct ksym *ksyms__find(const struct ksyms *ks, uint64_t addr, uint64_t *off);
/*
 * The symbol of that exact name (the lowest address when a local name exists several times),
 * or NULL. The first call builds a name index.
 */
const struct ksym *ksyms__get(const struct ksyms *ks, const char *name);

/* Return non-zero to stop an iteration; that value is returned by the iterator. */
typedef int (*ksym_fn)(const struct ksym *s, void *ctx);
/* Every symbol starting exactly at addr, best name first. */
int ksyms__aliases(const struct ksyms *ks, uint64_t addr, ksym_fn fn, void *ctx);
/* Every symbol whose name matches the fnmatch(3) glob (NULL: all), in address order. */
int ksyms__foreach(const struct ksyms *ks, const char *glob, ksym_fn fn, void *ctx);
/* Number of symbols kept and bytes held, for -v and the benchmarks. */
size_t ksyms__count(const struct ksyms *ks);
size_t ksyms__mem(const struct ksyms *ks);

/* Cheap check (reads one line) whether kallsyms addresses are visible: 0, -EACCES or -errno. */
int ksyms__visible(void);

#endif
