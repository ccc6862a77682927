/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF ring buffer's reader that maps the ring's data once.
 *
 * The kernel maps a ring's data pages into the reader at mmap time, every page at once, so
 * they all count in its resident size. libbpf's reader maps them twice in a row, so that a
 * record wrapping around the end reads as one piece: a 256 KiB ring then adds 512 KB of RSS.
 * This reader maps them once and copies out the rare record that wraps (the copy is kept for
 * the next one). The ring itself is the kernel's memory either way.
 * Not thread-safe: one thread reads.
 */
#ifndef BPFBOX_RINGREAD_H
#define BPFBOX_RINGREAD_H

#include <stddef.h>

struct ringread;

/* Called for each record, in order; non-zero stops ringread__consume() with that value. */
typedef int (*ringread_fn)(void *ctx, void *data, size_t len);

/* Maps the ring of BPF_MAP_TYPE_RINGBUF map MAP_FD. Returns 0 or -errno. */
int ringread__open(struct ringread **r, int map_fd);

/*
 * Hands every committed record to FN, until the ring is empty, a record is still being
 * written, or FN returns non-zero. Returns 0, FN's value, or -errno (-EINVAL: a corrupt
 * record header; -ENOMEM: no room to copy a wrapping record).
 */
int ringread__consume(struct ringread *r, ringread_fn fn, void *ctx);

/* The ring's size in bytes, and the bytes waiting in it (records not yet consumed). */
size_t ringread__size(const struct ringread *r);
size_t ringread__avail(const struct ringread *r);

void ringread__free(struct ringread *r);

#endif
