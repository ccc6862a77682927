// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the kernel config reader: fixtures, gzip, and hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "kconfig.h"

static char path_buf[4096];

/* Fixtures live in tests/data/ (make runs tests from the repository root). */
static const char *data(const char *name)
{
	const char *dir = getenv("BPFBOX_TESTDATA");

	snprintf(path_buf, sizeof(path_buf), "%s/%s", dir ? dir : "tests/data", name);
	return path_buf;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), (size_t)n);
	fclose(f);
	*len = n;
	return buf;
}

static void check_sample(struct kconfig *kc)
{
	assert_string_equal(kconfig__get(kc, "CONFIG_BPF"), "y");
	assert_string_equal(kconfig__get(kc, "BPF"), "y");	/* prefix optional */
	assert_string_equal(kconfig__get(kc, "CONFIG_FPROBE"), "n");
	assert_string_equal(kconfig__get(kc, "CONFIG_BTRFS_FS"), "m");
	assert_string_equal(kconfig__get(kc, "CONFIG_NR_CPUS"), "8192");
	assert_string_equal(kconfig__get(kc, "CONFIG_CC_VERSION_TEXT"),
			    "\"gcc-12 (Debian 12.2.0-14) 12.2.0\"");
	assert_null(kconfig__get(kc, "CONFIG_DEBUG_INFO_BTF"));
	assert_null(kconfig__get(kc, "CONFIG_BP"));	/* no prefix matching */
	assert_true(kconfig__enabled(kc, "CONFIG_BTRFS_FS"));
	assert_true(kconfig__enabled(kc, "CONFIG_KPROBES"));
	assert_false(kconfig__enabled(kc, "CONFIG_FPROBE"));
	assert_false(kconfig__enabled(kc, "CONFIG_NR_CPUS"));
	assert_false(kconfig__enabled(kc, "CONFIG_MISSING"));
}

static void test_file(void **state)
{
	struct kconfig kc;
	FILE *f = fopen(data("kconfig-sample.config"), "r");

	assert_non_null(f);
	kconfig__init(&kc);
	assert_int_equal(kconfig__parse_file(&kc, f), 0);
	fclose(f);
	check_sample(&kc);
	assert_int_equal(kc.n, 13);
	kconfig__free(&kc);
}

static void test_buf_matches_file(void **state)
{
	struct kconfig kc;
	size_t len;
	char *buf = slurp(data("kconfig-sample.config"), &len);

	kconfig__init(&kc);
	assert_int_equal(kconfig__parse_buf(&kc, buf, len), 0);
	check_sample(&kc);
	kconfig__free(&kc);
	free(buf);
}

/* Writes buf gzip-compressed to a temporary file; returns its path in out. */
static void write_gz(const char *buf, size_t len, char out[64])
{
	gzFile gz;
	int fd;

	strcpy(out, "/tmp/bpfbox-kconfig-XXXXXX");
	fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	gz = gzopen(out, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, buf, len), (int)len);
	gzclose(gz);
}

static void test_gzip_path(void **state)
{
	struct kconfig kc;
	char gzpath[64];
	size_t len;
	char *buf = slurp(data("kconfig-sample.config"), &len);

	write_gz(buf, len, gzpath);
	kconfig__init(&kc);
	assert_int_equal(kconfig__read_path(&kc, gzpath), 0);
	assert_string_equal(kc.source, gzpath);
	check_sample(&kc);
	kconfig__free(&kc);

	/* A plain file reads through the same path. */
	kconfig__init(&kc);
	assert_int_equal(kconfig__read_path(&kc, data("kconfig-sample.config")), 0);
	check_sample(&kc);
	kconfig__free(&kc);
	unlink(gzpath);
	free(buf);
}

static void test_truncated_gzip(void **state)
{
	struct kconfig kc;
	char gzpath[64], *big;
	size_t n = 200000, len = 0;
	int err;

	/* Enough varied text that the compressed stream is long enough to cut. */
	big = malloc(n + 64);
	assert_non_null(big);
	for (int i = 0; len < n; i++)
		len += sprintf(big + len, "CONFIG_OPT_%d=%d\n", i, i * 7919);
	write_gz(big, len, gzpath);
	assert_int_equal(truncate(gzpath, 3000), 0);
	kconfig__init(&kc);
	err = kconfig__read_path(&kc, gzpath);
	assert_int_equal(err, -EIO);
	kconfig__free(&kc);
	unlink(gzpath);
	free(big);
}

static void test_missing_file(void **state)
{
	struct kconfig kc;

	kconfig__init(&kc);
	assert_int_equal(kconfig__read_path(&kc, "/nonexistent/config.gz"), -ENOENT);
	assert_int_equal(kc.n, 0);
	kconfig__free(&kc);
}

/* Not a kernel config: a directory, a device, a file without one CONFIG_ line. */
static void test_not_a_config(void **state)
{
	struct kconfig kc;

	kconfig__init(&kc);
	assert_int_equal(kconfig__read_path(&kc, "/"), -EISDIR);
	assert_int_equal(kconfig__read_path(&kc, "/dev/null"), -EINVAL);
	assert_int_equal(kconfig__read_path(&kc, data("passwd")), -EBADMSG);
	assert_int_equal(kc.n, 0);
	/* an empty table: lookups work (and sort nothing) */
	assert_null(kconfig__get(&kc, "CONFIG_BPF"));
	kconfig__free(&kc);
}

static void test_hostile_lines(void **state)
{
	struct kconfig kc;

	kconfig__init(&kc);
	assert_int_equal(kconfig__read_path(&kc, data("kconfig-hostile.config")), 0);
	assert_string_equal(kconfig__get(&kc, "CONFIG_CRLF"), "y");
	assert_string_equal(kconfig__get(&kc, "CONFIG_UNSET_CRLF"), "n");
	assert_string_equal(kconfig__get(&kc, "CONFIG_DUP"), "n");	/* last one wins */
	assert_null(kconfig__get(&kc, "CONFIG_BAD NAME"));
	assert_null(kconfig__get(&kc, "CONFIG_BAD"));
	assert_null(kconfig__get(&kc, "CONFIG_"));
	assert_null(kconfig__get(&kc, "CONFIG_NOSPACE"));
	assert_string_equal(kconfig__get(&kc, "CONFIG_TRAILING"), "n");
	assert_string_equal(kconfig__get(&kc, "CONFIG_EMPTY"), "");
	assert_null(kconfig__get(&kc, "CONFIG_NOEQUALS"));
	assert_string_equal(kconfig__get(&kc, "CONFIG_TABS"), "y");
	assert_string_equal(kconfig__get(&kc, "CONFIG_QUOTE"), "\"a=b \\\"c\\\"\"");
	assert_string_equal(kconfig__get(&kc, "CONFIG_LAST"), "y");	/* no final newline */
	kconfig__free(&kc);
}

static void test_overlong_line(void **state)
{
	size_t n = 3 * KCONFIG_MAX_LINE;
	char *buf = malloc(n + 64);
	struct kconfig kc;
	int len;

	assert_non_null(buf);
	memcpy(buf, "CONFIG_LONG=", 12);
	memset(buf + 12, 'x', n - 12);
	len = n + sprintf(buf + n, "\nCONFIG_AFTER=y\n");
	kconfig__init(&kc);
	assert_int_equal(kconfig__parse_buf(&kc, buf, len), 0);
	assert_null(kconfig__get(&kc, "CONFIG_LONG"));
	assert_string_equal(kconfig__get(&kc, "CONFIG_AFTER"), "y");
	kconfig__free(&kc);
	free(buf);
}

static void test_embedded_nul(void **state)
{
	static const char buf[] = "CONFIG_A\0B=y\nCONFIG_C=y\0junk\nCONFIG_D=m\n";
	struct kconfig kc;

	kconfig__init(&kc);
	assert_int_equal(kconfig__parse_buf(&kc, buf, sizeof(buf) - 1), 0);
	assert_null(kconfig__get(&kc, "CONFIG_A"));
	assert_string_equal(kconfig__get(&kc, "CONFIG_C"), "y");
	assert_string_equal(kconfig__get(&kc, "CONFIG_D"), "m");
	kconfig__free(&kc);
}

static void test_too_many_entries(void **state)
{
	size_t cap = (KCONFIG_MAX_ENTRIES + 2) * 24, len = 0;
	char *buf = malloc(cap);
	struct kconfig kc;

	assert_non_null(buf);
	for (int i = 0; i <= KCONFIG_MAX_ENTRIES; i++)
		len += sprintf(buf + len, "CONFIG_N%d=y\n", i);
	kconfig__init(&kc);
	assert_int_equal(kconfig__parse_buf(&kc, buf, len), -E2BIG);
	kconfig__free(&kc);
	free(buf);
}

static void test_too_many_bytes(void **state)
{
	size_t chunk = 1 << 20;
	char *buf = malloc(chunk);
	struct kconfig kc;
	int err = 0;

	assert_non_null(buf);
	memset(buf, '#', chunk);
	kconfig__init(&kc);
	for (unsigned int i = 0; i <= KCONFIG_MAX_BYTES / chunk && !err; i++)
		err = kconfig__parse_buf(&kc, buf, chunk);
	assert_int_equal(err, -EFBIG);
	kconfig__free(&kc);
	free(buf);
}

/* Entries added after a lookup (which sorts) still resolve, last one winning. */
static void test_add_after_lookup(void **state)
{
	struct kconfig kc;

	kconfig__init(&kc);
	assert_int_equal(kconfig__parse_buf(&kc, "CONFIG_X=y\nCONFIG_Y=y\n", 22), 0);
	assert_string_equal(kconfig__get(&kc, "X"), "y");
	assert_int_equal(kconfig__parse_buf(&kc, "CONFIG_X=m\n", 11), 0);
	assert_string_equal(kconfig__get(&kc, "X"), "m");
	assert_string_equal(kconfig__get(&kc, "Y"), "y");
	kconfig__free(&kc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_buf_matches_file),
		cmocka_unit_test(test_gzip_path),
		cmocka_unit_test(test_truncated_gzip),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_not_a_config),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_too_many_entries),
		cmocka_unit_test(test_too_many_bytes),
		cmocka_unit_test(test_add_after_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
