// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the probe engine's pieces that read machine files: kernel function
 * candidates (available_filter_functions, blacklist) and ld.so.cache lookups, on fixtures. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "binpath.h"
#include "kfuncs.h"
#include "probe_spec.h"

static char got[4096];

static int collect(const char *name, void *ctx)
{
	strcat(got, name);
	strcat(got, " ");
	return 0;
}

static void match(const char *pattern, bool regex, const char *avail, const char *bl,
		  const char *want)
{
	struct probe_spec s;
	struct probe_spec_err e;
	FILE *a = fmemopen((void *)avail, strlen(avail), "r");
	FILE *b = bl ? fmemopen((void *)bl, strlen(bl), "r") : NULL;

	got[0] = '\0';
	assert_int_equal(probe_spec__parse(pattern, regex, &s, &e), 0);
	assert_int_equal(kfuncs__match_files(a, b, &s, collect, NULL), 0);
	assert_string_equal(got, want);
	probe_spec__free(&s);
	fclose(a);
	if (b)
		fclose(b);
}

static const char avail[] =
	"vfs_read\n"
	"vfs_write\n"
	"vfs_readv [fuse]\n"
	"do_vfs_read\n"
	"vfs_read\n"			/* a second static function of that name */
	"vfs_open.cold\n"
	"vfs_foo.cold.2\n"
	"perf_vfs_x\n"
	"__perf_vfs\n"
	"_kbl_addr_vfs_read\n"
	"__SCT__vfs\n"
	"vfs_blacklisted\n"
	"__x64_sys_getppid\n"
	"__do_sys_getppid\n"
	"__arm64_sys_getppid\n";

static const char blacklist[] =
	"0xffffffff81000000-0xffffffff81000010\tvfs_blacklisted\n"
	"0xffffffff81000020-0xffffffff81000030\tsomething_else\n";

static void test_candidates(void **state)
{
	match("vfs_*", false, avail, blacklist, "vfs_read vfs_write vfs_readv ");
	/* without a readable blacklist the kernel refuses those at attach time */
	match("vfs_b*", false, avail, NULL, "vfs_blacklisted ");
	match("vfs_b*", false, avail, blacklist, "");
	match("vfs_(read|write)", true, avail, blacklist, "vfs_read vfs_write ");
}

static void test_syscalls(void **state)
{
#if defined(__x86_64__)
	match("sys_getppid", false, avail, NULL, "__x64_sys_getppid __do_sys_getppid ");
#elif defined(__aarch64__)
	match("sys_getppid", false, avail, NULL, "__do_sys_getppid __arm64_sys_getppid ");
#endif
}

/* A new-format ld.so.cache image with the given (key, value, flags) entries. */
static size_t ldcache(char *buf, size_t size, int n, const char *const *kv, const int *flags)
{
	size_t hdr = 20 + 4 * 2 + 4 + 4 * 4, str = hdr + (size_t)n * 24;

	memset(buf, 0, size);
	memcpy(buf, "glibc-ld.so.cache1.1", 20);
	memcpy(buf + 20, &n, 4);
	for (int i = 0; i < n; i++) {
		char *e = buf + hdr + (size_t)i * 24;
		uint32_t k, v;

		k = (uint32_t)str;
		strcpy(buf + str, kv[2 * i]);
		str += strlen(kv[2 * i]) + 1;
		v = (uint32_t)str;
		strcpy(buf + str, kv[2 * i + 1]);
		str += strlen(kv[2 * i + 1]) + 1;
		memcpy(e, &flags[i], 4);
		memcpy(e + 4, &k, 4);
		memcpy(e + 8, &v, 4);
	}
	return str;
}

static void test_ldcache(void **state)
{
	static const char *const kv[] = {
		"libc.so.6", "/other/abi/libc.so.6",
		"libcrypt.so.1", "/lib/libcrypt.so.1",
		"libc.so.6", "/lib/host/libc.so.6",
	};
#if defined(__x86_64__)
	const int abi = 0x0303;
#else
	const int abi = 0x0a03;
#endif
	const int flags[] = { 0x0003, abi, abi };	/* the first: another ABI */
	char buf[1024], out[256];
	size_t len = ldcache(buf, sizeof(buf), 3, kv, flags);

	assert_int_equal(binpath__ldcache(buf, len, "libc.so", out, sizeof(out)), 0);
	assert_string_equal(out, "/lib/host/libc.so.6");
	assert_int_equal(binpath__ldcache(buf, len, "libcrypt.so", out, sizeof(out)), 0);
	assert_string_equal(out, "/lib/libcrypt.so.1");
	assert_int_equal(binpath__ldcache(buf, len, "libnope.so", out, sizeof(out)), -ENOENT);
	/* truncated or hostile images are refused, never read past */
	assert_int_equal(binpath__ldcache(buf, 30, "libc.so", out, sizeof(out)), -ENOENT);
	memset(buf + 20, 0xff, 4);
	assert_int_equal(binpath__ldcache(buf, len, "libc.so", out, sizeof(out)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_syscalls),
		cmocka_unit_test(test_ldcache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
