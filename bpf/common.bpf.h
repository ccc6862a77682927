/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel-side pieces every applet shares: the event ring buffer and its lost counter. */
#ifndef BPFBOX_COMMON_BPF_H
#define BPFBOX_COMMON_BPF_H

/* Kernel structs are read at offsets from the kernel's BTF (kfield.h), not by CO-RE: the
 * layouts used as they are (pt_regs, the raw tracepoint arguments) are the kernel's ABI. */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "kfield.h"

/* The offset of a kernel struct member, filled in before the load (common/kfield.c); static,
 * so that one no program of the object reads is dropped and costs no lookup. */
#define KFIELD(name) static const volatile __u32 kf_##name = KFIELD_ABSENT

/* The TYPE at byte OFF of kernel object PTR; 0 when it cannot be read. */
#define kread(type, ptr, off) ({						\
	type __kv = 0;								\
	bpf_probe_read_kernel(&__kv, sizeof(__kv), (const char *)(ptr) + (off));	\
	__kv;									\
})

char LICENSE[] SEC("license") = "GPL";

/* User space sizes it before load (bpf_map__set_max_entries). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Records that did not fit in the ring buffer; read and reported by the run loop. */
__u64 lost_events = 0;

/*
 * A wake-up per record costs more than the record, so records go in without one
 * (BPF_RB_NO_WAKEUP) and the reader drains in batches, at most once per period. Two records
 * do wake it: the first one into an empty ring, since the reader is then idle and waiting
 * (so the first event shows at once), and any record past a quarter of the ring, so a burst
 * cannot overflow it before the next drain.
 */
static __always_inline __u64 wake_flag(__u64 empty_at)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);

	if (avail <= empty_at || avail > bpf_ringbuf_query(&events, BPF_RB_RING_SIZE) / 4)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* Copies len bytes of data into the ring; counts the loss when it is full. */
static __always_inline int emit(void *data, __u64 len)
{
	if (bpf_ringbuf_output(&events, data, len, wake_flag(0))) {
		__sync_fetch_and_add(&lost_events, 1);
		return -1;
	}
	return 0;
}

static __always_inline void *reserve(__u64 len)
{
	void *p = bpf_ringbuf_reserve(&events, len, 0);

	if (!p)
		__sync_fetch_and_add(&lost_events, 1);
	return p;
}

/*
 * Raw syscall tracepoints (sys_enter, sys_exit) pass the user registers. Their layout is the
 * architecture's syscall ABI, fixed for good, so they are read at plain offsets: a CO-RE
 * relocation would cost a scan of the kernel's whole BTF at load (~3 ms here per type).
 * Syscalls of 32-bit tasks (ia32, aarch32) use another numbering and are left out, as the
 * syscalls:* trace events leave them out.
 */
#if defined(__TARGET_ARCH_x86)
struct sys_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax;
};
#define SYS_ARG1 di
#define SYS_ARG2 si
#define SYS_ARG3 dx
#define SYS_ARG4 r10
#define SYS_NR orig_ax
#elif defined(__TARGET_ARCH_arm64)
struct sys_regs {
	unsigned long regs[31], sp, pc, pstate, orig_x0;
	int syscallno;		/* a typed (tp_btf) load must match the kernel's s32 */
};
#define SYS_ARG1 orig_x0
#define SYS_ARG2 regs[1]
#define SYS_ARG3 regs[2]
#define SYS_ARG4 regs[3]
#define SYS_NR syscallno
#endif

/* sys_reg(regs, SYS_ARG1): one register of a raw syscall tracepoint's REGS. */
#define sys_reg(regs, field) ({							\
	unsigned long __v = 0;							\
	bpf_probe_read_kernel(&__v, sizeof(__v), &((struct sys_regs *)(regs))->field);	\
	__v;									\
})

static __always_inline long syscall_nr(void *regs)
{
#if defined(__TARGET_ARCH_arm64)
	return (int)sys_reg(regs, SYS_NR);
#else
	return sys_reg(regs, SYS_NR);
#endif
}

KFIELD(task_ti_status);

static __always_inline bool compat_syscall(void *regs)
{
#if defined(__TARGET_ARCH_x86)
	/* TS_COMPAT: in an ia32 system call (int $0x80 from 64-bit code too) */
	return kread(__u32, bpf_get_current_task(), kf_task_ti_status) & 0x0002;
#elif defined(__TARGET_ARCH_arm64)
	/* PSR_MODE32_BIT in the saved PSTATE: an AArch32 task */
	return sys_reg(regs, pstate) & 0x10;
#endif
}

/*
 * Commits a record from reserve(sizeof(*p)). The reservation already counts in the ring's
 * fill (8-byte header, length rounded up to 8), so the ring was empty if that is all it holds.
 */
#define submit(p) submit_len((p), sizeof(*(p)))
/* The same for a record reserved shorter than its type (LEN bytes). */
#define submit_len(p, len) bpf_ringbuf_submit((p), wake_flag((((len) + 7) & ~7ull) + 8))

#endif
