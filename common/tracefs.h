/* SPDX-License-Identifier: GPL-2.0 */
/* tracefs: found or mounted (libbpf reads tracepoint ids from it). */
#ifndef BPFBOX_TRACEFS_H
#define BPFBOX_TRACEFS_H

/* Returns the tracefs root ("/sys/kernel/tracing" or ".../debug/tracing"), mounting it if
 * needed, or NULL with errno set. */
const char *tracefs_path(void);
/* True if events/CATEGORY/NAME exists. */
int tracefs_has_event(const char *category, const char *name);

#endif
