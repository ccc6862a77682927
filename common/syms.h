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
 * return the same snapshot (the newest image of that pid), also after the process has exited.
 * NULL with errno (ESRCH) when the process was already gone at first sight.
 */
struct syms *syms_cache__get(struct syms_cache *c, int pid);

/*
 * One process image, as the kernel names it: the pid, the start time of the thread-group
 * leader (task->group_leader->start_boottime, ns) and the number of execs so far
 * (task->self_exec_id). Snapshots are kept per image, so a pid reused by another process, or
 * a process that execs, never resolves against the wrong mappings.
 */
struct syms_id {
	int pid;
	uint64_t start_ns;	/* 0: unknown, same as syms_cache__get() */
	uint32_t exec_id;
};

/*
 * The snapshot of that image, taken on the first call if the process still is that image's
 * process (same start time); NULL with errno ESRCH when it is gone or its pid was reused.
 * A snapshot taken by pid alone (syms_cache__get() before any sample) becomes the image's.
 */
struct syms *syms_cache__get_id(struct syms_cache *c, const struct syms_id *id);

/*
 * Long work (checksumming debug files) polls stop and gives up when it returns true; the
 * files concerned then have no symbols.
 */
void syms_cache__set_stop(struct syms_cache *c, bool (*stop)(void));

/*
 * Past images snapshots or bytes held by snapshots (defaults 16384 and 32 MB), those of
 * processes that are gone are dropped, oldest first (their stacks then print [unknown]):
 * process churn cannot grow memory without bound. Live processes keep theirs.
 */
void syms_cache__set_limits(struct syms_cache *c, size_t images, size_t bytes);

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
	unsigned int evicted;		/* snapshots of exited processes dropped past the caps */
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
/*
 * Calls fn for each well-formed line of a maps file (over-long and malformed lines are
 * skipped, at most 1M lines are read). Returns 0, fn's first non-zero value, -E2BIG or -EIO.
 */
int maps__read(FILE *f, int (*fn)(const struct maps_line *m, void *ctx), void *ctx);

#endif
