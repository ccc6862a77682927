/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The links and perf-event fds an applet attached, owned in one place and released together.
 *
 * Releasing is the slow part of a tracer's life: closing a perf-event tracepoint, kprobe or
 * uprobe waits for an RCU grace period (~40-70 ms here). linkset__release() closes every
 * member concurrently from a few threads, so whatever the kernel lets overlap (links of
 * different kinds, multi-links, trampolines) costs one wait rather than one per member.
 * Perf-event probes are an exception the kernel imposes: their release holds one global
 * mutex (event_mutex) across the grace period, so N of them still cost N waits; prefer raw
 * tracepoints (no wait) and kprobe/uprobe multi-links (one wait) where there are many.
 *
 * Usage: s = linkset__new(); linkset__add(s, bpf_program__attach(...)); ... the run loop
 * calls linkset__release(s) when it stops; linkset__free(s) on every exit path.
 * Not thread-safe: one thread adds and releases.
 */
#ifndef BPFBOX_LINKSET_H
#define BPFBOX_LINKSET_H

#include <stddef.h>

struct bpf_link;
struct linkset;

/* An empty set, or NULL with errno set (ENOMEM). */
struct linkset *linkset__new(void);

/*
 * Takes ownership of LINK: it is destroyed by linkset__release(), or at once when this
 * fails. LINK NULL (a failed attach) returns -errno as libbpf left it, so that
 * `err = linkset__add(s, bpf_program__attach(p))` needs no other check.
 * Returns 0, -ENOMEM, or the attach error.
 */
int linkset__add(struct linkset *s, struct bpf_link *link);

/* Takes ownership of FD (e.g. a perf event with no link): closed on release, or at once when
 * this fails. Returns 0, -EBADF (FD < 0) or -ENOMEM. */
int linkset__add_fd(struct linkset *s, int fd);

/* Members not yet released. */
size_t linkset__count(const struct linkset *s);

/* Detaches and closes every member, concurrently; returns once all are gone. The set stays
 * valid and empty. S may be NULL. */
void linkset__release(struct linkset *s);

/* linkset__release(), then frees the set. S may be NULL. */
void linkset__free(struct linkset *s);

#endif
