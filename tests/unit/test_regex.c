// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the regex dialect: Python's re.search on the cases BCC users write. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "regex.h"

/* search PATTERN in S, as Python's bool(re.search(PATTERN, S)) */
static bool search(const char *pattern, const char *s)
{
	struct regex *re;
	char why[160];
	bool hit;

	assert_int_equal(regex__compile(&re, pattern, why, sizeof(why)), 0);
	hit = regex__search(re, s, strlen(s));
	regex__free(re);
	return hit;
}

static void test_classes(void **state)
{
	/* POSIX ERE read \d as a literal d: "mark\d+" matched "markd" */
	assert_true(search("mark\\d+", "xmark42y"));
	assert_false(search("mark\\d+", "markd"));
	assert_true(search("^\\w+$", "abc_123"));
	assert_false(search("^\\w+$", "ab-c"));
	assert_true(search("a\\sb", "a\tb"));
	assert_false(search("a\\sb", "a_b"));
	assert_true(search("\\D\\W\\S", "a-b"));
}

static void test_word_boundary(void **state)
{
	assert_true(search("\\bcat\\b", "a cat sat"));
	assert_false(search("\\bcat\\b", "concatenate"));
	assert_true(search("\\Bcat", "concatenate"));
}

static void test_flags_and_quantifiers(void **state)
{
	assert_true(search("(?i)^BASH$", "bash"));
	assert_false(search("^BASH$", "bash"));
	/* non-greedy quantifiers are accepted and anchoring still decides */
	assert_true(search("^a+?$", "aaa"));
	assert_true(search("<.*?>", "<a><b>"));
	assert_true(search("x{2,3}?y", "xxy"));
	/* groups, alternation, (?:...) and lookahead as in Python */
	assert_true(search("^(?:ls|cat) ", "cat /etc/passwd"));
	assert_true(search("foo(?=bar)", "foobar"));
	assert_false(search("foo(?!bar)", "foobar"));
}

static void test_search_not_match(void **state)
{
	/* re.search, not re.match: anywhere in the string */
	assert_true(search("sh", "bash"));
	assert_false(search("^sh", "bash"));
	/* $ also matches before a final newline, as in Python */
	assert_true(search("a$", "a\n"));
}

static void test_bytes(void **state)
{
	struct regex *re;
	char why[160];
	const char s[] = { 'a', '\xff', '\xfe', 'b', 0 };

	/* not UTF-8: arguments are arbitrary bytes and must not be rejected */
	assert_int_equal(regex__compile(&re, "a..b", why, sizeof(why)), 0);
	assert_true(regex__search(re, s, 4));
	/* the length given is the subject, NUL or not */
	assert_false(regex__search(re, s, 3));
	regex__free(re);
	/* \d is ASCII only */
	assert_false(search("\\d", "\xd9\xa3"));
}

static void test_errors(void **state)
{
	struct regex *re = (void *)1;
	char why[160];

	assert_int_equal(regex__compile(&re, "(", why, sizeof(why)), -EINVAL);
	assert_null(re);
	assert_non_null(strstr(why, "offset 1"));
	assert_int_equal(regex__compile(&re, "a{2,1}", why, sizeof(why)), -EINVAL);
	assert_int_equal(regex__compile(&re, "[z-a]", why, sizeof(why)), -EINVAL);
	regex__free(NULL);
}

static void test_backtracking_bounded(void **state)
{
	char s[64];

	/* catastrophic backtracking on crafted input ends, and counts as a match (shown) */
	memset(s, 'a', sizeof(s) - 2);
	s[sizeof(s) - 2] = '!';
	s[sizeof(s) - 1] = 0;
	assert_true(search("^(a+)+$", s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_word_boundary),
		cmocka_unit_test(test_flags_and_quantifiers),
		cmocka_unit_test(test_search_not_match),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_backtracking_bounded),
	};

	return cmocka_run_group_tests_name("regex", tests, NULL, NULL);
}
