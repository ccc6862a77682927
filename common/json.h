/* SPDX-License-Identifier: GPL-2.0 */
/* A small streaming JSON writer: one object per line, strings escaped byte-safely
 * (invalid UTF-8 bytes as \udcXX, distinct from any valid character). */
#ifndef BPFBOX_JSON_H
#define BPFBOX_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	bool need_comma[16];
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);		/* closing the outermost object ends the line */
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);	/* NULL => null */
void json_strn(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_dbl(struct json *j, double v, int prec);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* Length of the valid UTF-8 sequence starting at s (at most n bytes), or 0 if it is not one. */
size_t utf8_len(const unsigned char *s, size_t n);

#endif
