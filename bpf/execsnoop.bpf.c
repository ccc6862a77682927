// SPDX-License-Identifier: GPL-2.0
/* execsnoop, kernel side: arguments at exec entry, the outcome at exec success or failure. */
#define FILTER_CONTAINERS
#include "filter.bpf.h"
#include "execsnoop.h"

/*
 * execve and execveat share one entry and one exit program, told apart by syscall number:
 * one verification instead of two. The tracepoint records are described by hand because
 * their layout is fixed ABI; CO-RE relocations against the kernel's types cost load time.
 */
#if defined(__TARGET_ARCH_x86)
#define NR_EXECVEAT 322
#elif defined(__TARGET_ARCH_arm64)
#define NR_EXECVEAT 281
#endif

struct sys_enter_rec {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[6];
};

struct sys_exit_rec {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

struct sched_exec_rec {
	__u64 common;
	__u32 filename_loc;	/* __data_loc: offset in the low 16 bits */
	__s32 pid;
	__s32 old_pid;
};

const volatile __u32 max_args = 20;
const volatile __s64 filter_ppid = -1;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct execsnoop_args);
} scratch SEC(".maps");

static __always_inline __u32 parent_tgid(struct task_struct *task)
{
	return BPF_CORE_READ(task, real_parent, tgid);
}

/*
 * Appends one argument: a flag byte, then the string with its NUL. A global function is
 * verified once on its own instead of once per loop iteration, which keeps load time low.
 * It takes only scalars (5.10 has no pointer arguments for global functions) and finds
 * this CPU's record itself. Returns 0, or -1 when the buffer is full.
 */
__noinline int append_arg(unsigned long uptr)
{
	const char *arg = (const char *)uptr;
	struct execsnoop_args *e;
	__u32 zero = 0, off;
	long n;

	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return -1;
	off = e->size;
	if (off > EXECSNOOP_DATA_SIZE - EXECSNOOP_ARG_LEN - 1) {
		e->flags |= EXECSNOOP_DATA_FULL;
		return -1;
	}
	off &= EXECSNOOP_DATA_SIZE - 1;
	e->data[off] = 0;
	n = bpf_probe_read_user_str(&e->data[off + 1], EXECSNOOP_ARG_LEN, arg);
	if (n <= 0) {
		e->data[off + 1] = 0;
		n = 1;
	} else if (n == EXECSNOOP_ARG_LEN) {
		char next = 0;

		/* exactly full: cut only if the string goes on */
		bpf_probe_read_user(&next, 1, arg + EXECSNOOP_ARG_LEN - 1);
		if (next)
			e->data[off] = EXECSNOOP_ARG_CUT;
	}
	e->size = off + 1 + n;
	return 0;
}

SEC("tracepoint")
int exec_enter(struct sys_enter_rec *ctx)
{
	/* context fields are read at constant offsets only (the verifier insists) */
	__u64 a0 = ctx->args[0], a1 = ctx->args[1], a2 = ctx->args[2];
	bool at = ctx->nr == NR_EXECVEAT;
	const char *const *argv = (const char *const *)(at ? a2 : a1);
	const char *arg = (const char *)(at ? a1 : a0);
	__u64 id = bpf_get_current_pid_tgid();
	struct execsnoop_args *e;
	__u32 zero = 0, off, i;
	__u64 first;

	if (!filter_task())
		return 0;
	if (filter_ppid >= 0 &&
	    parent_tgid((struct task_struct *)bpf_get_current_task()) != filter_ppid)
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	e->kind = EXECSNOOP_ARGS;
	e->tid = (__u32)id;
	e->pid = id >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->flags = 0;
	e->nargs = 0;
	e->size = 0;

	/*
	 * argument 0 is the file being executed, as BCC shows it; then argv[1..]. An empty argv
	 * ({NULL}, as in the pkexec exploit) shows as no arguments: argv[1] would be past its end.
	 */
	if (bpf_probe_read_user(&first, sizeof(first), &argv[0]) || !first)
		arg = NULL;
	/* one step past the maximum, so that --max-args 128 still sees what follows */
	for (i = 0; i <= EXECSNOOP_MAX_ARGS && arg; i++) {
		if (i >= max_args) {
			e->flags |= EXECSNOOP_MORE_ARGS;
			break;
		}
		if (append_arg((unsigned long)arg))
			break;
		e->nargs = i + 1;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i + 1]))
			arg = NULL;
	}
	off = e->size;
	if (off > EXECSNOOP_DATA_SIZE + EXECSNOOP_ARG_LEN)
		off = EXECSNOOP_DATA_SIZE + EXECSNOOP_ARG_LEN;
	emit(e, offsetof(struct execsnoop_args, data) + off);
	return 0;
}

static __always_inline struct execsnoop_done *done_begin(void)
{
	struct execsnoop_done *d = reserve(sizeof(*d));
	struct task_struct *task;

	if (!d)
		return NULL;
	task = (struct task_struct *)bpf_get_current_task();
	d->ts = bpf_ktime_get_ns();
	d->kind = EXECSNOOP_DONE;
	d->pid = bpf_get_current_pid_tgid() >> 32;
	d->ppid = parent_tgid(task);
	d->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(d->comm, sizeof(d->comm));
	BPF_CORE_READ_STR_INTO(&d->pcomm, task, real_parent, comm);
	d->filename[0] = 0;
	return d;
}

/*
 * Success is taken from sched_process_exec: a thread that execs becomes the thread group
 * leader (de_thread), so at syscall exit its thread id has changed; old_pid is the id the
 * entry was recorded under.
 */
SEC("tracepoint/sched/sched_process_exec")
int exec_done(struct sched_exec_rec *ctx)
{
	struct execsnoop_done *d;

	if (filter_uid >= 0 && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return 0;
	if (!filter_container())
		return 0;
	d = done_begin();
	if (!d)
		return 0;
	d->tid = ctx->old_pid;
	d->ret = 0;
	bpf_probe_read_kernel_str(d->filename, sizeof(d->filename),
				  (void *)ctx + (ctx->filename_loc & 0xffff));
	submit(d);
	return 0;
}

SEC("tracepoint")
int exec_exit(struct sys_exit_rec *ctx)
{
	struct execsnoop_done *d;

	if (ctx->ret >= 0)
		return 0;	/* reported by sched_process_exec */
	if (!filter_task())
		return 0;
	d = done_begin();
	if (!d)
		return 0;
	d->tid = (__u32)bpf_get_current_pid_tgid();
	d->ret = ctx->ret;
	submit(d);
	return 0;
}
