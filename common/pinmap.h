/* SPDX-License-Identifier: GPL-2.0 */
/* Pinned maps a user hands in (--cgroupmap, --mntnsmap), checked before they replace our own. */
#ifndef BPFBOX_PINMAP_H
#define BPFBOX_PINMAP_H

#include <stddef.h>

struct bpf_map;

/*
 * Makes m (not yet loaded) use the map pinned at path, after checking that it is a BPF map of
 * m's type, key size and value size: a map of another shape would load (the verifier only
 * checks sizes against the program's accesses) and then filter wrongly. Returns 0, or -errno
 * with why[] saying what is wrong in words (no such file, not on a BPF file system, not a map,
 * "the map has type array, 4-byte keys ...; expected type hash, 8-byte keys ...").
 */
int pinmap__reuse(struct bpf_map *m, const char *path, char *why, size_t n);

#endif
