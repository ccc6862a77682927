// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the output layer's escaping. Any bytes as a string column and as list items
 * must come out, in text, as one line of printable ASCII and valid UTF-8 without C1 controls, and
 * in JSON as one line without raw control bytes that is valid UTF-8 throughout.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "opts.h"
#include "out.h"

static struct out_col cols[] = {
	{ "A", "a", -8, OUT_STR, .on = true },
	{ "B", "b", 6, OUT_STR, .prec = 5, .on = true },
	{ "C", "c", 0, OUT_STRV, .on = true },
};
static const struct out_table table = { cols, 3 };

/* One line: a single '\n' at the end, no other byte below 0x20, no DEL, valid UTF-8, no C1. */
static void check_line(const unsigned char *s, size_t n)
{
	if (!n || s[n - 1] != '\n')
		abort();
	for (size_t i = 0; i + 1 < n;) {
		size_t u;

		if (s[i] < 0x20 || s[i] == 0x7f)
			abort();
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		u = utf8_len(s + i, n - 1 - i);
		if (!u || (s[i] == 0xc2 && s[i + 1] < 0xa0))
			abort();
		i += u;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *buf = NULL;
	const char *items[3];
	union out_val v[3];
	size_t len = 0, third = size / 3;
	FILE *f;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = 0;
	/* three strings: the input cut in thirds (each may hold NULs: then it ends there) */
	items[0] = in;
	items[1] = in + third;
	items[2] = in + 2 * third;
	v[0].s = items[0];
	v[1].s = items[1];
	v[2].v = (struct out_strv){ 3, items, size & 1 };
	for (int json = 0; json < 2; json++) {
		f = open_memstream(&buf, &len);
		if (!f)
			abort();
		out_init(f);
		opt_json = json;
		out_row(&table, v);
		fclose(f);
		check_line((const unsigned char *)buf, len);
		free(buf);
		buf = NULL;
	}
	out_init(NULL);
	opt_json = false;
	free(in);
	return 0;
}
