/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The expression VM (DESIGN §6): trace's filters and values compiled to a small stack
 * bytecode that a precompiled, verified BPF interpreter runs (exprvm.bpf.h). This header is
 * shared by both sides: the op encoding, the event layout, and the op semantics that do not
 * touch memory, static inline so that unit tests run bytecode on the host.
 */
#ifndef BPFBOX_EXPRVM_H
#define BPFBOX_EXPRVM_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define XVM_STACK 16		/* u64 slots; a power of two (indices are masked) */
#define XVM_PROBE_OPS 128	/* ops one probe may have: filter and values together */
#define XVM_VALS 8		/* values one event may carry */
#define XVM_STR_MAX 256		/* bytes of one string value or STRCMP literal */
#define XVM_ARGS 7		/* arg1..arg6, then the return value */
#define XVM_PROBES_MAX 64	/* probes one trace may have */

/* Op codes: prefixed, because vmlinux.h has OP_* of its own. */
enum xvm_code {
	XVM_END = 0,	/* stop: emit the event */
	XVM_IMM,	/* push imm */
	XVM_ARG,	/* push args[arg]: argN (0..5) or the return value (6), from the shell */
	XVM_CTX,	/* push the tracepoint record's field at imm, size bytes, XVM_F_SIGNED */
	XVM_DATALOC,	/* push the address of the string of the __data_loc field at imm (size 1: of the
			 * char array field at imm itself) */
	XVM_PID,	/* thread id (BCC's $pid) */
	XVM_TGID,	/* process id */
	XVM_UID,
	XVM_GID,
	XVM_CPU,
	XVM_TASK,	/* current task_struct address */
	XVM_LATENCY,	/* ns since the thread's entry probe (argdist's $latency) */
	XVM_ENTRY,	/* argument arg saved by the thread's entry probe ($entry(name)) */
	XVM_LOAD,	/* pop address, push size bytes read there (XVM_F_USER: user memory) */
	XVM_STRCMP,	/* pop address, push 1 when the string there starts with literal arg */
	XVM_EXT,	/* truncate the top to size bytes, sign-extending with XVM_F_SIGNED */
	XVM_JZ,		/* top zero: jump to imm, keeping it; else pop it (&&) */
	XVM_JNZ,	/* top non-zero: jump to imm, keeping it; else pop it (||) */
	XVM_FILTER,	/* pop; zero drops the event */
	XVM_OUT,	/* pop into the event's value arg */
	XVM_OUTSTR,	/* pop address, copy the string there into the event's string arg */
	XVM_OUTCOMM,	/* the current task's comm into the event's string arg (argdist's $COMM) */
	/* fused ops (DESIGN §6): one step, and no stack, for the commonest shapes */
	XVM_FCMP,	/* pop a; drop the event unless a ARG imm (ARG: XVM_EQ..XVM_SGE) */
	XVM_FCTX,	/* drop the event unless the record's field at off (as XVM_CTX) ARG imm */
	XVM_OUTCTX,	/* the record's field at imm (as XVM_CTX) into the event's value arg */
	/* unary: the top replaced */
	XVM_LNOT,
	XVM_NEG,
	XVM_BNOT,
	XVM_BOOL,
	/* binary: pop b, pop a, push a OP b */
	XVM_ADD,
	XVM_SUB,
	XVM_MUL,
	XVM_DIV,
	XVM_SDIV,
	XVM_MOD,
	XVM_SMOD,
	XVM_AND,
	XVM_OR,
	XVM_XOR,
	XVM_SHL,
	XVM_SHR,
	XVM_SAR,
	XVM_EQ,
	XVM_NE,
	XVM_LT,
	XVM_LE,
	XVM_GT,
	XVM_GE,
	XVM_SLT,
	XVM_SLE,
	XVM_SGT,
	XVM_SGE,
	XVM__COUNT
};

#define XVM_F_SIGNED 1
#define XVM_F_USER 2

/* One op: 16 bytes. */
struct xvm_op {
	__u8 code;
	__u8 size;	/* bytes of a load or extension: 1, 2, 4 or 8 */
	__u8 flags;
	__u8 arg;	/* argument, value or literal slot; the comparison of XVM_FCMP, XVM_FCTX */
	__u32 off;	/* XVM_FCTX: the field's offset in the record */
	__s64 imm;
};

/* STRCMP literals: len bytes compared (BCC: the literal's NUL is not). */
struct xvm_lit {
	union {
		char s[XVM_STR_MAX];
		__u64 w[XVM_STR_MAX / 8];	/* compared a word at a time */
	};
	__u32 len;
};

/* Kinds of probe shells, for where arguments come from. */
enum xvm_mech {
	XVM_MECH_TP,	/* tracepoint record (XVM_CTX, XVM_DATALOC) */
	XVM_MECH_REGS,	/* kprobe or uprobe pt_regs */
	XVM_MECH_USDT,	/* libbpf's USDT argument specs */
};

/* Per probe (index = BPF cookie): where its code is and what its events carry. */
struct xvm_probe {
	__u32 base;	/* first op in the code map */
	__u32 nops;
	__u32 nstr;	/* string values: events carry strings only when this is set */
	__u32 stack;	/* XVM_STACK_K | XVM_STACK_U */
	__u32 syscall;	/* an arch syscall wrapper: argN are in the pt_regs it is given */
};

#define XVM_STACK_K 1
#define XVM_STACK_U 2

/* What an entry probe saves for its return probe ($latency, $entry), per thread. */
struct xvm_entry {
	__u64 ts;
	__u64 args[6];
};

struct xvm_event {
	__u64 ts;		/* bpf_ktime_get_ns */
	__u32 tgid, pid;
	__u32 cpu, probe;
	char comm[16];
	__s64 kstack, ustack;	/* stack ids, or -errno; -1 when not asked */
	__u64 val[XVM_VALS];
	char str[XVM_VALS][XVM_STR_MAX];
};

#define XVM_EVENT_NOSTR ((unsigned long)&((struct xvm_event *)0)->str)

/* Truncation to size bytes, sign-extended when asked. */
static inline __u64 xvm_ext(__u64 v, unsigned int size, unsigned int flags)
{
	if (size >= 8 || !size)
		return v;
	if (flags & XVM_F_SIGNED) {
		unsigned int sh = 64 - size * 8;

		return (__u64)((__s64)(v << sh) >> sh);
	}
	return v & ((1ull << (size * 8)) - 1);
}

/* Signed division without BPF's signed ops (cpu v4): on magnitudes, sign fixed after. */
static inline __u64 xvm_sdiv(__u64 a, __u64 b, int mod)
{
	int na = (__s64)a < 0, nb = (__s64)b < 0;
	__u64 ua = na ? -a : a, ub = nb ? -b : b, r;

	if (!ub)
		return mod ? a : 0;
	r = mod ? ua % ub : ua / ub;
	return (mod ? na : na != nb) ? -r : r;
}

/* Unary and binary ops; division by zero gives 0 and modulo by zero a, as BPF does. */
static inline __u64 xvm_unop(unsigned int code, __u64 a)
{
	switch (code) {
	case XVM_LNOT:
		return !a;
	case XVM_NEG:
		return -a;
	case XVM_BNOT:
		return ~a;
	case XVM_BOOL:
		return !!a;
	}
	return 0;
}

/* Comparisons (XVM_EQ..XVM_SGE; any other code is false): binary ops and the fused filters. */
static inline int xvm_cmp(unsigned int code, __u64 a, __u64 b)
{
	switch (code) {
	case XVM_EQ: return a == b;
	case XVM_NE: return a != b;
	case XVM_LT: return a < b;
	case XVM_LE: return a <= b;
	case XVM_GT: return a > b;
	case XVM_GE: return a >= b;
	case XVM_SLT: return (__s64)a < (__s64)b;
	case XVM_SLE: return (__s64)a <= (__s64)b;
	case XVM_SGT: return (__s64)a > (__s64)b;
	case XVM_SGE: return (__s64)a >= (__s64)b;
	}
	return 0;
}

static inline __u64 xvm_binop(unsigned int code, __u64 a, __u64 b)
{
	if (code >= XVM_EQ)
		return xvm_cmp(code, a, b);
	switch (code) {
	case XVM_ADD: return a + b;
	case XVM_SUB: return a - b;
	case XVM_MUL: return a * b;
	case XVM_DIV: return b ? a / b : 0;
	case XVM_SDIV: return xvm_sdiv(a, b, 0);
	case XVM_MOD: return b ? a % b : a;
	case XVM_SMOD: return xvm_sdiv(a, b, 1);
	case XVM_AND: return a & b;
	case XVM_OR: return a | b;
	case XVM_XOR: return a ^ b;
	case XVM_SHL: return a << (b & 63);
	case XVM_SHR: return a >> (b & 63);
	case XVM_SAR: return (__u64)((__s64)a >> (b & 63));
	}
	return 0;
}

#endif
