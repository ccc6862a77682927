/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF ring buffer's reader that keeps only a window of the ring mapped.
 *
 * The kernel puts every page of a ring mapping in place at mmap time, so all of it counts in
 * the reader's resident size, and libbpf's reader maps the data twice in a row (so that a
 * record wrapping around the end reads as one piece): a 2 MiB ring then adds 4 MB of RSS.
 * This reader maps 64 KiB of the data at a time (more for a larger record), moving the
 * window as it reads; the kernel's own double mapping of the data keeps a wrapping record in
 * one piece. The ring itself is kernel memory (the map's size) either way.
 * A record handed to the callback is valid until the callback returns.
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
