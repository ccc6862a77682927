/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a probe's "lib:" part lives, resolved as BCC does (spec §1): a name with '/' is a path;
 * else the first ld.so.cache entry of this ABI whose soname starts with "lib<NAME>.so" (or
 * "lib<NAME>" when NAME has ".so"), then the standard library directories, then an executable
 * NAME in $PATH. USDT looks in $PATH first. With a pid, a library the process has mapped wins,
 * and every path is taken inside the process's root (/proc/PID/root), for containers.
 */
#ifndef BPFBOX_BINPATH_H
#define BPFBOX_BINPATH_H

#include <stdbool.h>
#include <stddef.h>

/* Returns 0 with the path in out, -ENOENT when nothing matches, -ENAMETOOLONG. */
int binpath__resolve(const char *name, int pid, bool path_first, char *out, size_t size);

/*
 * Looks prefix ("libc.so") up in an ld.so.cache image for this ABI. Returns 0 with the
 * library's path in out, or -ENOENT (also for a malformed image). Exposed for unit tests.
 */
int binpath__ldcache(const void *buf, size_t len, const char *prefix, char *out, size_t size);

#endif
