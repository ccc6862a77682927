/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space symbols: per-process snapshots of the executable mappings, taken at first sight so
 * that processes which exit before the report still resolve, over a cache of ELF files keyed by
 * (device, inode) so that each file is read once, lazily.
 */
#ifndef BPFBOX_SYMS_H
#define BPFBOX_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct syms_cache;
struct syms;

/* What an address resolves to. Strings stay valid until syms_cache__free(). */
struct usym {
	const char *name;	/* function (demangled), NULL when unknown */
	uint64_t offset;	/* addr - function start, when name is set */
	const char *module;	/* basename of the mapped file, "[vdso]", NULL for anonymous memory */
	const char *path;	/* the file as the process mapped it, NULL for anonymous memory */
	uint64_t vaddr;		/* addr in the file's own address space (build-id + offset form) */
	const uint8_t *build_id;
	size_t build_id_len;
};

enum syms_flags {
	SYMS_NO_DEBUG = 1 << 0,		/* don't look for separate debug files */
	SYMS_NO_DEMANGLE = 1 << 1,	/* keep C++/Rust names mangled */
};

struct syms_cache *syms_cache__new(unsigned int flags);
void syms_cache__free(struct syms_cache *c);

/*
 * The snapshot of pid's executable mappings, taken on the first call (cheap: /proc/PID/maps
 * plus one open per new file, whose symbols are read only when first needed). Later calls
 * return the same snapshot, also after the process has exited. NULL with errno (ESRCH) when
 * the process was already gone at first sight.
 */
struct syms *syms_cache__get(struct syms_cache *c, int pid);

/*
 * Resolves addr in the snapshot. Returns 0 when addr lies in a mapping (u->name may still be
 * NULL: stripped file, JIT code), -ENOENT when it lies in none. A miss in a process that is
 * still alive re-reads its mappings (dlopen after first sight), at most once a second.
 */
int syms__resolve(struct syms *s, uint64_t addr, struct usym *u);
int syms__pid(const struct syms *s);

struct syms_stats {
	unsigned int pids;		/* processes snapshotted */
	unsigned int files;		/* distinct files seen in executable mappings */
	unsigned int files_read;	/* ELF files read (each at most once) */
	unsigned int debug_files;	/* symbol tables taken from separate debug files */
	unsigned int fds;		/* files held open to read later */
	size_t mem;			/* heap bytes held by snapshots and symbol tables */
};
void syms_cache__stats(const struct syms_cache *c, struct syms_stats *st);

/* One /proc/PID/maps line, parsed (exposed for the unit tests). path points into line. */
struct maps_line {
	uint64_t start, end, pgoff, ino;
	unsigned int dev_major, dev_minor;
	char perms[5];
	const char *path;	/* "" when anonymous */
};
/* Returns 0, or -EINVAL for a malformed line. Modifies line (cuts the newline). */
int maps_line__parse(char *line, struct maps_line *m);

#endif
