// SPDX-License-Identifier: GPL-2.0
/* Unit tests for the BTF validator: crafted files that crash or hang libbpf are refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include <linux/btf.h>

#include "kbtf.h"

/* A BTF blob under construction: header, then types, then strings. */
struct blob {
	unsigned char types[4096];
	size_t types_len;
	char str[256];
	size_t str_len;
	unsigned char out[8192];
	size_t out_len;
};

static void start(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->str_len = 1;		/* "" at offset 0 */
}

static uint32_t name(struct blob *b, const char *s)
{
	uint32_t off = b->str_len;

	memcpy(b->str + off, s, strlen(s) + 1);
	b->str_len += strlen(s) + 1;
	return off;
}

static void u32s(struct blob *b, int n, ...)
{
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		uint32_t v = va_arg(ap, uint32_t);

		memcpy(b->types + b->types_len, &v, 4);
		b->types_len += 4;
	}
	va_end(ap);
}

#define INFO(kind, vlen) ((uint32_t)(kind) << 24 | (vlen))

static const unsigned char *finish(struct blob *b)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = b->types_len,
		.str_off = b->types_len, .str_len = b->str_len,
	};

	memcpy(b->out, &h, sizeof(h));
	memcpy(b->out + sizeof(h), b->types, b->types_len);
	memcpy(b->out + sizeof(h) + b->types_len, b->str, b->str_len);
	b->out_len = sizeof(h) + b->types_len + b->str_len;
	return b->out;
}

/* [1] int, [2] struct node { struct node *next; int v; }, [3] ptr -> [2], [4] typedef */
static void valid(struct blob *b)
{
	start(b);
	u32s(b, 4, name(b, "int"), INFO(BTF_KIND_INT, 0), 4, 32);
	u32s(b, 3, name(b, "node"), INFO(BTF_KIND_STRUCT, 2), 16);
	u32s(b, 3, name(b, "next"), 3, 0);
	u32s(b, 3, name(b, "v"), 1, 64);
	u32s(b, 3, 0, INFO(BTF_KIND_PTR, 0), 2);
	u32s(b, 3, name(b, "node_t"), INFO(BTF_KIND_TYPEDEF, 0), 2);
}

static int check(struct blob *b, char *why)
{
	finish(b);
	return kbtf__check(b->out, b->out_len, why, 128);
}

static void test_valid(void **state)
{
	struct blob b;
	char why[128] = "";
	struct btf *btf;

	valid(&b);
	assert_int_equal(check(&b, why), 0);
	/* and libbpf agrees */
	btf = btf__new(b.out, b.out_len);
	assert_non_null(btf);
	assert_int_equal(btf__type_cnt(btf), 5);
	btf__free(btf);
}

static void test_typedef_past_end(void **state)
{
	struct blob b;
	char why[128];

	valid(&b);
	u32s(&b, 3, name(&b, "bad"), INFO(BTF_KIND_TYPEDEF, 0), 0xffffff);
	assert_int_equal(check(&b, why), -EINVAL);
	assert_non_null(strstr(why, "type [5] refers to type 16777215, past the last type (5)"));
}

static void test_member_past_end(void **state)
{
	struct blob b;
	char why[128];

	start(&b);
	u32s(&b, 3, name(&b, "s"), INFO(BTF_KIND_STRUCT, 1), 8);
	u32s(&b, 3, name(&b, "m"), 7, 0);
	assert_int_equal(check(&b, why), -EINVAL);
	assert_non_null(strstr(why, "member 0 of type [1] refers to type 7"));
}

static void test_typedef_self(void **state)
{
	struct blob b;
	char why[128];

	valid(&b);
	u32s(&b, 3, name(&b, "loop"), INFO(BTF_KIND_TYPEDEF, 0), 5);
	assert_int_equal(check(&b, why), -EINVAL);
	assert_non_null(strstr(why, "type [5] refers back to itself"));
}

/* typedef -> const -> volatile -> typedef, reached through a pointer from a valid type */
static void test_modifier_loop(void **state)
{
	struct blob b;
	char why[128];

	start(&b);
	u32s(&b, 3, 0, INFO(BTF_KIND_PTR, 0), 2);
	u32s(&b, 3, name(&b, "t"), INFO(BTF_KIND_TYPEDEF, 0), 3);
	u32s(&b, 3, 0, INFO(BTF_KIND_CONST, 0), 4);
	u32s(&b, 3, 0, INFO(BTF_KIND_VOLATILE, 0), 2);
	assert_int_equal(check(&b, why), -EINVAL);
	assert_non_null(strstr(why, "refers back to itself"));
}

/* a long chain (no loop) is fine and does not recurse */
static void test_long_chain(void **state)
{
	unsigned char *buf;
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h) };
	uint32_t n = 200000, *t;
	char why[128] = "";

	h.type_len = n * 12;
	h.str_off = h.type_len;
	h.str_len = 1;
	buf = calloc(1, sizeof(h) + h.type_len + 1);
	assert_non_null(buf);
	memcpy(buf, &h, sizeof(h));
	t = (uint32_t *)(buf + sizeof(h));
	for (uint32_t i = 0; i < n; i++) {
		t[3 * i + 1] = INFO(BTF_KIND_CONST, 0);
		t[3 * i + 2] = i + 2 <= n ? i + 2 : 0;	/* [i+1] -> [i+2], the last -> void */
	}
	assert_int_equal(kbtf__check(buf, sizeof(h) + h.type_len + 1, why, sizeof(why)), 0);
	t[3 * (n - 1) + 2] = 1;				/* close the loop */
	assert_int_equal(kbtf__check(buf, sizeof(h) + h.type_len + 1, why, sizeof(why)), -EINVAL);
	free(buf);
}

static void test_truncated(void **state)
{
	struct blob b;
	char why[128];

	valid(&b);
	finish(&b);
	for (size_t cut = 0; cut < b.out_len; cut++) {
		int err = kbtf__check(b.out, cut, why, sizeof(why));

		assert_int_equal(err, -EINVAL);
	}
	assert_int_equal(kbtf__check(b.out, 30, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "truncated"));
}

static void test_bad_header_and_strings(void **state)
{
	struct blob b;
	char why[128];

	valid(&b);
	finish(&b);
	b.out[0] = 0x12;
	assert_int_equal(kbtf__check(b.out, b.out_len, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not BTF"));

	valid(&b);
	finish(&b);
	b.out[b.out_len - 1] = 'x';		/* strings must end with a NUL */
	assert_int_equal(kbtf__check(b.out, b.out_len, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "NUL"));

	valid(&b);
	u32s(&b, 3, 999, INFO(BTF_KIND_TYPEDEF, 0), 1);
	assert_int_equal(check(&b, why), -EINVAL);
	assert_non_null(strstr(why, "name outside the string section"));

	start(&b);
	u32s(&b, 3, 0, INFO(31, 0), 0);
	assert_int_equal(check(&b, why), -EINVAL);
	assert_non_null(strstr(why, "unknown kind 31"));
}

/* Files: the kernel's own BTF passes; a crafted file fails with its reason; not a device. */
static void test_files(void **state)
{
	char path[] = "/tmp/bpfbox-kbtf.XXXXXX", why[128];
	struct blob b;
	int fd;

	if (!access("/sys/kernel/btf/vmlinux", R_OK))
		assert_int_equal(kbtf__check_file("/sys/kernel/btf/vmlinux", why, sizeof(why)), 0);
	else
		print_message("no /sys/kernel/btf/vmlinux: the kernel's own BTF is not checked\n");
	valid(&b);
	u32s(&b, 3, name(&b, "loop"), INFO(BTF_KIND_TYPEDEF, 0), 5);
	finish(&b);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.out, b.out_len), (ssize_t)b.out_len);
	close(fd);
	assert_int_equal(kbtf__check_file(path, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "refers back to itself"));
	unlink(path);
	assert_int_equal(kbtf__check_file("/dev/zero", why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "not a regular file");
	assert_int_equal(kbtf__check_file("/nonexistent/btf", why, sizeof(why)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_typedef_past_end),
		cmocka_unit_test(test_member_past_end),
		cmocka_unit_test(test_typedef_self),
		cmocka_unit_test(test_modifier_loop),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_header_and_strings),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests_name("kbtf", tests, NULL, NULL);
}
