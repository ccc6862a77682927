// SPDX-License-Identifier: GPL-2.0
/*
 * Copies a raw BTF file with names changed, for the tests of what bpfbox makes of a kernel
 * whose struct members differ from this one's:
 *   btfrename IN OUT OLD NEW [OLD NEW...]
 * Every string of the string section equal to OLD becomes NEW, which must be as long (so no
 * offset moves); an OLD that is not there is left (a kernel has one of two names). Exits 1
 * when none is there. Host byte order only.
 */
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what)
{
	fprintf(stderr, "btfrename: %s\n", what);
	exit(1);
}

int main(int argc, char **argv)
{
	static char buf[64 << 20];
	struct btf_header hdr;
	FILE *f;
	size_t n;
	int found = 0;

	if (argc < 5 || argc % 2 == 0)
		die("usage: btfrename IN OUT OLD NEW [OLD NEW...]");
	if (!(f = fopen(argv[1], "rb")))
		die("cannot open IN");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	memcpy(&hdr, buf, sizeof(hdr));
	if (n < sizeof(hdr) || n == sizeof(buf) || hdr.magic != BTF_MAGIC ||
	    (size_t)hdr.hdr_len + hdr.str_off + hdr.str_len > n)
		die("IN is not raw BTF of this byte order");
	for (int a = 3; a < argc; a += 2) {
		char *s = buf + hdr.hdr_len + hdr.str_off, *end = s + hdr.str_len;

		if (strlen(argv[a]) != strlen(argv[a + 1]))
			die("OLD and NEW differ in length");
		for (; s < end; s += strnlen(s, (size_t)(end - s)) + 1)
			if (!strcmp(s, argv[a])) {
				memcpy(s, argv[a + 1], strlen(s));
				found = 1;
			}
	}
	if (!found)
		die("none of the OLD strings is in IN");
	if (!(f = fopen(argv[2], "wb")) || fwrite(buf, 1, n, f) != n || fclose(f))
		die("cannot write OUT");
	return 0;
}
