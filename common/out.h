/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output: an applet declares its columns once and emits rows of values; the same rows render
 * as BCC-style text columns or, with --json, as one JSON object per line with the same fields.
 * Applets never test for JSON mode.
 */
#ifndef BPFBOX_OUT_H
#define BPFBOX_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum out_type {
	OUT_STR,	/* .s */
	OUT_INT,	/* .i, signed */
	OUT_UINT,	/* .u */
	OUT_DBL,	/* .d, printed with .prec decimals */
	OUT_STRV,	/* .v: a list of strings; text joins them with spaces, JSON makes an array */
	OUT_OCT,	/* .u printed in octal, zero padded to the width (JSON: number) */
};

struct out_strv {
	int n;
	const char *const *s;
	bool quote;	/* text only: put "..." around each item, escaping " as \" */
};

union out_val {
	const char *s;
	int64_t i;
	uint64_t u;
	double d;
	struct out_strv v;
};

struct out_col {
	const char *head;	/* text header, e.g. "TIME(s)" */
	const char *key;	/* JSON key, e.g. "time_s" */
	int width;		/* negative: left aligned (printf's %-Ns); 0: unpadded (last column) */
	enum out_type type;
	int prec;		/* OUT_DBL decimals; OUT_STR: text shows at most prec bytes (0: all) */
	int head_width;		/* header width when it differs from the value's (0: same) */
	bool on;		/* column shown; applets switch optional columns on from options */
	bool null_if_empty;	/* OUT_STR: JSON null and text "-" style placeholder when s is NULL */
	const char *null_text;	/* that placeholder when it is not "-" (e.g. "n/a") */
};

struct out_table {
	struct out_col *cols;
	int ncols;
};

/* Where text and JSON go (default stdout). */
void out_init(FILE *f);
FILE *out_file(void);

/* Text: the header line; JSON: nothing. */
void out_header(const struct out_table *t);
/* One row; vals[] is indexed like t->cols (values of columns that are off are ignored). */
void out_row(const struct out_table *t, const union out_val *vals);

/* One row of a count table (funccount, stackcount): a name and how often it was seen. */
struct out_count {
	const char *name;
	uint64_t count;
};

/*
 * BCC's count table: the header, then rows in ascending count order (ties by name), zero
 * counts left out. t has two columns: the name (OUT_STR) and the count (OUT_UINT). Sorts c in
 * place. Returns out_flush()'s result.
 */
int out_counts(const struct out_table *t, struct out_count *c, size_t n);

/* Free text for humans (banners such as "Tracing... Hit Ctrl-C to end."): text mode only. */
void __attribute__((format(printf, 1, 2))) out_note(const char *fmt, ...);

/*
 * Flushes; returns 0 or the first write error as -errno (-EPIPE once the reader has gone).
 * A write error is sticky: the run loop stops on it and main() reports it (err_output()).
 */
int out_flush(void);
/* True once a write failed (any error: a closed pipe, a full disk, ...). */
bool out_closed(void);
/* The first write error (-errno), or 0. */
int out_error(void);

/*
 * Writes s escaped as text columns are: \n \t \r \\ and \xHH for other control bytes, C1
 * controls and invalid UTF-8, so that no input can forge a line or reach the terminal raw.
 */
void out_text(FILE *f, const char *s);
void out_textn(FILE *f, const char *s, size_t n);	/* the first n bytes of s */

/* Time helpers shared by applets. */
void out_hhmmss(char buf[16]);			/* local wall clock "HH:MM:SS" */
uint64_t now_ns_mono(void);			/* CLOCK_MONOTONIC, as bpf_ktime_get_ns() */
uint64_t now_ns_boot(void);			/* CLOCK_BOOTTIME, as bpf_ktime_get_boot_ns() */

#endif
