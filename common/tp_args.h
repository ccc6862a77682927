/* SPDX-License-Identifier: GPL-2.0 */
/* Tracepoint signatures from the running kernel's BTF, for raw tracepoints whose arguments moved. */
#ifndef BPFBOX_TP_ARGS_H
#define BPFBOX_TP_ARGS_H

/*
 * Position of the first argument of tracepoint TP that is a pointer to struct STRUCT_NAME, as
 * a raw tracepoint program sees it (ctx->args[i]), e.g. 1 for block_rq_issue's request on 5.10
 * (q, rq) and 0 from 5.11 (rq). Returns -ENOENT when the tracepoint or such an argument is
 * missing, -ENODATA without kernel BTF.
 */
int tp_arg_index(const char *tp, const char *struct_name);

#endif
