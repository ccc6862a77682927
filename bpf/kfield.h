/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel struct member offsets, both sides: a program declares KFIELD(name) and reads through
 * kread(); user space (common/kfield.c) fills kf_NAME from the kernel's BTF before the load.
 */
#ifndef BPFBOX_KFIELD_SHARED_H
#define BPFBOX_KFIELD_SHARED_H

/* An optional member this kernel does not have. */
#define KFIELD_ABSENT 0xffffffffu

#endif
