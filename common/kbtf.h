/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's BTF, loaded once per process and shared by tracepoint-argument lookup, feature
 * probes, the expression typer and the programs' struct offsets (kfield): --btf FILE when
 * given, else /sys/kernel/btf/vmlinux (which libbpf 1.6+ maps rather than copies). libbpf
 * reads the same file for what it still resolves itself, fentry targets (skel_open_opts()
 * passes --btf as btf_custom_path).
 *
 * A --btf file comes from the user and libbpf trusts BTF: an out-of-range type id crashes it,
 * a cycle of typedefs makes it loop for ever. kbtf__check() validates a blob first; the
 * --btf option refuses a file that fails it.
 */
#ifndef BPFBOX_KBTF_H
#define BPFBOX_KBTF_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct btf;

/* Files larger than this are refused (a whole kernel's BTF is 5-10 MB). */
#define KBTF_FILE_MAX (256u << 20)

/*
 * Checks a raw BTF blob: header, section bounds, every type record within the type section,
 * every name inside the string section, every type id referring to an existing type, and no
 * cycle of types that cannot legitimately refer to themselves (typedefs, modifiers, pointers,
 * arrays, variables). Linear in the size. Returns 0, or -EINVAL with a one-line reason in WHY.
 */
int kbtf__check(const void *data, size_t size, char *why, size_t why_len);

/* kbtf__check() on a file: raw BTF, or the .BTF section of an ELF file (a vmlinux), which
 * must also be a kernel's (struct task_struct). Opens regular files only. Returns 0 or
 * -errno, with a reason in WHY. */
int kbtf__check_file(const char *path, char *why, size_t why_len);

/* The process's kernel BTF (loaded on first use; do not free it), or NULL with errno set:
 * ENOENT when the kernel has no BTF and no --btf was given. */
const struct btf *kbtf__get(void);

/* The file kbtf__get() reads. */
const char *kbtf__path(void);

/* Frees the loaded BTF (e.g. once every program is loaded); a later kbtf__get() reloads. */
void kbtf__release(void);

/*
 * The member NAME of struct or union ID (typedefs and modifiers skipped), searched through
 * anonymous members too: its byte offset, its type id, and whether it is a bitfield (or not
 * byte-aligned). Returns 0 or -ENOENT.
 */
int kbtf__member(const struct btf *btf, __u32 id, const char *name, __u32 *off, __u32 *type,
		 bool *bitfield);

/*
 * Position of the first argument of tracepoint TP that is a pointer to struct STRUCT_NAME, as
 * a raw tracepoint program sees it (ctx->args[i]), e.g. 1 for block_rq_issue's request on 5.10
 * (q, rq) and 0 from 5.11 (rq). Returns -ENOENT when the tracepoint or such an argument is
 * missing, -ENODATA without kernel BTF.
 */
int kbtf__tp_arg_index(const char *tp, const char *struct_name);

#endif
