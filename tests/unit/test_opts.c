// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the option tables: typed values, exit-2 errors, id lists, uids, --help. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "opts.h"

/* An applet table with one option of each kind. */
static struct {
	bool flag, other;
	int count;
	long num, max_args, uid, secs;
	const char *str;
	struct id_list pids;
} v;

static const struct opt test_opts[] = {
	{ 'f', "flag", OPT_FLAG, NULL, "a plain flag", &v.flag },
	{ 'o', NULL, OPT_FLAG, NULL, "a short-only flag", &v.other },
	{ 'c', "count", OPT_COUNT, NULL, "count me (repeatable)", &v.count },
	{ 'n', "num", OPT_LONG, "N", "a number from 1 to 60", &v.num, 1, 60 },
	{ 's', "str", OPT_STR, "STR", "at most four characters", &v.str, .max = 4,
	  .complete = "file" },
	{ 'p', "pid", OPT_FN, "PID,...", "comma separated ids", &v.pids,
	  .parse = opt_parse_pid_list, .complete = "pid" },
	{ 'u', "uid", OPT_FN, "USER", "a user name or uid", &v.uid, .parse = opt_parse_uid,
	  .complete = "user" },
	{ 0, "max-args", OPT_LONG, "N", "a long-only number", &v.max_args, 1, 128 },
	{ 'd', "duration", OPT_FN, "SECS", "seconds", &v.secs, .parse = opt_parse_secs,
	  .complete = "1 5 10" },
	OPT_END
};

static const struct cmd_spec spec = {
	.name = "tester",
	.opts = test_opts,
	.args = "[interval]",
	.min_args = 0,
	.max_args = 1,
	.epilog = "examples:\n  tester -f   # flag\n",
};

static char path_buf[4096];

/* Fixtures live in tests/data/ (make runs tests from the repository root). */
static const char *data(const char *name)
{
	const char *dir = getenv("BPFBOX_TESTDATA");

	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir ? dir : "tests/data", name);
	return path_buf;
}

static int reset(void **state)
{
	memset(&v, 0, sizeof(v));
	v.uid = -1;
	opt_json = false;
	opt_verbose = 0;
	return 0;
}

/* argv from a NULL-terminated list, argv[0] = "tester"; returns argc. */
static int mkargv(char **argv, int max, va_list ap)
{
	int n = 0;
	char *a;

	argv[n++] = "tester";
	while ((a = va_arg(ap, char *)) && n < max - 1)
		argv[n++] = a;
	argv[n] = NULL;
	return n;
}

/* Parses in this process (the values must be valid); returns opts_parse's result. */
static int parse(const char *first, ...)
{
	char *argv[32];
	va_list ap;
	int argc;

	argv[1] = (char *)first;
	va_start(ap, first);
	argc = mkargv(argv + 1, 31, ap) + 1;
	va_end(ap);
	argv[0] = "tester";
	argv[1] = (char *)first;
	return opts_parse(&spec, argc, argv);
}

struct outcome {
	int status;		/* exit status, or 256 + returned index when opts_parse returned */
	char out[8192];
	char err[1024];
	int err_lines;
};

static void slurp(FILE *f, char *buf, size_t len)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
}

/* Parses in a child, because usage errors, --help and completion exit the process. */
static struct outcome *parse_child(const char *first, ...)
{
	static struct outcome r;
	FILE *out = tmpfile(), *err = tmpfile();
	char *argv[32];
	va_list ap;
	int argc, st;
	pid_t pid;

	assert_non_null(out);
	assert_non_null(err);
	va_start(ap, first);
	argc = mkargv(argv + 1, 31, ap) + 1;
	va_end(ap);
	argv[0] = "tester";
	argv[1] = (char *)first;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int i;

		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		i = opts_parse(&spec, argc, argv);
		fflush(NULL);
		_exit(i < 0 || i > 200 ? 255 : 100 + i);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	r.status = WEXITSTATUS(st) >= 100 ? 256 + WEXITSTATUS(st) - 100 : WEXITSTATUS(st);
	slurp(out, r.out, sizeof(r.out));
	slurp(err, r.err, sizeof(r.err));
	r.err_lines = 0;
	for (char *p = r.err; *p; p++)
		r.err_lines += *p == '\n';
	return &r;
}

/* A usage error: status 2, exactly one line on stderr, containing each of the strings. */
static void assert_usage(const struct outcome *r, const char *want1, const char *want2)
{
	if (r->status != 2 || r->err_lines != 1 || !strstr(r->err, want1) ||
	    (want2 && !strstr(r->err, want2)))
		fail_msg("want status 2 and one line with '%s' '%s'; got %d: %s", want1,
			 want2 ? want2 : "", r->status, r->err);
	assert_non_null(strstr(r->err, "tester: "));
	assert_string_equal(r->out, "");
}

static void test_flags(void **state)
{
	assert_int_equal(parse("-f", "-o", NULL), 3);
	assert_true(v.flag);
	assert_true(v.other);
	assert_false(opt_json);

	reset(state);
	assert_int_equal(parse("-ccc", "--count", "--flag", "-j", "--verbose", "--verbose", NULL),
			 7);
	assert_int_equal(v.count, 4);
	assert_true(v.flag);
	assert_false(v.other);
	assert_true(opt_json);
	assert_int_equal(opt_verbose, 2);

	reset(state);
	assert_int_equal(parse("--json", "-fo", NULL), 3);
	assert_true(opt_json && v.flag && v.other);
}

static void test_positional(void **state)
{
	/* GNU getopt permutes: options after the positional argument still count */
	assert_int_equal(parse("5", "-f", NULL), 2);
	assert_true(v.flag);
	reset(state);
	assert_int_equal(parse("-f", "--", "-3", NULL), 3);
	assert_usage(parse_child("1", "2", NULL), "unexpected argument '2'", NULL);
}

static void test_ranged_int(void **state)
{
	parse("-n", "1", NULL);
	assert_int_equal(v.num, 1);
	parse("-n60", NULL);
	assert_int_equal(v.num, 60);
	parse("--num=7", NULL);
	assert_int_equal(v.num, 7);
	parse("--num", "010", NULL);	/* decimal, not octal */
	assert_int_equal(v.num, 10);
	parse("--max-args", "128", NULL);
	assert_int_equal(v.max_args, 128);
	parse("--max", "3", NULL);	/* unambiguous prefix */
	assert_int_equal(v.max_args, 3);
}

static void test_ranged_int_bad(void **state)
{
	static const char *const bad[] = { "0", "61", "-1", "5x", "", " 5", "+5", "0x10", "1e1",
					   "99999999999999999999999", "-" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct outcome *r = parse_child("-n", bad[i], NULL);

		assert_usage(r, "-n/--num", "expected an integer from 1 to 60");
	}
	assert_usage(parse_child("--max-args=0", NULL), "for --max-args",
		     "expected an integer from 1 to 128");
	assert_usage(parse_child("--max-args=129", NULL), "invalid value '129'", NULL);
}

static void test_str(void **state)
{
	parse("-s", "abcd", NULL);
	assert_string_equal(v.str, "abcd");
	parse("--str=", NULL);
	assert_string_equal(v.str, "");
	assert_usage(parse_child("-s", "abcde", NULL), "-s/--str", "at most 4 characters");
}

static void test_secs(void **state)
{
	parse("-d", "5", NULL);
	assert_int_equal(v.secs, 5);
	assert_usage(parse_child("-d", "0", NULL), "-d/--duration", "seconds > 0");
	assert_usage(parse_child("--duration=1.5", NULL), "-d/--duration", "seconds > 0");
}

static void test_id_list(void **state)
{
	char many[64 * 4 + 8], *p = many;

	parse("-p", "1", NULL);
	assert_int_equal(v.pids.n, 1);
	assert_int_equal(v.pids.ids[0], 1);
	parse("--pid=10,0,2147483647", NULL);
	assert_int_equal(v.pids.n, 3);
	assert_int_equal(v.pids.ids[0], 10);
	assert_int_equal(v.pids.ids[1], 0);
	assert_int_equal(v.pids.ids[2], 2147483647);

	for (int i = 0; i < ID_LIST_MAX; i++)
		p += sprintf(p, "%s%d", i ? "," : "", i + 1);
	parse("-p", many, NULL);
	assert_int_equal(v.pids.n, ID_LIST_MAX);
	assert_int_equal(v.pids.ids[ID_LIST_MAX - 1], ID_LIST_MAX);
	strcpy(p, ",65");
	assert_usage(parse_child("-p", many, NULL), "-p/--pid", "at most 64");

	static const char *const bad[] = { "", ",", "1,", ",1", "1,,2", "a", "1;2", "1 2", " 1",
					   "+1", "-1", "-0", "2147483648", "1,x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_usage(parse_child("-p", bad[i], NULL), "-p/--pid",
			     "a comma separated list of ids");
}

static void test_uid_numeric(void **state)
{
	parse("-u", "0", NULL);
	assert_int_equal(v.uid, 0);
	parse("--uid=4294967294", NULL);
	assert_int_equal(v.uid, 4294967294L);
	/* (uid_t)-1 means "no uid" to the kernel */
	assert_usage(parse_child("-u", "4294967295", NULL), "-u/--uid",
		     "a user name or a numeric uid");
	assert_usage(parse_child("-u", "-1", NULL), "-u/--uid", NULL);
}

static void test_uid_fixture(void **state)
{
	FILE *f = fopen(data("passwd"), "r");
	long uid = -1;

	assert_non_null(f);
	assert_int_equal(opt_passwd_uid(f, "alice", &uid), 0);
	assert_int_equal(uid, 1000);
	rewind(f);
	assert_int_equal(opt_passwd_uid(f, "bob", &uid), 0);
	assert_int_equal(uid, 1001);
	rewind(f);
	/* a prefix of a name is not that name, nor is a longer one */
	assert_int_equal(opt_passwd_uid(f, "ali", &uid), -ENOENT);
	rewind(f);
	assert_int_equal(opt_passwd_uid(f, "alicex", &uid), -ENOENT);
	rewind(f);
	/* the last line has no newline */
	assert_int_equal(opt_passwd_uid(f, "last", &uid), 0);
	assert_int_equal(uid, 4242);
	rewind(f);
	/* an entry whose uid field is not a number is skipped */
	assert_int_equal(opt_passwd_uid(f, "broken", &uid), -ENOENT);
	rewind(f);
	/* the tail of an overlong line is not taken for an entry */
	assert_int_equal(opt_passwd_uid(f, "tail", &uid), -ENOENT);
	rewind(f);
	assert_int_equal(opt_passwd_uid(f, "afterlong", &uid), 0);
	assert_int_equal(uid, 77);
	rewind(f);
	assert_int_equal(opt_passwd_uid(f, "nobody", &uid), 0);
	assert_int_equal(uid, 65534);
	fclose(f);
}

static void test_uid_by_name(void **state)
{
	FILE *f = fopen("/etc/passwd", "r");
	long want = -1;

	/* every system has root, and the applets read the real /etc/passwd */
	if (!f)
		skip();
	assert_int_equal(opt_passwd_uid(f, "root", &want), 0);
	fclose(f);
	parse("-u", "root", NULL);
	assert_int_equal(v.uid, want);
	assert_usage(parse_child("-u", "no-such-user-bpfbox", NULL), "-u/--uid",
		     "a user name or a numeric uid");
	assert_usage(parse_child("-u", "root:x", NULL), "-u/--uid", NULL);
	assert_usage(parse_child("--uid=", NULL), "-u/--uid", NULL);
}

static void test_missing_value(void **state)
{
	assert_usage(parse_child("-n", NULL), "option -n needs a value", NULL);
	assert_usage(parse_child("-fn", NULL), "option -n needs a value", NULL);
	assert_usage(parse_child("--num", NULL), "option --num needs a value", NULL);
	assert_usage(parse_child("-f", "--max-args", NULL), "option --max-args needs a value",
		     NULL);
	assert_usage(parse_child("--pid", NULL), "option --pid needs a value", NULL);
}

static void test_unknown(void **state)
{
	assert_usage(parse_child("-Z", NULL), "unknown option -Z", NULL);
	assert_usage(parse_child("-fZ", NULL), "unknown option -Z", NULL);
	assert_usage(parse_child("--num=3", "-Zf", NULL), "unknown option -Z", NULL);
	assert_usage(parse_child("--nope", NULL), "unknown option --nope", NULL);
	assert_usage(parse_child("--nope=1", NULL), "unknown option --nope", NULL);
	assert_usage(parse_child("--flag=1", NULL), "option --flag takes no value", NULL);
	/* the hint names the applet's help */
	assert_usage(parse_child("-Z", NULL), "see 'tester --help'", NULL);
}

static void test_help(void **state)
{
	struct outcome *r = parse_child("-f", "--help", NULL);
	const struct opt *o;

	assert_int_equal(r->status, 0);
	assert_string_equal(r->err, "");
	assert_non_null(strstr(r->out, "usage: tester "));
	assert_non_null(strstr(r->out, "[interval]"));
	assert_non_null(strstr(r->out, "examples:\n  tester -f   # flag\n"));
	for (o = test_opts; o->short_name || o->long_name; o++) {
		char name[64];

		if (o->short_name) {
			snprintf(name, sizeof(name), "-%c%s", o->short_name,
				 o->long_name ? ", --" : "");
			if (!strstr(r->out, name))
				fail_msg("--help lacks %s", name);
		}
		if (o->long_name) {
			snprintf(name, sizeof(name), "--%s", o->long_name);
			if (!strstr(r->out, name))
				fail_msg("--help lacks %s", name);
		}
		if (!strstr(r->out, o->help))
			fail_msg("--help lacks '%s'", o->help);
	}
	/* the common options */
	assert_non_null(strstr(r->out, "-h, --help"));
	assert_non_null(strstr(r->out, "-j, --json"));
	assert_non_null(strstr(r->out, "--verbose"));
	assert_int_equal(parse_child("-h", NULL)->status, 0);
}

static char *slurp_file(const char *path)
{
	static char buf[8192];
	FILE *f = fopen(path, "r");

	if (!f)
		fail_msg("cannot open %s", path);
	slurp(f, buf, sizeof(buf));
	return buf;
}

/* The whole rendering, against tests/data/opts-help.txt (BPFBOX_REGEN=1 rewrites it). */
static void test_help_golden(void **state)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	opts_summary = "Test the option parser";
	opts_help(&spec, f);
	fclose(f);
	opts_summary = NULL;
	if (getenv("BPFBOX_REGEN")) {
		f = fopen(data("opts-help.txt"), "w");
		fputs(got, f);
		fclose(f);
	}
	assert_string_equal(got, slurp_file(data("opts-help.txt")));
	/* no line wider than 80 columns */
	for (char *l = got, *e; *l; l = e + 1) {
		e = strchrnul(l, '\n');
		if (e - l > 80)
			fail_msg("help line over 80 columns: %.*s", (int)(e - l), l);
		if (!*e)
			break;
	}
	free(got);
}

/* `--bpfbox-complete`: five tab separated fields per option, no NUL bytes. */
static void test_complete(void **state)
{
	struct outcome *r = parse_child("--bpfbox-complete", NULL);
	int lines = 0, n = 0;

	assert_int_equal(r->status, 0);
	for (const struct opt *o = test_opts; o->short_name || o->long_name; o++)
		n++;
	for (char *l = r->out, *e; *l; l = e + 1) {
		int tabs = 0;

		e = strchr(l, '\n');
		assert_non_null(e);
		for (char *p = l; p < e; p++)
			tabs += *p == '\t';
		assert_int_equal(tabs, 4);
		lines++;
	}
	assert_int_equal(lines, n + 4);	/* the applet's and -h, -j, --verbose, --btf */
	assert_non_null(strstr(r->out, "\t--max-args\tN\t\ta long-only number\n"));
	assert_non_null(strstr(r->out, "-o\t\t\t\ta short-only flag\n"));
	assert_non_null(strstr(r->out, "-u\t--uid\tUSER\tuser\ta user name or uid\n"));
	assert_non_null(strstr(r->out, "-d\t--duration\tSECS\t1 5 10\tseconds\n"));
	assert_non_null(strstr(r->out, "-h\t--help\t\t\t"));
}

/* The whole rendering, against tests/data/opts-complete.txt. */
static void test_complete_golden(void **state)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	opts_complete(&spec, f);
	fclose(f);
	assert_int_equal(strlen(got), len);	/* no NUL bytes */
	if (getenv("BPFBOX_REGEN")) {
		f = fopen(data("opts-complete.txt"), "w");
		fputs(got, f);
		fclose(f);
	}
	assert_string_equal(got, slurp_file(data("opts-complete.txt")));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_flags, reset),
		cmocka_unit_test_setup(test_positional, reset),
		cmocka_unit_test_setup(test_ranged_int, reset),
		cmocka_unit_test_setup(test_ranged_int_bad, reset),
		cmocka_unit_test_setup(test_str, reset),
		cmocka_unit_test_setup(test_secs, reset),
		cmocka_unit_test_setup(test_id_list, reset),
		cmocka_unit_test_setup(test_uid_numeric, reset),
		cmocka_unit_test_setup(test_uid_fixture, reset),
		cmocka_unit_test_setup(test_uid_by_name, reset),
		cmocka_unit_test_setup(test_missing_value, reset),
		cmocka_unit_test_setup(test_unknown, reset),
		cmocka_unit_test_setup(test_help, reset),
		cmocka_unit_test_setup(test_help_golden, reset),
		cmocka_unit_test_setup(test_complete, reset),
		cmocka_unit_test_setup(test_complete_golden, reset),
	};

	return cmocka_run_group_tests_name("opts", tests, NULL, NULL);
}
