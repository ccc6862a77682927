// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the streaming JSON writer: structure, numbers and byte-safe string escaping. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static char *buf;
static size_t len;
static struct json j;

static int setup(void **state)
{
	FILE *f;

	buf = NULL;
	len = 0;
	f = open_memstream(&buf, &len);
	json_init(&j, f);
	return 0;
}

static int teardown(void **state)
{
	fclose(j.f);
	free(buf);
	return 0;
}

static const char *got(void)
{
	fflush(j.f);
	return buf;
}

/* One string as a JSON value inside [ ]. */
static const char *str(const char *s, size_t n)
{
	rewind(j.f);
	json_arr_begin(&j);
	json_strn(&j, s, n);
	json_arr_end(&j);
	fputc(0, j.f);
	return got();
}

#define S(lit) str(lit, sizeof(lit) - 1)

static void test_structure(void **state)
{
	json_obj_begin(&j);
	json_key(&j, "a");
	json_int(&j, 1);
	json_key(&j, "b");
	json_arr_begin(&j);
	json_uint(&j, 2);
	json_bool(&j, true);
	json_null(&j);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_arr_begin(&j);
	json_arr_end(&j);
	json_str(&j, NULL);
	json_arr_end(&j);
	json_key(&j, "c");
	json_bool(&j, false);
	json_key(&j, "d");
	json_obj_begin(&j);
	json_key(&j, "e");
	json_str(&j, "f");
	json_obj_end(&j);
	json_obj_end(&j);
	/* the next top-level object starts a new line, without a comma */
	json_obj_begin(&j);
	json_obj_end(&j);
	assert_string_equal(got(), "{\"a\":1,\"b\":[2,true,null,{},[],null],\"c\":false,"
				   "\"d\":{\"e\":\"f\"}}\n{}\n");
}

static void test_numbers(void **state)
{
	json_arr_begin(&j);
	json_int(&j, INT64_MIN);
	json_int(&j, INT64_MAX);
	json_int(&j, -1);
	json_uint(&j, UINT64_MAX);
	json_uint(&j, 0);
	json_dbl(&j, 3.14159, 2);
	json_dbl(&j, 2.5, 0);
	json_dbl(&j, -0.25, 3);
	json_dbl(&j, 1e300 * 1e300, 3);	/* inf */
	json_dbl(&j, -(1e300 * 1e300), 3);
	json_dbl(&j, NAN, 1);
	json_arr_end(&j);
	assert_string_equal(got(), "[-9223372036854775808,9223372036854775807,-1,"
		"18446744073709551615,0,3.14,2,-0.250,null,null,null]\n");
}

/* Quotes, backslashes and every control character, as JSON requires (RFC 8259 §7). */
static void test_escape_ascii(void **state)
{
	char all[33], want[33 * 6 + 8], *w = want;

	assert_string_equal(S("plain text 123 /"), "[\"plain text 123 /\"]\n");
	assert_string_equal(S("\"q\" \\b\\"), "[\"\\\"q\\\" \\\\b\\\\\"]\n");
	assert_string_equal(S("a\nb\tc\rd"), "[\"a\\nb\\tc\\u000dd\"]\n");
	assert_string_equal(S("\x7f"), "[\"\\u007f\"]\n");
	assert_string_equal(S(""), "[\"\"]\n");

	for (int c = 1; c < 32; c++)
		all[c - 1] = c;
	all[31] = 0;
	w += sprintf(w, "[\"");
	for (int c = 1; c < 32; c++)
		w += c == '\n' ? sprintf(w, "\\n") : c == '\t' ? sprintf(w, "\\t") :
		     sprintf(w, "\\u%04x", c);
	sprintf(w, "\"]\n");
	assert_string_equal(str(all, 31), want);
}

/* Valid UTF-8 passes through unchanged, whatever its length. */
static void test_utf8_valid(void **state)
{
	assert_string_equal(S("\xc3\xa9"), "[\"\xc3\xa9\"]\n");			/* é */
	assert_string_equal(S("\xe2\x82\xac"), "[\"\xe2\x82\xac\"]\n");		/* € */
	assert_string_equal(S("\xf0\x9d\x84\x9e"), "[\"\xf0\x9d\x84\x9e\"]\n");	/* 𝄞 */
	assert_string_equal(S("\xc2\x80"), "[\"\\u0080\"]\n");			/* U+0080, a C1 control: escaped */
	assert_string_equal(S("\xef\xbf\xbf"), "[\"\xef\xbf\xbf\"]\n");		/* U+FFFF */
	assert_string_equal(S("\xf4\x8f\xbf\xbf"), "[\"\xf4\x8f\xbf\xbf\"]\n");	/* U+10FFFF */
	assert_string_equal(S("a\xc3\xa9z"), "[\"a\xc3\xa9z\"]\n");
}

/*
 * Invalid UTF-8: each bad byte becomes the lone surrogate \udcXX (Python's surrogateescape), which
 * no valid text decodes to: byte 0xff and the character U+00FF stay apart, and the output stays
 * valid JSON.
 */
static void test_utf8_invalid(void **state)
{
	/* lone continuation bytes, bytes never valid in UTF-8 */
	assert_string_equal(S("\x80"), "[\"\\udc80\"]\n");
	assert_string_equal(S("\xbf"), "[\"\\udcbf\"]\n");
	assert_string_equal(S("\xff\xfe"), "[\"\\udcff\\udcfe\"]\n");
	assert_string_equal(S("\xf5\x80\x80\x80"), "[\"\\udcf5\\udc80\\udc80\\udc80\"]\n");
	/* overlong forms of '/' and of U+0000 */
	assert_string_equal(S("\xc0\xaf"), "[\"\\udcc0\\udcaf\"]\n");
	assert_string_equal(S("\xc1\xbf"), "[\"\\udcc1\\udcbf\"]\n");
	assert_string_equal(S("\xe0\x80\xaf"), "[\"\\udce0\\udc80\\udcaf\"]\n");
	assert_string_equal(S("\xf0\x80\x80\xaf"), "[\"\\udcf0\\udc80\\udc80\\udcaf\"]\n");
	/* UTF-16 surrogates and code points past U+10FFFF */
	assert_string_equal(S("\xed\xa0\x80"), "[\"\\udced\\udca0\\udc80\"]\n");
	assert_string_equal(S("\xf4\x90\x80\x80"), "[\"\\udcf4\\udc90\\udc80\\udc80\"]\n");
	/* a sequence cut short, by the end or by another character */
	assert_string_equal(S("\xe2\x82"), "[\"\\udce2\\udc82\"]\n");
	assert_string_equal(S("\xe2\x82x"), "[\"\\udce2\\udc82x\"]\n");
	assert_string_equal(S("\xc3\""), "[\"\\udcc3\\\"\"]\n");
	/* a bad byte does not swallow the valid character after it */
	assert_string_equal(S("\xff\xc3\xa9"), "[\"\\udcff\xc3\xa9\"]\n");
}

/* json_strn stops at n bytes or a NUL, and never reads a sequence past n. */
static void test_strn_bounds(void **state)
{
	assert_string_equal(str("abcdef", 3), "[\"abc\"]\n");
	assert_string_equal(str("ab\0cd", 5), "[\"ab\"]\n");
	assert_string_equal(str("\xe2\x82\xac", 2), "[\"\\udce2\\udc82\"]\n");
	assert_string_equal(str("x", 0), "[\"\"]\n");
}

/* Keys are escaped like values. */
static void test_keys(void **state)
{
	json_obj_begin(&j);
	json_key(&j, "k\"1");
	json_str(&j, "v");
	json_key(&j, "k\n2");
	json_strn(&j, "v2", 2);
	json_obj_end(&j);
	assert_string_equal(got(), "{\"k\\\"1\":\"v\",\"k\\n2\":\"v2\"}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_ascii, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_utf8_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strn_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
