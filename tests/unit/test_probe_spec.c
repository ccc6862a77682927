// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the funccount/stackcount pattern grammar and its glob and regex matching. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "probe_spec.h"

static struct probe_spec s;
static struct probe_spec_err e;

static void parse_ok(const char *text, bool regex, enum probe_kind kind, const char *target,
		     const char *pattern)
{
	int rc = probe_spec__parse(text, regex, &s, &e);

	if (rc)
		fail_msg("'%s': %s at %d", text, e.msg, e.pos);
	assert_int_equal(s.kind, kind);
	assert_string_equal(s.target, target);
	assert_string_equal(s.pattern, pattern);
}

static void parse_bad(const char *text, bool regex, int pos, const char *msg_part)
{
	assert_int_equal(probe_spec__parse(text, regex, &s, &e), -EINVAL);
	assert_int_equal(e.pos, pos);
	if (!strstr(e.msg, msg_part))
		fail_msg("'%s': message '%s' lacks '%s'", text, e.msg, msg_part);
	probe_spec__free(&s);
}

static void test_kinds(void **state)
{
	parse_ok("vfs_*", false, PROBE_KFUNC, "", "vfs_*");
	probe_spec__free(&s);
	parse_ok("p::vfs_read", false, PROBE_KFUNC, "", "vfs_read");
	probe_spec__free(&s);
	parse_ok("c:malloc", false, PROBE_UFUNC, "c", "malloc");
	probe_spec__free(&s);
	parse_ok("p:c:str*", false, PROBE_UFUNC, "c", "str*");
	probe_spec__free(&s);
	parse_ok("/usr/bin/bash:readline", false, PROBE_UFUNC, "/usr/bin/bash", "readline");
	probe_spec__free(&s);
	parse_ok("t:syscalls:sys_enter_*", false, PROBE_TP, "", "syscalls:sys_enter_*");
	probe_spec__free(&s);
	parse_ok("u:pthread:pthread_create", false, PROBE_USDT, "pthread", "pthread_create");
	probe_spec__free(&s);
	/* BCC: two parts are always library:function, even "t:x" */
	parse_ok("t:x", false, PROBE_UFUNC, "t", "x");
	probe_spec__free(&s);
}

static void test_glob(void **state)
{
	parse_ok("vfs_*", false, PROBE_KFUNC, "", "vfs_*");
	assert_true(probe_spec__match(&s, "vfs_read"));
	assert_true(probe_spec__match(&s, "vfs_"));
	assert_false(probe_spec__match(&s, "do_vfs_read"));
	probe_spec__free(&s);
	/* anchored at both ends */
	parse_ok("c:read", false, PROBE_UFUNC, "c", "read");
	assert_true(probe_spec__match(&s, "read"));
	assert_false(probe_spec__match(&s, "readv"));
	assert_false(probe_spec__match(&s, "pread"));
	probe_spec__free(&s);
	/* other regex characters stay live, as in BCC: "os.*" means ^os..*$ */
	parse_ok("go:os.*", false, PROBE_UFUNC, "go", "os.*");
	assert_true(probe_spec__match(&s, "os.Open"));
	assert_true(probe_spec__match(&s, "osXY"));
	assert_false(probe_spec__match(&s, "os"));
	probe_spec__free(&s);
	parse_ok("t:sched:sched_*", false, PROBE_TP, "", "sched:sched_*");
	assert_true(probe_spec__match(&s, "sched:sched_switch"));
	assert_false(probe_spec__match(&s, "syscalls:sched_switch"));
	probe_spec__free(&s);
	parse_ok("t:*:*", false, PROBE_TP, "", "*:*");
	assert_true(probe_spec__match(&s, "a:b"));
	probe_spec__free(&s);
}

static void test_regex(void **state)
{
	/* kernel functions: whole name; user symbols, tracepoints, USDT: prefix */
	parse_ok("vfs_(read|write)", true, PROBE_KFUNC, "", "vfs_(read|write)");
	assert_true(probe_spec__match(&s, "vfs_read"));
	assert_false(probe_spec__match(&s, "vfs_readv"));
	probe_spec__free(&s);
	parse_ok("c:(write|read)", true, PROBE_UFUNC, "c", "(write|read)");
	assert_true(probe_spec__match(&s, "readv"));
	assert_true(probe_spec__match(&s, "write"));
	assert_false(probe_spec__match(&s, "pread"));
	probe_spec__free(&s);
	parse_ok("c:a|b", true, PROBE_UFUNC, "c", "a|b");
	assert_false(probe_spec__match(&s, "xb"));
	probe_spec__free(&s);
}

static void test_syscalls(void **state)
{
	const char *pfx = probe_spec__syscall_prefix();
	char name[64];

	snprintf(name, sizeof(name), "%ssys_getppid", pfx);
	parse_ok("sys_getppid", false, PROBE_KFUNC, "", "sys_getppid");
	assert_true(probe_spec__match(&s, "sys_getppid"));
	assert_true(probe_spec__match(&s, name));
	assert_false(probe_spec__match(&s, "__foo_sys_getppid"));
	assert_true(probe_spec__match(&s, "__do_sys_getppid"));
	assert_false(probe_spec__match(&s, "__do_getppid"));
	probe_spec__free(&s);
	/* only kernel functions get the mapping */
	parse_ok("c:sys_getppid", false, PROBE_UFUNC, "c", "sys_getppid");
	assert_false(probe_spec__match(&s, name));
	probe_spec__free(&s);
}

static void test_errors(void **state)
{
	parse_bad("", false, 0, "empty pattern");
	parse_bad("a:b:c:d", false, 5, "too many");
	parse_bad("x:c:malloc", false, 0, "probe type");
	parse_bad("c:", false, 2, "empty name");
	parse_bad(":malloc", false, 0, "empty library");
	parse_bad("u::probe", false, 2, "USDT");
	parse_bad("t::ev", false, 2, "category");
	parse_bad("p:c:", false, 4, "empty name");
	parse_bad("c:(unclosed", true, 2, "invalid regular expression");
	parse_bad("vfs_[", false, 0, "invalid pattern");
	parse_bad("vfs\x01", false, 3, "control character");
	/* patterns whose compiled form would cost memory exponential in their length */
	parse_bad("c:a*+++", true, 2, "repeated quantifier");
	parse_bad("(a{99}){99}", true, 0, "bounds too large");
}

static void test_too_long(void **state)
{
	static char big[PROBE_SPEC_MAX + 10];

	memset(big, 'a', sizeof(big) - 1);
	parse_bad(big, false, PROBE_SPEC_MAX, "longer than");
	big[PROBE_SPEC_MAX - 1] = '\0';
	parse_ok(big, false, PROBE_KFUNC, "", big);
	probe_spec__free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_regex),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
