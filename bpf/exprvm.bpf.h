/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The expression VM's interpreter (DESIGN §6): one op per call of a global subprogram, which
 * the verifier checks once whatever the bytecode, driven by bpf_loop (5.17+, XVM_BATCH ops per
 * callback) or, without it, by a bounded loop of calls (xvm_run). State lives in a per-CPU map; the shell (xvm_run) fills the
 * arguments first. A probe's leading fused ops (a record field compared with a constant, a
 * field stored as a value, the end) run inline in the shell before any step call: the
 * commonest filters and values cost no call and no stack. The includer has common.bpf.h.
 */
#ifndef BPFBOX_EXPRVM_BPF_H
#define BPFBOX_EXPRVM_BPF_H

#include "exprvm.h"
#include "probe_shell.h"

/* User space sizes the tables before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVM_PROBE_OPS);
	__type(key, __u32);
	__type(value, struct xvm_op);
} xvm_code SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvm_probe);
} xvm_probes SEC(".maps");

/* STRCMP literals: probe * XVM_VALS + literal */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVM_VALS);
	__type(key, __u32);
	__type(value, struct xvm_lit);
} xvm_lits SEC(".maps");

/* Entry probes' saves, by thread (argdist's $latency and $entry); sized by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct xvm_entry);
} xvm_entries SEC(".maps");

struct xvm_state {
	__u64 stack[XVM_STACK];
	__u64 args[XVM_ARGS];
	__u64 ctx;		/* the tracepoint record's address */
	__u32 sp, pc, base, nops, probe;
	__s32 verdict;		/* 0 running, 1 emit, -1 drop */
	union {
		char scratch[XVM_STR_MAX];
		__u64 scratch_w[XVM_STR_MAX / 8];
	};
	struct pt_regs regs;	/* kprobes, uprobes: the registers, copied by the shell */
	struct xvm_event ev;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvm_state);
} xvm_state SEC(".maps");

const volatile __u32 xvm_str_size = 80;	/* -Z */

/*
 * The op codes the loaded probes use, a bit per code, set by user space from their bytecode
 * before the load: the code of every other op is dead to the verifier, which then walks a
 * fraction of the interpreter for most expressions (its walk is most of trace's start-up).
 */
const volatile __u64 xvm_ops = ~0ull;
#define XVM_USES(c) (xvm_ops & (1ull << (c)))
_Static_assert(XVM__COUNT <= 64, "xvm_ops has a bit per op code");
#define XVM_BINOPS (~0ull << XVM_ADD)
#define XVM_UNOPS (((1ull << XVM_ADD) - 1) & (~0ull << XVM_LNOT))

static __always_inline int xvm_read(void *dst, __u32 size, __u64 addr, __u8 flags)
{
	if (flags & XVM_F_USER)
		return bpf_probe_read_user(dst, size, (void *)addr);
	return bpf_probe_read_kernel(dst, size, (void *)addr);
}

static __always_inline int xvm_read_str(void *dst, __u32 size, __u64 addr, __u8 flags)
{
	if (flags & XVM_F_USER)
		return bpf_probe_read_user_str(dst, size, (void *)addr);
	return bpf_probe_read_kernel_str(dst, size, (void *)addr);
}

#define XVM_MASK (XVM_STACK - 1)

/* Leading ops xvm_run tries inline before stepping */
#define XVM_INLINE 3

enum xvm_fused_res { XVM_R_OTHER, XVM_R_NEXT, XVM_R_DROP, XVM_R_EMIT };

/*
 * The 8-byte words of the record that every tracepoint target has (user space sets it from
 * the formats). Fields inside them are read straight from ctx, which costs nothing next to the
 * probe_read helper (~35 ns on the project machine, more than the whole hand-written program):
 * the verifier sees no read at or past this bound (rodata prunes those branches), so the
 * program still attaches to each target, which the kernel refuses to a program reading past
 * a record (EACCES).
 */
const volatile __u32 xvm_tp_words = 0;

#define XVM_TPW(i, b)								\
	case i:									\
		if (xvm_tp_words <= i)						\
			return false;						\
		/* asm: the offset must stay a constant the verifier sees */	\
		asm volatile("%0 = *(u64 *)(%1 + " #b ")" : "=r"(w) : "r"(ctx));	\
		break;

/* The field at off (size bytes) of the record at ctx, read directly; false when it cannot be. */
static __always_inline bool xvm_tp_direct(void *ctx, __u32 off, __u8 size, __u64 *v)
{
	__u64 w;

	if ((off & 7) + size > 8)
		return false;
	switch (off >> 3) {
	XVM_TPW(1, 8) XVM_TPW(2, 16) XVM_TPW(3, 24) XVM_TPW(4, 32) XVM_TPW(5, 40)
	XVM_TPW(6, 48) XVM_TPW(7, 56) XVM_TPW(8, 64) XVM_TPW(9, 72) XVM_TPW(10, 80)
	XVM_TPW(11, 88) XVM_TPW(12, 96) XVM_TPW(13, 104) XVM_TPW(14, 112) XVM_TPW(15, 120)
	default:
		return false;
	}
	*v = w >> ((off & 7) * 8);	/* little-endian, as both BPF targets are */
	return true;
}

/*
 * The record's field at off: size bytes, extended as the op says. ctx: the record itself
 * where the caller is a tracepoint shell (xvm_run's inline prefix), else NULL (xvm_op, which
 * has only the state).
 */
static __always_inline __u64 xvm_ctx_field(const struct xvm_state *st, void *ctx, __u64 off,
					   __u8 size, __u8 flags)
{
	__u64 a = 0;

	if (!ctx || !xvm_tp_direct(ctx, off, size, &a))
		bpf_probe_read_kernel(&a, size <= 8 ? size : 8, (void *)(st->ctx + off));
	return xvm_ext(a, size, flags);
}

/* The ops that use neither the stack nor the pc, for xvm_run's inline prefix and xvm_op. */
static __always_inline enum xvm_fused_res xvm_fused(struct xvm_state *st, void *ctx, __u8 code,
						    __u8 size, __u8 flags, __u8 arg, __u32 off,
						    __s64 imm)
{
	switch (code) {
	case XVM_END:
		return XVM_R_EMIT;
	case XVM_FCTX:
		if (!XVM_USES(XVM_FCTX))
			return XVM_R_DROP;
		return xvm_cmp(arg, xvm_ctx_field(st, ctx, off, size, flags), imm) ? XVM_R_NEXT :
		       XVM_R_DROP;
	case XVM_OUTCTX:
		if (!XVM_USES(XVM_OUTCTX))
			return XVM_R_DROP;
		st->ev.val[arg & (XVM_VALS - 1)] = xvm_ctx_field(st, ctx, imm, size, flags);
		return XVM_R_NEXT;
	}
	return XVM_R_OTHER;
}

/* A literal's length; user space keeps it below XVM_STR_MAX (masked: a clamp is a branch,
 * and each branch doubles the verifier's walks of xvm_strcmp's loop) */
static __always_inline __u32 xvm_lit_len(const struct xvm_lit *lit)
{
	return lit->len & (XVM_STR_MAX - 1);
}

/* Bytes 0..N (N clamped to 0..8) of a little-endian word, without a branch: the verifier
 * follows both sides of every branch, and a branch per word multiplied the loop's paths. */
static __always_inline __u64 xvm_low_bytes(__s64 n)
{
	__u64 big = 8 - n, neg = n;

	/* opaque to clang, which would turn these sign bits back into compares, and a compare
	 * is a branch in BPF */
	asm volatile("" : "+r"(big), "+r"(neg));
	big >>= 63;			/* n > 8 */
	neg >>= 63;			/* n < 0 */
	asm volatile("" : "+r"(big), "+r"(neg));
	n &= neg - 1;			/* n < 0: 0 */
	n ^= (n ^ 8) & -big;		/* n > 8: 8 */
	/* two shifts: one by 64 would be undefined in C (a shift by 32 twice clears) */
	return ((1ull << (4 * n)) << (4 * n)) - 1;
}

/* Words STRCMP compares per loop step */
#define XVM_CMP_WORDS 4

/*
 * STRCMP: 1 when the string at ADDR (user memory with XVM_F_USER in FLAGS) starts with
 * literal LIT_KEY; -1 without the literal. The string is read into the state's scratch, as
 * long as the literal and its NUL. A global function, so that the verifier walks the loop
 * once rather than once per path into the op, and 32 bytes a step: the loop, byte by byte,
 * was half of the interpreter's verification.
 */
__noinline int xvm_strcmp(__u32 key, __u32 lit_key, __u64 addr, __u32 flags)
{
	struct xvm_state *st = bpf_map_lookup_elem(&xvm_state, &key);
	struct xvm_lit *lit = bpf_map_lookup_elem(&xvm_lits, &lit_key);
	__u32 len, i;

	if (!st || !lit)
		return -1;
	len = xvm_lit_len(lit);
	st->scratch[0] = 0;
	if (addr)
		xvm_read_str(st->scratch, len + 1, addr, flags);
	for (i = 0; i < XVM_STR_MAX; i += 8 * XVM_CMP_WORDS) {
		__u64 diff = 0;

		if (i >= len)
			break;
		for (int j = 0; j < XVM_CMP_WORDS; j++) {
			__u32 w = (i / 8 + j) & (XVM_STR_MAX / 8 - 1);

			diff |= (st->scratch_w[w] ^ lit->w[w]) &
				xvm_low_bytes((__s64)len - (i + 8 * j));
		}
		if (diff)
			return 0;
	}
	return 1;
}

/* One op of the running probe's code; non-zero when the program has ended. */
static __always_inline int xvm_op1(struct xvm_state *st)
{
	struct xvm_op *opp, op;
	__u32 sp, at;
	__u64 a = 0, b;

	at = st->base + st->pc;
	opp = bpf_map_lookup_elem(&xvm_code, &at);
	if (!opp || st->pc >= st->nops) {
		st->verdict = -1;
		return 1;
	}
	op = *opp;
	sp = st->sp;
	st->pc++;
	switch (xvm_fused(st, NULL, op.code, op.size, op.flags, op.arg, op.off, op.imm)) {
	case XVM_R_OTHER:
		break;
	case XVM_R_NEXT:
		return 0;
	case XVM_R_DROP:
		st->verdict = -1;
		return 1;
	case XVM_R_EMIT:
		st->verdict = 1;
		return 1;
	}
	/* ops that consume the top: pop it first */
	if (op.code == XVM_LOAD || op.code == XVM_STRCMP || op.code == XVM_EXT ||
	    op.code == XVM_FILTER || op.code == XVM_FCMP || op.code == XVM_OUT ||
	    op.code == XVM_OUTSTR || op.code >= XVM_LNOT) {
		if (!sp)
			goto bad;
		a = st->stack[--sp & XVM_MASK];
	}
	if (op.code >= XVM_ADD) {
		if (!(xvm_ops & XVM_BINOPS) || !sp)
			goto bad;
		b = a;
		a = st->stack[--sp & XVM_MASK];
		a = xvm_binop(op.code, a, b);
		goto push;
	}
	if (op.code >= XVM_LNOT) {
		if (!(xvm_ops & XVM_UNOPS))
			goto bad;
		a = xvm_unop(op.code, a);
		goto push;
	}
	switch (op.code) {
	case XVM_IMM:
		if (!XVM_USES(XVM_IMM))
			goto bad;
		a = op.imm;
		goto push;
	case XVM_ARG:
		if (!XVM_USES(XVM_ARG))
			goto bad;
		a = st->args[op.arg < XVM_ARGS ? op.arg : 0];
		goto push;
	case XVM_CTX:
		if (!XVM_USES(XVM_CTX))
			goto bad;
		a = xvm_ctx_field(st, NULL, op.imm, op.size, op.flags);
		goto push;
	case XVM_DATALOC:
		if (!XVM_USES(XVM_DATALOC))
			goto bad;
		if (op.size) {
			a = st->ctx + op.imm;
			goto push;
		}
		b = 0;
		bpf_probe_read_kernel(&b, 4, (void *)(st->ctx + op.imm));
		a = st->ctx + (b & 0xffff);
		goto push;
	case XVM_PID:
		if (!XVM_USES(XVM_PID))
			goto bad;
		a = (__u32)bpf_get_current_pid_tgid();
		goto push;
	case XVM_TGID:
		if (!XVM_USES(XVM_TGID))
			goto bad;
		a = bpf_get_current_pid_tgid() >> 32;
		goto push;
	case XVM_UID:
		if (!XVM_USES(XVM_UID))
			goto bad;
		a = (__u32)bpf_get_current_uid_gid();
		goto push;
	case XVM_GID:
		if (!XVM_USES(XVM_GID))
			goto bad;
		a = bpf_get_current_uid_gid() >> 32;
		goto push;
	case XVM_CPU:
		if (!XVM_USES(XVM_CPU))
			goto bad;
		a = bpf_get_smp_processor_id();
		goto push;
	case XVM_TASK:
		if (!XVM_USES(XVM_TASK))
			goto bad;
		a = bpf_get_current_task();
		goto push;
	case XVM_LATENCY:
	case XVM_ENTRY: {
		__u64 tid = bpf_get_current_pid_tgid();
		struct xvm_entry *en;

		if (!XVM_USES(XVM_LATENCY) && !XVM_USES(XVM_ENTRY))
			goto bad;
		en = bpf_map_lookup_elem(&xvm_entries, &tid);
		if (!en) {
			/* no entry seen (attached mid-call): BCC drops the event too */
			st->verdict = -1;
			return 1;
		}
		a = op.code == XVM_LATENCY ? bpf_ktime_get_ns() - en->ts :
		    en->args[op.arg < 6 ? op.arg : 0];
		goto push;
	}
	case XVM_LOAD:
		if (!XVM_USES(XVM_LOAD))
			goto bad;
		b = 0;
		xvm_read(&b, op.size <= 8 ? op.size : 8, a + op.imm, op.flags);
		a = xvm_ext(b, op.size, op.flags);
		goto push;
	case XVM_EXT:
		if (!XVM_USES(XVM_EXT))
			goto bad;
		a = xvm_ext(a, op.size, op.flags);
		goto push;
	case XVM_STRCMP: {
		int eq;

		if (!XVM_USES(XVM_STRCMP))
			goto bad;
		eq = xvm_strcmp(0, st->probe * XVM_VALS + op.arg, a, op.flags);
		if (eq < 0)
			goto bad;
		a = eq;
		goto push;
	}
	case XVM_JZ:
	case XVM_JNZ:
		if (!XVM_USES(XVM_JZ) && !XVM_USES(XVM_JNZ))
			goto bad;
		if (!sp)
			goto bad;
		a = st->stack[(sp - 1) & XVM_MASK];
		if ((op.code == XVM_JZ) == !a)
			st->pc = (__u32)op.imm;
		else
			st->sp = sp - 1;
		return 0;
	case XVM_FCMP:
		if (!XVM_USES(XVM_FCMP))
			goto bad;
		a = xvm_cmp(op.arg, a, op.imm);
		/* fall through */
	case XVM_FILTER:
		if (!XVM_USES(XVM_FILTER) && !XVM_USES(XVM_FCMP))
			goto bad;
		st->sp = sp;
		if (!a) {
			st->verdict = -1;
			return 1;
		}
		return 0;
	case XVM_OUT:
		if (!XVM_USES(XVM_OUT))
			goto bad;
		st->ev.val[op.arg & (XVM_VALS - 1)] = a;
		st->sp = sp;
		return 0;
	case XVM_OUTCOMM:
		if (!XVM_USES(XVM_OUTCOMM))
			goto bad;
		bpf_get_current_comm(st->ev.str[op.arg & (XVM_VALS - 1)], 16);
		return 0;
	case XVM_OUTSTR: {
		char *dst = st->ev.str[op.arg & (XVM_VALS - 1)];
		__u32 n = xvm_str_size;

		if (!XVM_USES(XVM_OUTSTR))
			goto bad;
		dst[0] = 0;
		if (n > XVM_STR_MAX)
			n = XVM_STR_MAX;
		if (a && xvm_read_str(dst, n, a, op.flags) < 0)
			dst[0] = 0;
		st->sp = sp;
		return 0;
	}
	}
bad:
	st->verdict = -1;
	return 1;
push:
	if (sp >= XVM_STACK)
		goto bad;
	st->stack[sp & XVM_MASK] = a;
	st->sp = sp + 1;
	return 0;
}

/* Ops one bpf_loop callback runs */
#define XVM_BATCH 4

/*
 * One op, a global function: the verifier checks its body once. Inlined into the batch loop
 * it was checked once per batched op, which tripled trace's load time (50 ms against 16).
 */
__noinline int xvm_op(__u32 key)
{
	struct xvm_state *st = bpf_map_lookup_elem(&xvm_state, &key);

	return st ? xvm_op1(st) : 1;
}

/* Up to XVM_BATCH ops of the running probe's code; non-zero when the program has ended. */
__noinline int xvm_step(__u32 key)
{
	for (int n = 0; n < XVM_BATCH; n++)
		if (xvm_op(key))
			return 1;
	return 0;
}

static int xvm_loop_cb(__u32 i, void *c)
{
	return xvm_step(0) ? 1 : 0;
}

/*
 * The probe's arguments into st: registers (kprobes, uprobes) through a copy of pt_regs, not
 * ctx itself, because the tracepoint program must not reach past its
 * record (the kernel refuses to attach it, EACCES); USDT operands through libbpf's specs. The
 * includer has <bpf/usdt.bpf.h>. shell, a constant, leaves the other kinds' code out.
 */
static __always_inline void xvm_capture(struct xvm_state *st, const struct xvm_probe *pr,
					void *ctx, const enum probe_shell shell)
{
	st->ctx = (__u64)ctx;
	if (shell == PROBE_SHELL_REGS) {
		struct pt_regs *regs = &st->regs;

		bpf_probe_read_kernel(regs, sizeof(*regs), ctx);
		if (pr->syscall) {
			void *inner = (void *)PT_REGS_PARM1(regs);

			st->args[6] = PT_REGS_RC(regs);
			bpf_probe_read_kernel(regs, sizeof(*regs), inner);
			st->args[0] = PT_REGS_PARM1_SYSCALL(regs);
			st->args[1] = PT_REGS_PARM2_SYSCALL(regs);
			st->args[2] = PT_REGS_PARM3_SYSCALL(regs);
			st->args[3] = PT_REGS_PARM4_SYSCALL(regs);
			st->args[4] = PT_REGS_PARM5_SYSCALL(regs);
			st->args[5] = PT_REGS_PARM6_SYSCALL(regs);
			return;
		}
		st->args[0] = PT_REGS_PARM1(regs);
		st->args[1] = PT_REGS_PARM2(regs);
		st->args[2] = PT_REGS_PARM3(regs);
		st->args[3] = PT_REGS_PARM4(regs);
		st->args[4] = PT_REGS_PARM5(regs);
		st->args[5] = PT_REGS_PARM6(regs);
		st->args[6] = PT_REGS_RC(regs);
	} else if (shell == PROBE_SHELL_USDT) {
		for (int i = 0; i < 6; i++) {
			long v = 0;

			bpf_usdt_arg(ctx, i, &v);
			st->args[i & 7] = v;
		}
	}
}

/*
 * Runs probe pr's code in st (arguments filled); true when the event is to be emitted. Its
 * leading fused ops run here, inline in the shell (ctx: a tracepoint's record read directly);
 * the rest step. loop, a constant: step with bpf_loop (5.17+); false leaves bpf_loop and its
 * callback out of the program (see PROBE_HIT_STEPS in probe.bpf.h).
 */
static __always_inline bool xvm_run(struct xvm_state *st, const struct xvm_probe *pr, __u32 id,
				    void *ctx, const enum probe_shell shell, const bool loop)
{
	st->base = pr->base;
	st->nops = pr->nops;
	st->probe = id;
	st->pc = st->sp = 0;
	st->verdict = 0;
	for (int i = 0; i < XVM_INLINE; i++) {
		__u32 at = pr->base + i;
		struct xvm_op *op = bpf_map_lookup_elem(&xvm_code, &at);

		if (!op || i >= pr->nops)
			return false;
		switch (xvm_fused(st, shell == PROBE_SHELL_TP ? ctx : NULL, op->code, op->size,
				  op->flags, op->arg, op->off, op->imm)) {
		case XVM_R_OTHER:
			goto step;
		case XVM_R_NEXT:
			st->pc = i + 1;
			continue;
		case XVM_R_DROP:
			return false;
		case XVM_R_EMIT:
			return true;
		}
	}
step:
	if (loop) {
		bpf_loop(XVM_PROBE_OPS / XVM_BATCH, xvm_loop_cb, NULL, 0);
	} else {
		for (int i = 0; i < XVM_PROBE_OPS; i++)
			if (xvm_op(0))
				break;
	}
	return st->verdict == 1;
}

#endif
