// SPDX-License-Identifier: GPL-2.0
/* Kernel struct member offsets for the BPF programs' read-only data (see kfield.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "err.h"
#include "kbtf.h"
#include "kfield.h"
#include "../bpf/kfield.h"

/*
 * Every member any program reads: the variable (kf_ + NAME in bpf/), the struct or union, the
 * member path through embedded structs, and its size, checked so that a kernel whose member
 * changed width is refused rather than misread (0: a struct, copied whole by its own size).
 */
static const struct kfield_def {
	const char *var, *type, *path;
	unsigned int size;
	bool optional;		/* absent on some kernels: KFIELD_ABSENT, and the program copes */
	const char *instead;	/* optional, but then this other variable is required */
} defs[] = {
	{ "kf_task_real_parent", "task_struct", "real_parent", 8 },
	{ "kf_task_tgid", "task_struct", "tgid", 4 },
	{ "kf_task_comm", "task_struct", "comm", 16 },
	{ "kf_task_nsproxy", "task_struct", "nsproxy", 8 },
	{ "kf_task_group_leader", "task_struct", "group_leader", 8 },
	{ "kf_task_start_boottime", "task_struct", "start_boottime", 8 },
	{ "kf_task_self_exec_id", "task_struct", "self_exec_id", 8 },
	{ "kf_task_mm", "task_struct", "mm", 8 },
	{ "kf_mm_start_code", "mm_struct", "start_code", 8 },
	{ "kf_task_fs", "task_struct", "fs", 8 },
	{ "kf_task_files", "task_struct", "files", 8 },
	/* x86 only (TS_COMPAT); arm64 tells a compat task by its saved PSTATE */
	{ "kf_task_ti_status", "task_struct", "thread_info.status", 4 },
	{ "kf_nsproxy_mnt_ns", "nsproxy", "mnt_ns", 8 },
	{ "kf_mnt_ns_inum", "mnt_namespace", "ns.inum", 4 },
	{ "kf_bprm_filename", "linux_binprm", "filename", 8 },
	{ "kf_fs_pwd", "fs_struct", "pwd", 16 },
	{ "kf_fs_root", "fs_struct", "root", 16 },
	{ "kf_path_mnt", "path", "mnt", 8 },
	{ "kf_path_dentry", "path", "dentry", 8 },
	{ "kf_mount_mnt", "mount", "mnt", 0 },
	{ "kf_mount_mnt_parent", "mount", "mnt_parent", 8 },
	{ "kf_mount_mnt_mountpoint", "mount", "mnt_mountpoint", 8 },
	{ "kf_vfsmount_mnt_root", "vfsmount", "mnt_root", 8 },
	{ "kf_files_fdt", "files_struct", "fdt", 8 },
	{ "kf_fdt_max_fds", "fdtable", "max_fds", 4 },
	{ "kf_fdt_fd", "fdtable", "fd", 8 },
	{ "kf_file_f_path", "file", "f_path", 16 },
	{ "kf_dentry_d_parent", "dentry", "d_parent", 8 },
	{ "kf_dentry_name", "dentry", "d_name.name", 8 },
	{ "kf_rq_q", "request", "q", 8 },
	{ "kf_rq_start_time_ns", "request", "start_time_ns", 8 },
	{ "kf_rq_sector", "request", "__sector", 8 },
	{ "kf_rq_data_len", "request", "__data_len", 4 },
	{ "kf_rq_cmd_flags", "request", "cmd_flags", 4 },
	/* the disk moved from the request (up to 5.16) to its queue */
	{ "kf_rq_rq_disk", "request", "rq_disk", 8, true, "kf_queue_disk" },
	{ "kf_queue_disk", "request_queue", "disk", 8, true, "kf_rq_rq_disk" },
	{ "kf_disk_major", "gendisk", "major", 4 },
	{ "kf_disk_first_minor", "gendisk", "first_minor", 4 },
};

#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static char missing[128];

/* Where each wanted variable lives in the .rodata image; -1 when the object has none. */
struct wanted {
	long at[NDEFS];
	__u32 type_id[NDEFS];
	__u32 off[NDEFS];	/* as resolved */
};

static const struct kfield_def *def_of(const char *var)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (!strcmp(defs[i].var, var))
			return &defs[i];
	return NULL;
}

/* The .rodata map of OBJ (libbpf names it "<object>.rodata"), or NULL. */
static struct bpf_map *rodata_map(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *name = bpf_map__name(m);
		size_t len = strlen(name);

		if (bpf_map__is_internal(m) && len >= 7 && !strcmp(name + len - 7, ".rodata"))
			return m;
	}
	return NULL;
}

/* The kf_* variables of OBJ's .rodata and where they are in DATA; how many, or -errno. */
static int find_vars(struct bpf_object *obj, struct wanted *w, char **data)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *v;
	const struct btf_type *sec;
	struct bpf_map *ro = rodata_map(obj);
	size_t size = 0;
	int n = 0, id;

	for (size_t i = 0; i < NDEFS; i++)
		w->at[i] = -1;
	if (!ro || !btf || (id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC)) < 0 ||
	    !(*data = bpf_map__initial_value(ro, &size)))
		return 0;
	sec = btf__type_by_id(btf, id);
	v = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);
		const char *name = var ? btf__name_by_offset(btf, var->name_off) : NULL;
		const struct kfield_def *d;

		if (!name || strncmp(name, "kf_", 3))
			continue;
		/* a program's variable missing from defs[] is this file's bug: say which */
		if (!(d = def_of(name)) || v->size != sizeof(__u32) ||
		    v->offset + sizeof(__u32) > size) {
			err_debug("kernel field %s: not in kfield.c's table", name);
			return -EINVAL;
		}
		w->at[d - defs] = v->offset;
		n++;
	}
	return n;
}

/* One pass over the kernel's types finds every struct or union the wanted fields name. */
static void find_types(const struct btf *btf, struct wanted *w)
{
	__u32 n = btf__type_cnt(btf), left = 0;

	for (size_t i = 0; i < NDEFS; i++) {
		w->type_id[i] = 0;
		left += w->at[i] >= 0;
	}
	for (__u32 id = 1; id < n && left; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!(btf_is_struct(t) || btf_is_union(t)) || !t->name_off)
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		for (size_t i = 0; i < NDEFS; i++)
			if (w->at[i] >= 0 && !w->type_id[i] && name &&
			    !strcmp(name, defs[i].type)) {
				w->type_id[i] = id;
				left--;
			}
	}
}

/* The offset of D's member path in struct ID; -ENOENT if any step is missing or misfits. */
static int resolve(const struct btf *btf, const struct kfield_def *d, __u32 id, __u32 *off)
{
	const char *p = d->path;
	__u32 type = id;

	*off = 0;
	while (*p) {
		char name[64];
		size_t len = strcspn(p, ".");
		__u32 at;
		bool bitfield;

		if (len >= sizeof(name))
			return -ENOENT;
		memcpy(name, p, len);
		name[len] = 0;
		if (kbtf__member(btf, type, name, &at, &type, &bitfield) || bitfield)
			return -ENOENT;
		*off += at;
		p += len + (p[len] == '.');
	}
	if (d->size && btf__resolve_size(btf, type) != (long long)d->size)
		return -ENOENT;
	return 0;
}

int kfield__fill(struct bpf_object *obj)
{
	struct wanted w;
	const struct btf *btf;
	char *data = NULL;
	int n;

	missing[0] = 0;
	n = find_vars(obj, &w, &data);
	if (n <= 0)
		return n;
	/* ESRCH: no BTF at all; anything else (EMFILE) is the reason the file could not be read */
	if (!(btf = kbtf__get()))
		return errno && errno != ENOENT ? -errno : -ESRCH;
	find_types(btf, &w);
	for (size_t i = 0; i < NDEFS; i++) {
		__u32 off = KFIELD_ABSENT;
		const struct kfield_def *alt = defs[i].instead ? def_of(defs[i].instead) : NULL;

		if (w.at[i] < 0)
			continue;
		if (!w.type_id[i] || resolve(btf, &defs[i], w.type_id[i], &off)) {
			if (!defs[i].optional) {
				if (defs[i].size)
					snprintf(missing, sizeof(missing),
						 "member %s of %u bytes in struct %s", defs[i].path,
						 defs[i].size, defs[i].type);
				else
					snprintf(missing, sizeof(missing), "member %s in struct %s",
						 defs[i].path, defs[i].type);
				return -ENOENT;
			}
			off = KFIELD_ABSENT;
		}
		w.off[i] = off;
		memcpy(data + w.at[i], &off, sizeof(off));
		/* the pair is done when its second member is: one of the two must be there */
		if (alt && alt < &defs[i] && w.at[alt - defs] >= 0 && off == KFIELD_ABSENT &&
		    w.off[alt - defs] == KFIELD_ABSENT) {
			snprintf(missing, sizeof(missing), "member %s in struct %s (nor %s in struct %s)",
				 defs[i].path, defs[i].type, alt->path, alt->type);
			return -ENOENT;
		}
	}
	return 0;
}

const char *kfield__missing(void)
{
	return missing[0] ? missing : NULL;
}
