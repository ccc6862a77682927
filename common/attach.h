/* SPDX-License-Identifier: GPL-2.0 */
/* Loading and attaching an applet's skeleton, with every failure named and explained. */
#ifndef BPFBOX_ATTACH_H
#define BPFBOX_ATTACH_H

#include <bpf/libbpf.h>

/* bpf_object__load() with the failure reported (ERR_LOAD). Returns 0 or 1 (exit status). */
int skel_load(struct bpf_object_skeleton *s);
/* Attaches every program that is set to load, storing the links in the skeleton so that its
 * __destroy() detaches them; the first failure is reported naming the program's hook.
 * Returns 0 or 1 (exit status). */
int skel_attach(struct bpf_object_skeleton *s);
/* Sets a program's autoload off when its tracepoint CATEGORY/NAME does not exist here. */
void autoload_if_event(struct bpf_program *p, const char *category, const char *name);

#endif
