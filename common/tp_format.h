/* SPDX-License-Identifier: GPL-2.0 */
/* A tracepoint's record layout from tracefs' events/CAT/EVENT/format (incl. __data_loc). */
#ifndef BPFBOX_TP_FORMAT_H
#define BPFBOX_TP_FORMAT_H

#include <stdio.h>

#include "expr.h"

#define TP_FIELDS_MAX 64

/* Parses an open format file into fields (at most max): the count or -errno. */
int tp_format__parse(FILE *f, struct expr_field *fields, int max);
/* Reads events/CAT/EVENT/format under tracefs: the count or -errno (-ENOENT: no such event). */
int tp_format__load(const char *cat, const char *event, struct expr_field *fields, int max);

#endif
