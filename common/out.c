// SPDX-License-Identifier: GPL-2.0
/* Renders an applet's rows as BCC-style text columns or as JSON lines. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "opts.h"
#include "out.h"

static FILE *out_f;
static bool closed;

void out_init(FILE *f)
{
	out_f = f;
}

FILE *out_file(void)
{
	return out_f ? out_f : stdout;
}

/* Rows are rendered per event at high rates: pad by hand rather than through printf. */
static void pad(FILE *f, int width, const char *s)
{
	size_t len = strlen(s), w = width < 0 ? -(size_t)width : (size_t)width;

	for (size_t i = len; width > 0 && i < w; i++)
		putc(' ', f);
	fwrite(s, 1, len, f);
	for (size_t i = len; width < 0 && i < w; i++)
		putc(' ', f);
}

/* Decimal digits of v at the end of buf (at least 21 bytes); returns where they start. */
static char *u64_dec(char *end, uint64_t v)
{
	*--end = 0;
	do
		*--end = '0' + v % 10;
	while (v /= 10);
	return end;
}

void out_header(const struct out_table *t)
{
	FILE *f = out_file();
	bool first = true;
	int i;

	if (opt_json)
		return;
	for (i = 0; i < t->ncols; i++) {
		const struct out_col *c = &t->cols[i];

		if (!c->on)
			continue;
		if (!first)
			fputc(' ', f);
		first = false;
		pad(f, c->head_width ? c->head_width : c->width, c->head);
	}
	fputc('\n', f);
}

/* One list item as text: quoted and escaped under -q, otherwise raw with newlines shown as \n. */
static void text_item(FILE *f, const char *s, bool quote)
{
	if (quote)
		fputc('"', f);
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", f);
		else if (quote && *s == '"')
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

static void text_cell(FILE *f, const struct out_col *c, const union out_val *v)
{
	char buf[64];

	switch (c->type) {
	case OUT_STR:
		if (v->s && c->prec > 0 && strlen(v->s) > (size_t)c->prec) {
			fprintf(f, c->width < 0 ? "%-*.*s" : "%*.*s", abs(c->width), c->prec, v->s);
			return;
		}
		pad(f, c->width, v->s ? v->s : !c->null_if_empty ? "" :
			c->null_text ? c->null_text : "-");
		return;
	case OUT_INT: {
		char *p = u64_dec(buf + sizeof(buf), v->i < 0 ? -(uint64_t)v->i : (uint64_t)v->i);

		if (v->i < 0)
			*--p = '-';
		pad(f, c->width, p);
		return;
	}
	case OUT_UINT:
		pad(f, c->width, u64_dec(buf + sizeof(buf), v->u));
		return;
	case OUT_DBL:
		snprintf(buf, sizeof(buf), "%.*f", c->prec, v->d);
		break;
	case OUT_OCT:
		snprintf(buf, sizeof(buf), "%0*" PRIo64, c->width < 0 ? -c->width : c->width, v->u);
		break;
	case OUT_STRV:
		for (int i = 0; i < v->v.n; i++) {
			if (i)
				fputc(' ', f);
			text_item(f, v->v.s[i], v->v.quote);
		}
		return;
	}
	pad(f, c->width, buf);
}

static void json_cell(struct json *j, const struct out_col *c, const union out_val *v)
{
	json_key(j, c->key);
	switch (c->type) {
	case OUT_STR:
		/* NULL is JSON null only where the column says so, as text prints "-" only then */
		json_str(j, v->s || c->null_if_empty ? v->s : "");
		break;
	case OUT_INT:
		json_int(j, v->i);
		break;
	case OUT_UINT:
	case OUT_OCT:
		json_uint(j, v->u);
		break;
	case OUT_DBL:
		json_dbl(j, v->d, c->prec);
		break;
	case OUT_STRV:
		json_arr_begin(j);
		for (int i = 0; i < v->v.n; i++)
			json_str(j, v->v.s[i]);
		json_arr_end(j);
		break;
	}
}

void out_row(const struct out_table *t, const union out_val *vals)
{
	FILE *f = out_file();
	bool first = true;
	struct json j;
	int i;

	if (opt_json) {
		json_init(&j, f);
		json_obj_begin(&j);
		for (i = 0; i < t->ncols; i++)
			if (t->cols[i].on)
				json_cell(&j, &t->cols[i], &vals[i]);
		json_obj_end(&j);
		return;
	}
	for (i = 0; i < t->ncols; i++) {
		if (!t->cols[i].on)
			continue;
		if (!first)
			fputc(' ', f);
		first = false;
		text_cell(f, &t->cols[i], &vals[i]);
	}
	fputc('\n', f);
}

void out_note(const char *fmt, ...)
{
	va_list ap;

	if (opt_json)
		return;
	va_start(ap, fmt);
	vfprintf(out_file(), fmt, ap);
	va_end(ap);
}

int out_flush(void)
{
	FILE *f = out_file();

	int err;

	if (closed)
		return -EPIPE;
	errno = 0;
	if (fflush(f) == EOF || ferror(f)) {
		/* an error left by an earlier write has no errno of this fflush: call it EIO */
		err = errno ? errno : EIO;
		if (err == EPIPE)
			closed = true;
		clearerr(f);
		return -err;
	}
	return 0;
}

bool out_closed(void)
{
	return closed;
}

void out_hhmmss(char buf[16])
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, 16, "%H:%M:%S", &tm);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

uint64_t now_ns_mono(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t now_ns_boot(void)
{
	return clock_ns(CLOCK_BOOTTIME);
}

static int cmp_count(const void *a, const void *b)
{
	const struct out_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? -1 : 1;
	return strcmp(x->name, y->name);
}

int out_counts(const struct out_table *t, struct out_count *c, size_t n)
{
	qsort(c, n, sizeof(*c), cmp_count);
	out_header(t);
	for (size_t i = 0; i < n; i++) {
		union out_val v[2] = { { .s = c[i].name }, { .u = c[i].count } };

		if (c[i].count)
			out_row(t, v);
	}
	return out_flush();
}
