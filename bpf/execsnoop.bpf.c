// SPDX-License-Identifier: GPL-2.0
/* execsnoop, kernel side: arguments at exec entry, the outcome at exec success or failure. */
#include "filter.bpf.h"
#include "execsnoop.h"

/*
 * Raw syscall tracepoints rather than the syscalls:sys_{enter,exit}_execve* events: releasing
 * a perf-event tracepoint waits for an RCU grace period under a kernel-wide mutex (about
 * 45 ms each here, one after another), while a raw tracepoint link goes at once. The price
 * is a program run on every system call, which returns after comparing the number.
 * execve and execveat share one entry and one exit program: one verification instead of two.
 */
#if defined(__TARGET_ARCH_x86)
#define NR_EXECVE 59
#define NR_EXECVEAT 322
#elif defined(__TARGET_ARCH_arm64)
#define NR_EXECVE 221
#define NR_EXECVEAT 281
#endif
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

/* sys_enter(regs, id) */
SEC("raw_tp/sys_enter")
int exec_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	long nr = (long)ctx->args[1];
	bool at = nr == NR_EXECVEAT;
	const char *const *argv;
	const char *arg;
	__u64 id;
	struct execsnoop_args *e;
	__u32 zero = 0, off, i;

	if ((nr != NR_EXECVE && !at) || compat_syscall(regs))
		return 0;
	argv = (const char *const *)(at ? PT_REGS_PARM3_CORE_SYSCALL(regs)
				      : PT_REGS_PARM2_CORE_SYSCALL(regs));
	arg = (const char *)(at ? PT_REGS_PARM2_CORE_SYSCALL(regs)
			     : PT_REGS_PARM1_CORE_SYSCALL(regs));
	id = bpf_get_current_pid_tgid();
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

	/* argument 0 is the file being executed, as BCC shows it; then argv[1..] */
	for (i = 0; i < EXECSNOOP_MAX_ARGS && arg; i++) {
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
/* sched_process_exec(p, old_pid, bprm) */
SEC("raw_tp/sched_process_exec")
int exec_done(struct bpf_raw_tracepoint_args *ctx)
{
	struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
	struct execsnoop_done *d;

	if (filter_uid >= 0 && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return 0;
	d = done_begin();
	if (!d)
		return 0;
	d->tid = (__u32)ctx->args[1];
	d->ret = 0;
	bpf_probe_read_kernel_str(d->filename, sizeof(d->filename), BPF_CORE_READ(bprm, filename));
	submit(d);
	return 0;
}

/* sys_exit(regs, ret) */
SEC("raw_tp/sys_exit")
int exec_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	long ret = (long)ctx->args[1], nr;
	struct execsnoop_done *d;

	if (ret >= 0)
		return 0;	/* reported by sched_process_exec */
	nr = syscall_nr(regs);
	if ((nr != NR_EXECVE && nr != NR_EXECVEAT) || compat_syscall(regs))
		return 0;
	if (!filter_task())
		return 0;
	d = done_begin();
	if (!d)
		return 0;
	d->tid = (__u32)bpf_get_current_pid_tgid();
	d->ret = ret;
	submit(d);
	return 0;
}
