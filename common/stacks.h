/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stack output shared by the stack applets (profile, stackcount, trace): symbolizes kernel and
 * user frames and prints BCC's multi-line blocks, folded lines, or with --json one object per
 * stack; optionally feeds a flame graph. Applets hand over addresses, never test the format.
 */
#ifndef BPFBOX_STACKS_H
#define BPFBOX_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_syms;
struct flamegraph;
struct syms_cache;
struct syms_id;
struct ksyms;

struct stacks_opts {
	bool delimiter;		/* -d: "--" (folded: "-") between kernel and user frames */
	bool annotate;		/* -a: "_[k]" after kernel frames in folded output */
	bool addresses;		/* -A: each frame's address before its symbol */
	bool folded;		/* -f: one "comm;root;...;leaf COUNT" line per stack */
	bool no_offsets;	/* multi-line frames without "+0xOFF [module]" */
	struct flamegraph *fg;	/* also add every stack to this flame graph */
};

/* A stack error other than -EFAULT prints "[Missed Kernel Stack]"/"[Missed User Stack]";
 * -EFAULT means "no such stack" (user stack of a kernel thread, -U/-K) and prints nothing. */
struct stack_entry {
	const char *comm;
	uint32_t pid;
	uint64_t count;
	const uint64_t *kips;	/* kernel frames, leaf first */
	int nk;
	int kerr;		/* 0 or -errno */
	const uint64_t *uips;	/* user frames, leaf first */
	int nu;
	int uerr;
	/* the process image the user frames belong to; NULL: the newest image of pid */
	const struct syms_id *image;
};

struct stacks *stacks__new(const struct stacks_opts *o);
void stacks__free(struct stacks *st);

/*
 * A symbol file of the user's (trace -s): user frames in any mapped file with the same GNU
 * build-id take their symbols from es (an unstripped copy or a separate debug file of a
 * stripped binary). st owns es from then on. 0 or -ENOMEM.
 */
int stacks__add_symfile(struct stacks *st, struct elf_syms *es);

/* The user-symbol cache: applets snapshot processes through it at first sight. */
struct syms_cache *stacks__syms(struct stacks *st);

/* Prints one stack (and adds it to the flame graph). Returns 0 or -errno (-EIO: a failed
 * write, -ENOMEM: the flame graph could not take it). */
int stacks__print(struct stacks *st, const struct stack_entry *e);
/* Only adds one stack to the flame graph, for applets that print stacks their own way.
 * Returns 0 or -ENOMEM. */
int stacks__flame(struct stacks *st, const struct stack_entry *e);

/*
 * Kernel symbols are loaded at the first kernel frame. 0 when they loaded, -EACCES when
 * kptr_restrict hides them (frames then print as [unknown]), another -errno on failure, or 1
 * when no kernel frame was seen.
 */
int stacks__kernel_status(const struct stacks *st);

/* Frame text as the multi-line form prints it, without indentation ("vfs_read+0x5 [kernel]",
 * "main+0x1a [prog]", "[unknown] [libc.so.6]"); user frames in image's mappings (start_ns 0:
 * the newest image of its pid). */
void stacks__kframe(struct stacks *st, uint64_t addr, char *buf, size_t size);
void stacks__uframe(struct stacks *st, const struct syms_id *image, uint64_t addr, char *buf,
		    size_t size);

/*
 * A first-sight record of the stack applets' rings (struct image_id, bpf/image.h): takes that
 * process image's snapshot now, while it lives, so that its stacks still resolve after it
 * exited. Returns true when data was one: no other record on those rings has its size.
 */
bool stacks__image_record(struct stacks *st, const void *data, size_t len);

/*
 * The hashed stacks of bpf/stackhash.bpf.h. stacks__read copies stack `hash` from the stacks
 * table fd into ips[max] (leaf first) and returns its number of frames, 0 when it is gone.
 * stacks__read_counts reads a counts table (keys of key_size bytes, a multiple of 8; __u64
 * values) into *out, an array of *n records: the key, then its count. The caller frees *out.
 */
int stacks__read(int fd, uint64_t hash, uint64_t *ips, int max);
int stacks__read_counts(int fd, size_t key_size, void **out, size_t *n);

/* Orders two tuples field by field (-1, 0, 1): applets sort counted stacks in BCC's order
 * with the count first (ascending: the hottest last, next to the prompt), then their keys. */
int stacks__cmp_tuple(const uint64_t *a, const uint64_t *b, size_t n);

#endif
