/* SPDX-License-Identifier: GPL-2.0 */
/* USDT probes of one ELF file, from its .note.stapsdt notes (the attaching is libbpf's). */
#ifndef BPFBOX_USDT_H
#define BPFBOX_USDT_H

#include <stddef.h>

struct usdt_probe {
	char provider[64];
	char name[64];
};

/*
 * The distinct (provider, name) pairs of the file open on fd, in note order; a probe with
 * several sites is listed once. *out is malloc'ed. Returns the count or -errno (-ENOEXEC for
 * a file that is not ELF). At most max probes are kept.
 */
int usdt__list(int fd, struct usdt_probe **out, size_t max);

#endif
