// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming JSON writer. Strings are escaped byte by byte; a byte that is not part of valid UTF-8
 * becomes a lone surrogate \udcXX (Python's "surrogateescape"), which no valid text can produce:
 * byte 0xff reads back as U+DCFF, never as the character U+00FF.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Separates values inside the current container. */
static void sep(struct json *j)
{
	if (j->depth > 0 && j->need_comma[j->depth])
		fputc(',', j->f);
	if (j->depth > 0)
		j->need_comma[j->depth] = true;
}

static void open_c(struct json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	if (j->depth < (int)(sizeof(j->need_comma) / sizeof(j->need_comma[0])) - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_c(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json_obj_begin(struct json *j) { open_c(j, '{'); }
void json_obj_end(struct json *j) { close_c(j, '}'); }
void json_arr_begin(struct json *j) { open_c(j, '['); }
void json_arr_end(struct json *j) { close_c(j, ']'); }

void json_key(struct json *j, const char *key)
{
	json_str(j, key);
	fputc(':', j->f);
	/* the value that follows must not add a comma */
	j->need_comma[j->depth] = false;
}

size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x3f >> (len - 1));
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void json_strn(struct json *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, u;

	sep(j);
	fputc('"', j->f);
	while (i < n && s[i]) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			fputc('\\', j->f);
			fputc(c, j->f);
		} else if (c == '\n') {
			fputs("\\n", j->f);
		} else if (c == '\t') {
			fputs("\\t", j->f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(j->f, "\\u%04x", c);
		} else if (c < 0x80) {
			fputc(c, j->f);
		} else if ((u = utf8_len(s + i, n - i))) {
			/* C1 controls (U+0080-U+009F) act on terminals: escaped, same character */
			if (u == 2 && c == 0xc2 && s[i + 1] < 0xa0)
				fprintf(j->f, "\\u%04x", s[i + 1]);
			else
				fwrite(s + i, 1, u, j->f);
			i += u;
			continue;
		} else {
			fprintf(j->f, "\\udc%02x", c);
		}
		i++;
	}
	fputc('"', j->f);
}

void json_str(struct json *j, const char *s)
{
	if (!s)
		json_null(j);
	else
		json_strn(j, s, strlen(s));
}

void json_int(struct json *j, int64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_uint(struct json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_dbl(struct json *j, double v, int prec)
{
	sep(j);
	if (isfinite(v))
		fprintf(j->f, "%.*f", prec, v);
	else
		fputs("null", j->f);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->f);
}
