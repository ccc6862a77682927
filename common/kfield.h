/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Offsets of the kernel struct members that the BPF programs read, found in the kernel's BTF
 * (kbtf) before each load and written into the program's read-only data (bpf/kfield.bpf.h).
 *
 * libbpf's CO-RE relocations reach the same offsets, but libbpf then parses the kernel BTF a
 * second time beside kbtf's copy and searches all of its types once per struct: 8-9 ms of
 * execsnoop's 19 ms start here. One pass over kbtf's types finds every struct an object
 * needs, and an object that reads no kernel struct needs no kernel BTF at all.
 */
#ifndef BPFBOX_KFIELD_H
#define BPFBOX_KFIELD_H

struct bpf_object;

/*
 * Fills every kf_* variable of OBJ's .rodata (before load). Returns 0, -ESRCH without kernel
 * BTF, or -ENOENT when the kernel lacks a member that is not optional (kfield__missing()).
 */
int kfield__fill(struct bpf_object *obj);

/* After kfield__fill()'s -ENOENT, what the kernel lacked ("member M of N bytes in struct S");
 * else NULL. err_report() names it, so that the one line says what is missing. */
const char *kfield__missing(void);

#endif
