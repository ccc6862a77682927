/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kind of program a probe shell of bpf/probe.bpf.h is, a constant its hit function gets:
 * what ctx is, so code for one kind (e.g. USDT operands, which read pt_regs->ip from ctx) is
 * left out of the others (a tracepoint program reaching past its record cannot attach).
 */
#ifndef BPFBOX_PROBE_SHELL_H
#define BPFBOX_PROBE_SHELL_H

enum probe_shell {
	PROBE_SHELL_TP,		/* the tracepoint's record */
	PROBE_SHELL_REGS,	/* kprobes and uprobes (single and multi): pt_regs */
	PROBE_SHELL_FENTRY,	/* fentry/fexit: the u64 arguments */
	PROBE_SHELL_USDT,	/* pt_regs, operands through libbpf's USDT specs */
};

#endif
