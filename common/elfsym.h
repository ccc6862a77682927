/* SPDX-License-Identifier: GPL-2.0 */
/* The symbols of one ELF file: function symbols, load segments, build-id and debug-file lookup. */
#ifndef BPFBOX_ELFSYM_H
#define BPFBOX_ELFSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUILD_ID_MAX 64

struct elf_syms;

struct elf_syms_opts {
	/*
	 * Path prefixes under which the file's own paths are valid, tried in order when looking
	 * for separate debug files: e.g. { "/proc/42/root", "" } for a process in a container,
	 * { "" } (or NULL) for the host. NULL-terminated.
	 */
	const char *const *roots;
	bool no_debug;		/* don't look for separate debug files */
	bool no_demangle;	/* keep C++/Rust names mangled */
};

/*
 * Reads the ELF file open on fd (not closed, not kept); path is its name as the process mapped
 * it (used for the debug-link directories). Returns 0 or -errno: -ENOEXEC for anything that is
 * not a readable ELF file. Malformed files are rejected or read partially, never trusted.
 */
int elf_syms__load(int fd, const char *path, const struct elf_syms_opts *opts,
		   struct elf_syms **out);
/* Same from an image in memory (e.g. the vDSO); buf must stay valid only during the call. */
int elf_syms__load_mem(const void *buf, size_t size, const struct elf_syms_opts *opts,
		       struct elf_syms **out);
void elf_syms__free(struct elf_syms *es);

/*
 * Translates a file offset (mapping offset + distance into the mapping) into the file's own
 * virtual address, through the PT_LOAD segment holding it. This is the load-bias arithmetic
 * for PIE executables and shared objects. Returns 0 or -ENOENT.
 */
int elf_syms__off_to_vaddr(const struct elf_syms *es, uint64_t off, uint64_t *vaddr);

/*
 * The function containing vaddr: its (demangled) name, with vaddr - start in *off. NULL when
 * vaddr is in no known function. Names stay valid until elf_syms__free().
 */
const char *elf_syms__find(struct elf_syms *es, uint64_t vaddr, uint64_t *off);
/* The start address of a function by exact (mangled or demangled) name: 0 or -ENOENT. */
int elf_syms__lookup(const struct elf_syms *es, const char *name, uint64_t *vaddr);

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
