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
static int out_err;	/* the first write error, -errno; sticky: the run ends on it */

void out_init(FILE *f)
{
	out_f = f;
	out_err = 0;	/* a new stream has failed no write yet */
}

FILE *out_file(void)
{
	return out_f ? out_f : stdout;
}

/* Notes the error of a failed write (errno is that of the write that failed, if any). */
static void note_error(FILE *f)
{
	if (!out_err && ferror(f))
		out_err = errno > 0 ? -errno : -EIO;
}

/* Bytes that need no escape in text: printable ASCII other than the backslash. */
static bool plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '\\')
			return false;
	}
	return true;
}

static void put_hex(FILE *f, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	fputc('\\', f);
	fputc('x', f);
	fputc(hex[c >> 4], f);
	fputc(hex[c & 15], f);
}

/*
 * s[0..n) as text that cannot forge rows or drive a terminal: \n \t \r \\ and \xHH for other
 * control bytes, C1 controls and bytes that are not valid UTF-8 (valid UTF-8 passes as is);
 * with quote, " becomes \". f NULL: only counts. Returns the number of bytes of the text.
 */
static size_t esc_write(FILE *f, const char *str, size_t n, bool quote)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t w = 0, i = 0, u;

	while (i < n) {
		unsigned char c = s[i];
		const char *e = NULL;

		if (c == '\n')
			e = "\\n";
		else if (c == '\t')
			e = "\\t";
		else if (c == '\r')
			e = "\\r";
		else if (c == '\\')
			e = "\\\\";
		else if (quote && c == '"')
			e = "\\\"";
		if (e) {
			if (f)
				fputs(e, f);
			w += 2;
			i++;
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			if (f)
				fputc(c, f);
			w++;
			i++;
			continue;
		}
		u = c >= 0x80 ? utf8_len(s + i, n - i) : 0;
		if (u && !(c == 0xc2 && s[i + 1] < 0xa0)) {
			if (f)
				fwrite(s + i, 1, u, f);
			w += u;
			i += u;
			continue;
		}
		/* a control byte, or an invalid or C1 sequence: escape its bytes one by one */
		for (size_t k = 0; k < (u ? u : 1); k++, i++, w += 4)
			if (f)
				put_hex(f, s[i]);
	}
	return w;
}

void out_text(FILE *f, const char *s)
{
	esc_write(f, s, strlen(s), false);
}

void out_textn(FILE *f, const char *s, size_t n)
{
	esc_write(f, s, n, false);
}

/* Rows are rendered per event at high rates: pad by hand rather than through printf. */
static void pad_n(FILE *f, int width, const char *s, size_t len)
{
	size_t w = width < 0 ? -(size_t)width : (size_t)width;
	bool esc = !plain(s, len);
	size_t tw = esc ? esc_write(NULL, s, len, false) : len;

	for (size_t i = tw; width > 0 && i < w; i++)
		putc(' ', f);
	if (esc)
		esc_write(f, s, len, false);
	else
		fwrite(s, 1, len, f);
	for (size_t i = tw; width < 0 && i < w; i++)
		putc(' ', f);
}

static void pad(FILE *f, int width, const char *s)
{
	pad_n(f, width, s, strlen(s));
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
	note_error(f);
}

static void text_cell(FILE *f, const struct out_col *c, const union out_val *v)
{
	char buf[64];

	switch (c->type) {
	case OUT_STR:
		if (v->s && c->prec > 0) {
			pad_n(f, c->width, v->s, strnlen(v->s, (size_t)c->prec));
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
			const char *item = v->v.s[i];

			if (i)
				fputc(' ', f);
			if (v->v.quote)
				fputc('"', f);
			esc_write(f, item, strlen(item), v->v.quote);
			if (v->v.quote)
				fputc('"', f);
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
		note_error(f);
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
	note_error(f);
}

void out_note(const char *fmt, ...)
{
	va_list ap;

	if (opt_json)
		return;
	va_start(ap, fmt);
	vfprintf(out_file(), fmt, ap);
	va_end(ap);
	note_error(out_file());
}

int out_flush(void)
{
	FILE *f = out_file();

	if (out_err)
		return out_err;
	errno = 0;
	if (fflush(f) == EOF || ferror(f))
		out_err = errno > 0 ? -errno : -EIO;
	return out_err;
}

bool out_closed(void)
{
	/* writers that print straight to out_file() (stack reports) fail here too */
	note_error(out_file());
	return out_err != 0;
}

int out_error(void)
{
	return out_err;
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
