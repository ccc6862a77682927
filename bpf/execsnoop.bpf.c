// SPDX-License-Identifier: GPL-2.0
/* execsnoop, kernel side: arguments at exec entry, the outcome at exec success or failure. */
#define FILTER_CONTAINERS
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

/*
 * Threads whose exec lost its argument record (a full ring). Their outcome is dropped too and
 * the exec counted once as lost: losses are reported in execs, not in records.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} args_lost SEC(".maps");

/* A failure's record ends before the file name, which only successes without an entry use. */
#define DONE_FAILED_SIZE offsetof(struct execsnoop_done, filename)

KFIELD(task_real_parent);
KFIELD(task_tgid);
KFIELD(task_comm);
KFIELD(bprm_filename);

static __always_inline __u32 parent_tgid(void *task)
{
	return kread(__u32, kread(void *, task, kf_task_real_parent), kf_task_tgid);
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
	void *regs = (void *)ctx->args[0];
	long nr = (long)ctx->args[1];
	bool at = nr == NR_EXECVEAT;
	const char *const *argv;
	const char *arg;
	__u64 id;
	struct execsnoop_args *e;
	__u32 zero = 0, off, i;
	__u64 first;

	if ((nr != NR_EXECVE && !at) || compat_syscall(regs))
		return 0;
	argv = (const char *const *)(at ? sys_reg(regs, SYS_ARG3) : sys_reg(regs, SYS_ARG2));
	arg = (const char *)(at ? sys_reg(regs, SYS_ARG2) : sys_reg(regs, SYS_ARG1));
	id = bpf_get_current_pid_tgid();
	if (!filter_task())
		return 0;
	if (filter_ppid >= 0 &&
	    parent_tgid((void *)bpf_get_current_task()) != filter_ppid)
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
	if (bpf_ringbuf_output(&events, e, offsetof(struct execsnoop_args, data) + off,
			       wake_flag(0))) {
		__u8 one = 1;

		bpf_map_update_elem(&args_lost, &e->tid, &one, BPF_ANY);
	}
	return 0;
}

/*
 * Reserves the outcome record of the exec thread TID began (SIZE bytes of it), or counts the
 * exec as lost: when the ring is full, or when its argument record was lost.
 */
static __always_inline struct execsnoop_done *done_begin(__u32 tid, __u64 size)
{
	struct execsnoop_done *d;
	void *task;

	if (bpf_map_lookup_elem(&args_lost, &tid)) {
		bpf_map_delete_elem(&args_lost, &tid);
		__sync_fetch_and_add(&lost_events, 1);
		return NULL;
	}
	d = reserve(size);
	if (!d)
		return NULL;
	task = (void *)bpf_get_current_task();
	d->ts = bpf_ktime_get_ns();
	d->kind = EXECSNOOP_DONE;
	d->pid = bpf_get_current_pid_tgid() >> 32;
	d->ppid = parent_tgid(task);
	d->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(d->comm, sizeof(d->comm));
	bpf_probe_read_kernel_str(d->pcomm, sizeof(d->pcomm),
				  (char *)kread(void *, task, kf_task_real_parent) + kf_task_comm);
	d->tid = tid;
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
	void *bprm = (void *)ctx->args[2];
	struct execsnoop_done *d;

	if (filter_uid >= 0 && (__u32)bpf_get_current_uid_gid() != filter_uid)
		return 0;
	if (!filter_container())
		return 0;
	d = done_begin((__u32)ctx->args[1], sizeof(*d));
	if (!d)
		return 0;
	d->ret = 0;
	bpf_probe_read_kernel_str(d->filename, sizeof(d->filename),
				  kread(void *, bprm, kf_bprm_filename));
	submit(d);
	return 0;
}

/* sys_exit(regs, ret) */
SEC("raw_tp/sys_exit")
int exec_exit(struct bpf_raw_tracepoint_args *ctx)
{
	void *regs = (void *)ctx->args[0];
	long ret = (long)ctx->args[1], nr;
	struct execsnoop_done *d;

	if (ret >= 0)
		return 0;	/* reported by sched_process_exec */
	nr = syscall_nr(regs);
	if ((nr != NR_EXECVE && nr != NR_EXECVEAT) || compat_syscall(regs))
		return 0;
	if (!filter_task())
		return 0;
	d = done_begin((__u32)bpf_get_current_pid_tgid(), DONE_FAILED_SIZE);
	if (!d)
		return 0;
	d->ret = ret;
	submit_len(d, DONE_FAILED_SIZE);
	return 0;
}
