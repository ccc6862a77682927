/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The symbols of one ELF file: function symbols by address and by name, load segments,
 * build-id and debug-file lookup. The file is read with bounded reads into memory, never
 * mapped: its owner may truncate or rewrite it while we read, and a hostile file costs a
 * bounded amount of memory and time, then reads as a file without symbols.
 */
#ifndef BPFBOX_ELFSYM_H
#define BPFBOX_ELFSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUILD_ID_MAX 64

struct elf_syms;

struct elf_syms_opts {
	/*
	 * Roots under which the file's own paths are valid, tried in order when looking for
	 * separate debug files: e.g. { "/proc/42/root", "" } for a process in a container,
	 * { "" } (or NULL) for the host. NULL-terminated.
	 */
	const char *const *roots;
	bool no_debug;		/* don't look for separate debug files */
	bool no_demangle;	/* keep C++/Rust names mangled */
	/* Polled during long work (checksumming a debug file): true abandons it. */
	bool (*stop)(void);
};

/*
 * Reads the ELF file open on fd (not closed, not kept); path is its name as the process mapped
 * it (used for the debug-link directories). Returns 0 or -errno: -ENOEXEC for anything that is
 * not a readable ELF file. Malformed files are rejected or read partially, never trusted.
 */
int elf_syms__load(int fd, const char *path, const struct elf_syms_opts *opts,
		   struct elf_syms **out);
/* Same from an image in memory (the vDSO, fuzzing); buf is used only during the call. */
int elf_syms__load_mem(const void *buf, size_t size, const struct elf_syms_opts *opts,
		       struct elf_syms **out);
void elf_syms__free(struct elf_syms *es);

/* One function symbol. Strings stay valid until elf_syms__free(). */
struct elf_sym {
	const char *name;	/* demangled when it was mangled (unless no_demangle) */
	const char *raw;	/* as in the symbol table, without "@VERSION" */
	uint64_t addr;		/* in the file's own address space (st_value) */
	uint64_t size;
	uint8_t bind;		/* STB_GLOBAL, STB_WEAK, STB_LOCAL */
	bool ifunc;		/* STT_GNU_IFUNC */
};

/* Return non-zero to stop an iteration; that value is returned by the iterator. */
typedef int (*elf_sym_fn)(const struct elf_sym *s, void *ctx);

/*
 * Address translation. off_to_vaddr: a file offset (mapping offset + distance into the
 * mapping) to the file's own virtual address, through the PT_LOAD segment holding it (the
 * load-bias arithmetic of PIE executables and shared objects). vaddr_to_off: the reverse, the
 * file offset a uprobe is placed at. Both return 0 or -ENOENT.
 */
int elf_syms__off_to_vaddr(const struct elf_syms *es, uint64_t off, uint64_t *vaddr);
int elf_syms__vaddr_to_off(const struct elf_syms *es, uint64_t vaddr, uint64_t *off);
/*
 * A GNU IFUNC symbol's value is its resolver; ld.so stores the implementation the resolver
 * picks in a GOT slot named by an IRELATIVE relocation (x86-64, arm64). The slot's vaddr for
 * the resolver at vaddr resolver: 0, or -ENOENT when the file has no such relocation.
 */
int elf_syms__ifunc_slot(const struct elf_syms *es, uint64_t resolver, uint64_t *slot);

/*
 * The function containing vaddr: its best name (global over weak over local, fewer leading
 * underscores), with vaddr - start in *off. NULL when vaddr is in no known function.
 */
const char *elf_syms__find(struct elf_syms *es, uint64_t vaddr, uint64_t *off);
/* Every symbol starting exactly at addr (malloc, __libc_malloc, ...), best first. */
int elf_syms__aliases(struct elf_syms *es, uint64_t addr, elf_sym_fn fn, void *ctx);

/*
 * By exact name, mangled or demangled: the best-ranked symbol of that name (a local name may
 * exist several times: iterate to see them all). 0 or -ENOENT. The first lookup by name
 * builds an index and demangles every name once.
 */
int elf_syms__by_name(struct elf_syms *es, const char *name, struct elf_sym *out);
/* Shorthand: the address of the symbol named name. 0 or -ENOENT. */
int elf_syms__lookup(struct elf_syms *es, const char *name, uint64_t *vaddr);
/*
 * Every symbol whose raw or demangled name matches the fnmatch(3) glob (NULL: all), in
 * address order, aliases included.
 */
int elf_syms__foreach(struct elf_syms *es, const char *glob, elf_sym_fn fn, void *ctx);

size_t elf_syms__count(const struct elf_syms *es);
/* The GNU build-id (NULL when the file has none). */
const uint8_t *elf_syms__build_id(const struct elf_syms *es, size_t *len);
/* The separate debug file whose symbols were used, or NULL. */
const char *elf_syms__debug_path(const struct elf_syms *es);
/* Approximate heap bytes held. */
size_t elf_syms__mem(const struct elf_syms *es);

/* Hex form of a build-id into buf (2 * len + 1 bytes). */
char *build_id_hex(const uint8_t *id, size_t len, char *buf);
/* Demangles a C++ (or Rust) symbol name; returns a malloc'ed string or NULL if not mangled. */
char *sym_demangle(const char *name);

#endif
