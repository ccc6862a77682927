// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the output layer: BCC column widths, JSON rows, placeholders, closed pipes. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "opts.h"
#include "out.h"

static char *buf;
static size_t len;
static FILE *mem;

static int setup(void **state)
{
	buf = NULL;
	len = 0;
	mem = open_memstream(&buf, &len);
	out_init(mem);
	opt_json = false;
	return 0;
}

static int teardown(void **state)
{
	if (mem)
		fclose(mem);
	free(buf);
	mem = NULL;
	out_init(NULL);
	opt_json = false;
	return 0;
}

static const char *got(void)
{
	fflush(mem);
	return buf;
}

/* BCC execsnoop: "%-16s %-7s %-7s %3s %s" % ("PCOMM", "PID", "PPID", "RET", "ARGS"). */
static struct out_col exec_cols[] = {
	{ "PCOMM", "comm", -16, OUT_STR, .on = true },
	{ "PID", "pid", -7, OUT_UINT, .on = true },
	{ "PPID", "ppid", -7, OUT_UINT, .on = true },
	{ "RET", "ret", 3, OUT_INT, .on = true },
	{ "ARGS", "args", 0, OUT_STRV, .on = true },
};
static const struct out_table exec_table = { exec_cols, 5 };

static void test_text_bcc_execsnoop(void **state)
{
	static const char *const argv[] = { "/usr/bin/ls", "-l", "a b" };
	union out_val v[5] = {
		{ .s = "ls" }, { .u = 4217 }, { .u = 4216 }, { .i = 0 },
		{ .v = { 3, argv, false } },
	};
	char want[512];

	out_header(&exec_table);
	out_row(&exec_table, v);
	v[3].i = -2;
	v[4].v.quote = true;
	out_row(&exec_table, v);
	snprintf(want, sizeof(want), "%-16s %-7s %-7s %3s %s\n%-16s %-7d %-7d %3d %s\n"
		 "%-16s %-7d %-7d %3d %s\n",
		 "PCOMM", "PID", "PPID", "RET", "ARGS",
		 "ls", 4217, 4216, 0, "/usr/bin/ls -l a b",
		 "ls", 4217, 4216, -2, "\"/usr/bin/ls\" \"-l\" \"a b\"");
	assert_string_equal(got(), want);
}

/* Values wider than the column push the rest right, as printf does; nothing is cut. */
static void test_text_overflow(void **state)
{
	union out_val v[5] = {
		{ .s = "a-command-name-longer-than-16" }, { .u = 12345678 }, { .u = 1 },
		{ .i = -1234 }, { .v = { 0, NULL, false } },
	};

	out_row(&exec_table, v);
	assert_string_equal(got(), "a-command-name-longer-than-16 12345678 1       -1234 \n");
}

/* BCC opensnoop: "%-6s %-16s %4s %3s %s" with -e adding "%-8s" FLAGS, printed as "%08o". */
static void test_text_bcc_opensnoop_oct(void **state)
{
	struct out_col cols[] = {
		{ "PID", "pid", -6, OUT_UINT, .on = true },
		{ "COMM", "comm", -16, OUT_STR, .on = true },
		{ "FD", "fd", 4, OUT_INT, .on = true },
		{ "ERR", "err", 3, OUT_INT, .on = true },
		{ "FLAGS", "flags", -8, OUT_OCT, .on = true },
		{ "PATH", "path", 0, OUT_STR, .on = true },
	};
	const struct out_table t = { cols, 6 };
	union out_val v[6] = {
		{ .u = 1 }, { .s = "systemd" }, { .i = 19 }, { .i = 0 }, { .u = 02100000 },
		{ .s = "/proc/1/cgroup" },
	};
	char want[512];

	out_header(&t);
	out_row(&t, v);
	v[4].u = 0;
	v[2].i = -1;
	v[3].i = 2;
	out_row(&t, v);
	snprintf(want, sizeof(want), "%-6s %-16s %4s %3s %-8s %s\n%-6d %-16s %4d %3d %08o %s\n"
		 "%-6d %-16s %4d %3d %08o %s\n",
		 "PID", "COMM", "FD", "ERR", "FLAGS", "PATH",
		 1, "systemd", 19, 0, 02100000, "/proc/1/cgroup",
		 1, "systemd", -1, 2, 0, "/proc/1/cgroup");
	assert_string_equal(got(), want);

	/* JSON: the number itself */
	opt_json = true;
	rewind(mem);
	v[4].u = 0644;
	out_row(&t, v);
	fputc(0, mem);
	assert_string_equal(got(), "{\"pid\":1,\"comm\":\"systemd\",\"fd\":-1,\"err\":2,"
		"\"flags\":420,\"path\":\"/proc/1/cgroup\"}\n");
}

/* Optional columns, a header wider than its values, doubles, right-aligned header. */
static void test_text_optional_cols(void **state)
{
	struct out_col cols[] = {
		{ "TIME(s)", "time_s", -8, OUT_DBL, 3 },
		{ "UID", "uid", -6, OUT_UINT },
		{ "COMM", "comm", -16, OUT_STR, .on = true },
		{ "LAT(ms)", "lat_ms", 7, OUT_DBL, 2, .on = true },
		{ "BYTES", "bytes", 7, OUT_UINT, .head_width = -7, .on = true },
	};
	const struct out_table t = { cols, 5 };
	union out_val v[5] = {
		{ .d = 1.23456 }, { .u = 1000 }, { .s = "dd" }, { .d = 0.005 }, { .u = 4096 },
	};

	out_header(&t);
	out_row(&t, v);
	cols[0].on = cols[1].on = true;
	out_header(&t);
	out_row(&t, v);
	assert_string_equal(got(),
		"COMM             LAT(ms) BYTES  \n"
		"dd                  0.01    4096\n"
		"TIME(s)  UID    COMM             LAT(ms) BYTES  \n"
		"1.235    1000   dd                  0.01    4096\n");
}

/* A NULL string is "-" and JSON null only for null_if_empty columns; otherwise empty. */
static void test_null_strings(void **state)
{
	struct out_col cols[] = {
		{ "A", "a", -4, OUT_STR, .on = true, .null_if_empty = true },
		{ "B", "b", -4, OUT_STR, .on = true },
		{ "C", "c", 0, OUT_STR, .on = true },
	};
	const struct out_table t = { cols, 3 };
	union out_val v[3] = { { .s = NULL }, { .s = NULL }, { .s = "" } };

	out_row(&t, v);
	opt_json = true;
	out_row(&t, v);
	assert_string_equal(got(), "-         \n{\"a\":null,\"b\":\"\",\"c\":\"\"}\n");
}

/* Arrays: text joins with spaces (newlines shown as \n, -q quoting), JSON makes an array. */
static void test_strv(void **state)
{
	static const char *const argv[] = { "sh", "-c", "echo \"hi\"\nx", "" };
	struct out_col cols[] = {
		{ "PID", "pid", -7, OUT_UINT, .on = true },
		{ "ARGS", "args", 0, OUT_STRV, .on = true },
	};
	const struct out_table t = { cols, 2 };
	union out_val v[2] = { { .u = 7 }, { .v = { 4, argv, false } } };

	out_row(&t, v);
	v[1].v.quote = true;
	out_row(&t, v);
	v[1].v.n = 0;
	out_row(&t, v);
	opt_json = true;
	v[1].v.n = 4;
	out_row(&t, v);
	v[1].v.n = 0;
	out_row(&t, v);
	assert_string_equal(got(),
		"7       sh -c echo \"hi\"\\nx \n"
		"7       \"sh\" \"-c\" \"echo \\\"hi\\\"\\nx\" \"\"\n"
		"7       \n"
		"{\"pid\":7,\"args\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\\nx\",\"\"]}\n"
		"{\"pid\":7,\"args\":[]}\n");
}

/* JSON rows: same keys as the text columns that are on, escaping done by json.c. */
static void test_json_row(void **state)
{
	struct out_col cols[] = {
		{ "TIME", "time", -8, OUT_STR },
		{ "COMM", "comm", -16, OUT_STR, .on = true },
		{ "RET", "ret", 3, OUT_INT, .on = true },
		{ "SIZE", "size", 7, OUT_UINT, .on = true },
		{ "LAT", "lat_ms", 7, OUT_DBL, 3, .on = true },
	};
	const struct out_table t = { cols, 5 };
	union out_val v[5] = {
		{ .s = "12:00:00" }, { .s = "a\"b\\c\t\x01\xff" }, { .i = INT64_MIN },
		{ .u = UINT64_MAX }, { .d = -0.5 },
	};

	opt_json = true;
	out_header(&t);		/* nothing in JSON mode */
	out_note("Tracing... Hit Ctrl-C to end.\n");	/* text only */
	out_row(&t, v);
	assert_string_equal(got(), "{\"comm\":\"a\\\"b\\\\c\\t\\u0001\\udcff\","
		"\"ret\":-9223372036854775808,\"size\":18446744073709551615,\"lat_ms\":-0.500}\n");
}

static void test_note_text(void **state)
{
	out_note("Tracing %d... Hit Ctrl-C to end.\n", 3);
	assert_string_equal(got(), "Tracing 3... Hit Ctrl-C to end.\n");
}

/* Every type in both modes, against tests/data/out-golden.{txt,json}. */
static char path_buf[4096];

static const char *data(const char *name)
{
	const char *dir = getenv("BPFBOX_TESTDATA");

	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir ? dir : "tests/data", name);
	return path_buf;
}

static void golden(const char *name, const char *text)
{
	static char want[8192];
	FILE *f;
	size_t n;

	if (getenv("BPFBOX_REGEN")) {
		f = fopen(data(name), "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	f = fopen(data(name), "r");
	if (!f)
		fail_msg("cannot open %s", data(name));
	n = fread(want, 1, sizeof(want) - 1, f);
	want[n] = 0;
	fclose(f);
	assert_string_equal(text, want);
}

static void test_golden(void **state)
{
	static const char *const args[] = { "/bin/echo", "tab\there", "é€𝄞", "\x80\xc0\xaf" };
	struct out_col cols[] = {
		{ "TIME", "time", -8, OUT_STR, .on = true },
		{ "PID", "pid", -7, OUT_UINT, .on = true },
		{ "DELTA", "delta", 6, OUT_INT, .on = true },
		{ "LAT(ms)", "lat_ms", 8, OUT_DBL, 2, .on = true },
		{ "MODE", "mode", 4, OUT_OCT, .on = true },
		{ "FILE", "file", -12, OUT_STR, .on = true, .null_if_empty = true },
		{ "ARGS", "args", 0, OUT_STRV, .on = true },
	};
	const struct out_table t = { cols, 7 };
	union out_val v[7] = {
		{ .s = "01:02:03" }, { .u = 1 }, { .i = -42 }, { .d = 1234.5678 }, { .u = 0755 },
		{ .s = NULL }, { .v = { 4, args, false } },
	};

	out_header(&t);
	out_row(&t, v);
	v[5].s = "/etc/passwd";
	v[6].v.quote = true;
	v[3].d = 0;
	out_row(&t, v);
	golden("out-golden.txt", got());

	fclose(mem);
	free(buf);
	setup(state);
	opt_json = true;
	out_header(&t);
	v[5].s = NULL;
	out_row(&t, v);
	v[5].s = "/etc/passwd";
	v[3].d = 1.0 / 0.0;	/* not a JSON number: null */
	out_row(&t, v);
	golden("out-golden.json", got());
}

/* A reader that went away: out_flush() says -EPIPE, once and for good. */
static void test_closed_pipe(void **state)
{
	struct out_col cols[] = { { "X", "x", 0, OUT_STR, .on = true } };
	const struct out_table t = { cols, 1 };
	union out_val v = { .s = "0123456789abcdef0123456789abcdef0123456789abcdef" };
	int fds[2];
	FILE *f;

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	out_init(f);
	assert_false(out_closed());
	/* more than a stdio buffer, so writes fail inside out_row too */
	for (int i = 0; i < 1000; i++)
		out_row(&t, &v);
	assert_int_equal(out_flush(), -EPIPE);
	assert_true(out_closed());
	assert_int_equal(out_flush(), -EPIPE);
	out_init(mem);
	fclose(f);
}

/* Text cells cannot forge a row or reach the terminal raw; padding counts the escaped width. */
static void test_text_escapes(void **state)
{
	struct out_col cols[] = {
		{ "COMM", "comm", -8, OUT_STR, .on = true },
		{ "N", "n", 4, OUT_STR, .prec = 3, .on = true },
		{ "ARGS", "args", 0, OUT_STRV, .on = true },
	};
	const struct out_table t = { cols, 3 };
	static const char *const args[] = { "a\nb", "\x1b[2J", "q\"\\" };
	union out_val v[3] = { { .s = "x\ty" }, { .s = "\x01\x02\x03\x04" }, { .v = { 3, args } } };

	out_row(&t, v);
	v[0].s = "\xff\xc3\xbf\xc2\x9b|";	/* a bad byte, U+00FF, a C1 control (CSI) */
	v[2].v.quote = true;
	out_row(&t, v);
	assert_string_equal(got(), "x\\ty     \\x01\\x02\\x03 a\\nb \\x1b[2J q\"\\\\\n"
				   "\\xff\xc3\xbf\\xc2\\x9b| \\x01\\x02\\x03 "
				   "\"a\\nb\" \"\\x1b[2J\" \"q\\\"\\\\\"\n");
	out_text(mem, "\x7f\r");
	assert_string_equal(got() + strlen(got()) - 6, "\\x7f\\r");
}

/* Any write error is kept and returned, not only EPIPE: a full disk ends the run too. */
static void test_full_disk(void **state)
{
	struct out_col cols[] = { { "X", "x", 0, OUT_STR, .on = true } };
	const struct out_table t = { cols, 1 };
	union out_val v = { .s = "0123456789" };
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	out_init(f);
	out_row(&t, &v);
	assert_int_equal(out_flush(), -ENOSPC);
	assert_true(out_closed());
	assert_int_equal(out_error(), -ENOSPC);
	out_row(&t, &v);
	assert_int_equal(out_flush(), -ENOSPC);
	out_init(mem);
	assert_false(out_closed());
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_bcc_execsnoop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_bcc_opensnoop_oct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_optional_cols, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_strv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_row, setup, teardown),
		cmocka_unit_test_setup_teardown(test_note_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_pipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
	};

	return cmocka_run_group_tests_name("out", tests, NULL, NULL);
}
