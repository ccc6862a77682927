// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the SVG flame graph writer: merging, layout, escaping, hostile names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "flamegraph.h"

static char *render(struct flamegraph *fg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(flamegraph__write(fg, f, &(struct flamegraph_opts){
		.title = "T <&>", .subtitle = "sub", .unit = "samples" }), 0);
	fclose(f);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void add(struct flamegraph *fg, uint64_t c, int n, ...)
{
	const char *names[16];
	uint8_t kinds[16];
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		names[i] = va_arg(ap, const char *);
		kinds[i] = i ? FG_USER : FG_COMM;
	}
	va_end(ap);
	assert_int_equal(flamegraph__add(fg, names, kinds, n, c), 0);
}

static void test_merge_and_layout(void **state)
{
	struct flamegraph *fg = flamegraph__new();
	char *svg;

	add(fg, 3, 3, "prog", "main", "work");
	add(fg, 1, 3, "prog", "main", "idle");
	add(fg, 2, 2, "prog", "main");
	svg = render(fg);
	/* one frame per distinct path: all, prog, main, idle, work */
	assert_int_equal(count(svg, "<g data-s="), 5);
	assert_non_null(strstr(svg, "<title>all (6 samples, 100.00%)</title>"));
	assert_non_null(strstr(svg, "<title>main (6 samples, 100.00%)</title>"));
	assert_non_null(strstr(svg, "<title>work (3 samples, 50.00%)</title>"));
	/* children in name order from the left: idle at sample 0, work at 1 */
	assert_non_null(strstr(svg, "<g data-s=\"0\" data-n=\"1\" data-d=\"3\"><title>idle"));
	assert_non_null(strstr(svg, "<g data-s=\"1\" data-n=\"3\" data-d=\"3\"><title>work"));
	assert_non_null(strstr(svg, "data-total=\"6\""));
	assert_non_null(strstr(svg, "T &lt;&amp;&gt;"));
	assert_non_null(strstr(svg, "]]></script>\n</svg>\n"));
	free(svg);
	flamegraph__free(fg);
}

static void test_escaping(void **state)
{
	struct flamegraph *fg = flamegraph__new();
	char *svg;

	add(fg, 1, 2, "p", "std::vector<int, std::allocator<int> >::push_back(int&&)");
	add(fg, 1, 2, "p", "bad\x01\xff\xc3(utf8 \"q\" 'a'");
	add(fg, 1, 2, "p", "caf\xc3\xa9");
	svg = render(fg);
	assert_non_null(strstr(svg, "std::vector&lt;int, std::allocator&lt;int&gt; &gt;::push_back(int&amp;&amp;)"));
	assert_non_null(strstr(svg, "bad??" "?(utf8 &quot;q&quot; &apos;a&apos;"));
	assert_non_null(strstr(svg, "caf\xc3\xa9"));
	/* nothing raw that would end the markup early */
	assert_null(strstr(svg, "<int"));
	free(svg);
	flamegraph__free(fg);
}

/* Frames too narrow to see are left out, with everything above them. */
static void test_min_width(void **state)
{
	struct flamegraph *fg = flamegraph__new();
	char *svg;

	add(fg, 1000000, 2, "p", "hot");
	add(fg, 1, 3, "p", "cold", "colder");
	svg = render(fg);
	assert_non_null(strstr(svg, ">hot ("));
	assert_null(strstr(svg, "cold"));
	free(svg);
	flamegraph__free(fg);
}

static void test_empty(void **state)
{
	struct flamegraph *fg = flamegraph__new();
	char *svg = render(fg);

	assert_int_equal(count(svg, "<g data-s="), 0);
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
	flamegraph__free(fg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_and_layout),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_min_width),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
