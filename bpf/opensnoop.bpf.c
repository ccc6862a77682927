// SPDX-License-Identifier: GPL-2.0
/* opensnoop, kernel side: open arguments at syscall entry, one record with the result at exit. */
#include "common.bpf.h"
#define FILTER_CONTAINERS
#include "filter.bpf.h"
#include "opensnoop.h"

#define AT_FDCWD_ -100
#define O_CREAT_ 0100
#define O_WRONLY_ 01
#define O_TRUNC_ 01000
#define NAME_MAX_ 256	/* a directory entry name with its NUL */

const volatile bool failed_only = false;
const volatile bool full_path = false;
/* -f: keep opens with any of these flag bits, or whose access mode bit (1 << (flags & 3)) is set
 * in filter_accmodes; both 0 = off */
const volatile __u32 filter_flags = 0;
const volatile __u32 filter_accmodes = 0;

struct start {
	const char *path;
	__u32 flags;
	__u32 mode;
	__s32 dirfd;
	__u32 pad;
};

/* Opens in flight, by thread id; sized by user space before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

/* The record is built here and copied out with its real length, not the capture limit. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct opensnoop_event);
} scratch SEC(".maps");

static __always_inline int on_enter(int dirfd, const char *path, __u32 flags, __u32 mode)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct start s = { .path = path, .flags = flags, .mode = mode, .dirfd = dirfd };

	if (!filter_task())
		return 0;
	if ((filter_flags || filter_accmodes) && !(flags & filter_flags) &&
	    !(filter_accmodes & (1u << (flags & 3))))
		return 0;
	/* a full table is a lost event, never a silent one */
	if (bpf_map_update_elem(&starts, &tid, &s, BPF_ANY))
		__sync_fetch_and_add(&lost_events, 1);
	return 0;
}

/*
 * Raw syscall tracepoints rather than the syscalls:sys_{enter,exit}_open* events: releasing a
 * perf-event tracepoint waits for an RCU grace period under a kernel-wide mutex (about 45 ms
 * each here, one after another: eight of them made exit take 350-700 ms), a raw tracepoint
 * link goes at once. The price is a program run on every system call, which returns after
 * comparing the number. arm64 has neither open nor creat.
 */
#if defined(__TARGET_ARCH_x86)
#define NR_OPEN 2
#define NR_CREAT 85
#define NR_OPENAT 257
#elif defined(__TARGET_ARCH_arm64)
#define NR_OPEN -1
#define NR_CREAT -1
#define NR_OPENAT 56
#endif
#define NR_OPENAT2 437

static __always_inline bool is_open(long nr)
{
	return nr == NR_OPENAT || nr == NR_OPEN || nr == NR_CREAT || nr == NR_OPENAT2;
}

/* sys_enter(regs, id) */
SEC("raw_tp/sys_enter")
int open_enter(struct bpf_raw_tracepoint_args *ctx)
{
	void *regs = (void *)ctx->args[0];
	long nr = (long)ctx->args[1];
	unsigned long a0, a1, a2;
	struct open_how how = {};

	if (!is_open(nr) || compat_syscall(regs))
		return 0;
	a0 = sys_reg(regs, SYS_ARG1);
	a1 = sys_reg(regs, SYS_ARG2);
	a2 = sys_reg(regs, SYS_ARG3);
	if (nr == NR_OPEN)
		return on_enter(AT_FDCWD_, (const char *)a0, a1, a2);
	/* creat() is open(path, O_CREAT|O_WRONLY|O_TRUNC, mode) */
	if (nr == NR_CREAT)
		return on_enter(AT_FDCWD_, (const char *)a0, O_CREAT_ | O_WRONLY_ | O_TRUNC_, a1);
	if (nr == NR_OPENAT)
		return on_enter(a0, (const char *)a1, a2, sys_reg(regs, SYS_ARG4));
	/* openat2: an unreadable struct fails the syscall with EFAULT; it is still reported */
	bpf_probe_read_user(&how, sizeof(how), (void *)a2);
	return on_enter(a0, (const char *)a1, how.flags, how.mode);
}

KFIELD(task_fs);
KFIELD(task_files);
KFIELD(fs_pwd);
KFIELD(fs_root);
KFIELD(path_mnt);
KFIELD(path_dentry);
KFIELD(files_fdt);
KFIELD(fdt_max_fds);
KFIELD(fdt_fd);
KFIELD(file_f_path);
KFIELD(mount_mnt);
KFIELD(mount_mnt_parent);
KFIELD(mount_mnt_mountpoint);
KFIELD(vfsmount_mnt_root);
KFIELD(dentry_d_parent);
KFIELD(dentry_name);

/* The struct path a relative path starts from: the cwd's, or that of the file open on dirfd. */
static __always_inline void *base_dir(void *task, int dirfd)
{
	void *fs, *fdt, *f;

	if (dirfd == AT_FDCWD_) {
		fs = kread(void *, task, kf_task_fs);
		return fs ? (char *)fs + kf_fs_pwd : NULL;
	}
	fdt = kread(void *, kread(void *, task, kf_task_files), kf_files_fdt);
	if (!fdt || dirfd < 0 || (unsigned int)dirfd >= kread(__u32, fdt, kf_fdt_max_fds))
		return NULL;
	f = kread(void *, kread(void *, fdt, kf_fdt_fd), (__u64)dirfd * sizeof(void *));
	return f ? (char *)f + kf_file_f_path : NULL;
}

/*
 * -F: stores the names of the base directory's levels after the path, innermost first, up to
 * the task's root (so a chrooted task gets paths in its own namespace) or the global root.
 * Offsets live in the map value so that the loop verifies once, whatever the name lengths.
 */
static __always_inline void walk_dir(struct opensnoop_event *e, int dirfd)
{
	void *task = (void *)bpf_get_current_task();
	void *d, *parent, *root_d, *vm, *root_vm, *mnt, *mnt_parent, *p, *fs;
	__u32 off;
	long n;

	e->event_flags |= OPENSNOOP_DIR | OPENSNOOP_DIR_CUT;
	p = base_dir(task, dirfd);
	if (!p)
		return;
	d = kread(void *, p, kf_path_dentry);
	vm = kread(void *, p, kf_path_mnt);
	fs = (char *)kread(void *, task, kf_task_fs) + kf_fs_root;
	root_d = kread(void *, fs, kf_path_dentry);
	root_vm = kread(void *, fs, kf_path_mnt);
	/* a vfsmount is embedded in its struct mount */
	mnt = (char *)vm - kf_mount_mnt;
	for (int i = 0; i < OPENSNOOP_DIR_DEPTH * 2; i++) {
		if (d == root_d && vm == root_vm) {
			e->event_flags &= ~OPENSNOOP_DIR_CUT;
			return;
		}
		if (d == kread(void *, vm, kf_vfsmount_mnt_root)) {
			/* top of a mount: continue from where it is mounted */
			mnt_parent = kread(void *, mnt, kf_mount_mnt_parent);
			if (mnt_parent == mnt) {
				e->event_flags &= ~OPENSNOOP_DIR_CUT;
				return;
			}
			d = kread(void *, mnt, kf_mount_mnt_mountpoint);
			mnt = mnt_parent;
			vm = (char *)mnt + kf_mount_mnt;
			continue;
		}
		parent = kread(void *, d, kf_dentry_d_parent);
		if (parent == d || e->dir_depth >= OPENSNOOP_DIR_DEPTH)
			return;
		off = e->path_len + e->dir_len;
		if (off > OPENSNOOP_PATH_MAX + OPENSNOOP_DIR_MAX - NAME_MAX_)
			return;
		n = bpf_probe_read_kernel_str(&e->data[off], NAME_MAX_,
					      kread(void *, d, kf_dentry_name));
		if (n <= 0)
			return;
		e->dir_len += n;
		e->dir_depth++;
		d = parent;
	}
}

static __always_inline int on_exit(long ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, zero = 0, len;
	struct opensnoop_event *e;
	struct start *s;
	long n;

	s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;	/* filtered, or entered before we attached */
	if (failed_only && ret >= 0)
		goto out;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		goto out;
	e->ts = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->flags = s->flags;
	e->mode = s->mode;
	e->event_flags = 0;
	e->dir_len = 0;
	e->dir_depth = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* at exit the kernel has read the path, so its pages are in and the read succeeds */
	n = bpf_probe_read_user_str(e->data, OPENSNOOP_PATH_MAX, s->path);
	if (n <= 0) {
		e->data[0] = 0;
		n = 1;
	} else if (n == OPENSNOOP_PATH_MAX) {
		char next = 0;

		/* exactly full: cut only if the string goes on */
		bpf_probe_read_user(&next, 1, s->path + OPENSNOOP_PATH_MAX - 1);
		if (next)
			e->event_flags |= OPENSNOOP_PATH_CUT;
	}
	e->path_len = n;
	/* an empty or unreadable name opened nothing in the directory: shown as it is (empty) */
	if (full_path && e->data[0] && e->data[0] != '/')
		walk_dir(e, s->dirfd);
	len = offsetof(struct opensnoop_event, data) + e->path_len + e->dir_len;
	if (len > sizeof(*e))
		len = sizeof(*e);
	emit(e, len);
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/*
 * sys_exit(regs, ret): one program for the exits of every open syscall. The number is in the
 * registers: the typed (tp_btf) variant reads it directly, the raw one needs a helper call per
 * system call (+50 ns here); user space loads the raw one only without kernel BTF.
 */
SEC("tp_btf/sys_exit")
int BPF_PROG(open_exit, struct pt_regs *regs, long ret)
{
	/* typed: a plain load, checked by the verifier against the kernel's own layout */
#if defined(__TARGET_ARCH_arm64)
	long nr = (int)((struct sys_regs *)regs)->SYS_NR;
#else
	long nr = ((struct sys_regs *)regs)->SYS_NR;
#endif

	if (!is_open(nr) || compat_syscall(regs))
		return 0;
	return on_exit(ret);
}

SEC("raw_tp/sys_exit")
int open_exit_raw(struct bpf_raw_tracepoint_args *ctx)
{
	void *regs = (void *)ctx->args[0];

	if (!is_open(syscall_nr(regs)) || compat_syscall(regs))
		return 0;
	return on_exit((long)ctx->args[1]);
}
