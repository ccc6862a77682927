// SPDX-License-Identifier: GPL-2.0
/*
 * Makes hostile variants of an ELF64 executable for the symbolizer's end-to-end tests; the
 * program still runs (only section data is added or changed, never what exec loads).
 *   mkelf huge IN OUT N LEN   .symtab replaced by N function symbols sharing one LEN-byte name
 *   mkelf link IN OUT NAME    .symtab dropped, a .gnu_debuglink naming NAME added
 *   mkelf corrupt IN OUT      .symtab's header points past the end of the file, at no strings
 * Little-endian ELF64 only (x86-64, arm64): what the tests run on.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char *img;
static size_t len, cap;

static void die(const char *what)
{
	fprintf(stderr, "mkelf: %s\n", what);
	exit(1);
}

static size_t append(const void *p, size_t n, size_t align)
{
	size_t at = (len + align - 1) & ~(align - 1);

	if (at + n > cap) {
		cap = (at + n) * 2;
		img = realloc(img, cap);
		if (!img)
			die("out of memory");
	}
	memset(img + len, 0, at - len);
	memcpy(img + at, p, n);
	len = at + n;
	return at;
}

int main(int argc, char **argv)
{
	Elf64_Ehdr eh;
	Elf64_Shdr *sh;
	struct stat st;
	int fd, sym = -1, text = -1;

	if (argc < 4 || (strcmp(argv[1], "corrupt") && argc < 5))
		die("usage: mkelf huge IN OUT N LEN | mkelf link IN OUT NAME | mkelf corrupt IN OUT");
	fd = open(argv[2], O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		die("cannot read IN");
	cap = (size_t)st.st_size;
	img = malloc(cap);
	if (!img || read(fd, img, cap) != (ssize_t)cap)
		die("cannot read IN");
	close(fd);
	len = cap;
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum)
		die("IN is not a little-endian ELF64 file with sections");
	/* a copy of the section headers, one spare, to be appended at the end */
	sh = calloc(eh.e_shnum + 1u, sizeof(*sh));
	memcpy(sh, img + eh.e_shoff, eh.e_shnum * sizeof(*sh));
	for (int i = 0; i < eh.e_shnum; i++) {
		const char *nm = (char *)img + sh[eh.e_shstrndx].sh_offset + sh[i].sh_name;

		if (sh[i].sh_type == SHT_SYMTAB)
			sym = i;
		if (sh[i].sh_type == SHT_PROGBITS && !strcmp(nm, ".text"))
			text = i;
	}
	if (sym < 0 || text < 0)
		die("IN has no .symtab or no .text");
	if (!strcmp(argv[1], "huge")) {
		long n = atol(argv[4]), nlen = argc > 5 ? atol(argv[5]) : 4096;
		char *names = calloc(1, (size_t)nlen + 2);
		Elf64_Sym *syms = calloc((size_t)n + 1, sizeof(*syms));
		size_t at;

		if (n <= 0 || nlen <= 0 || !names || !syms)
			die("bad N or LEN");
		memset(names + 1, 'x', (size_t)nlen);
		for (long i = 1; i <= n; i++) {
			syms[i].st_name = 1;
			syms[i].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
			syms[i].st_shndx = (Elf64_Section)text;
			syms[i].st_value = sh[text].sh_addr + (uint64_t)(i * 16) % sh[text].sh_size;
			syms[i].st_size = 16;
		}
		at = append(names, (size_t)nlen + 2, 1);
		sh[sh[sym].sh_link].sh_offset = at;
		sh[sh[sym].sh_link].sh_size = (size_t)nlen + 2;
		at = append(syms, ((size_t)n + 1) * sizeof(*syms), 8);
		sh[sym].sh_offset = at;
		sh[sym].sh_size = ((size_t)n + 1) * sizeof(*syms);
		sh[sym].sh_info = 1;
	} else if (!strcmp(argv[1], "link")) {
		const Elf64_Shdr *ss = &sh[eh.e_shstrndx];
		size_t nl = strlen(argv[4]), dl = ((nl + 4) & ~(size_t)3) + 4, at;
		char *shstr = malloc(ss->sh_size + 16), *dlink = calloc(1, dl);

		memcpy(shstr, img + ss->sh_offset, ss->sh_size);
		memcpy(shstr + ss->sh_size, ".gnu_debuglink", 15);
		memcpy(dlink, argv[4], nl);	/* the CRC stays 0: matches no real file */
		at = append(shstr, ss->sh_size + 15, 1);
		sh[eh.e_shnum].sh_name = (Elf64_Word)ss->sh_size;
		sh[eh.e_shstrndx].sh_offset = at;
		sh[eh.e_shstrndx].sh_size += 15;
		sh[eh.e_shnum].sh_type = SHT_PROGBITS;
		sh[eh.e_shnum].sh_addralign = 4;
		sh[eh.e_shnum].sh_offset = append(dlink, dl, 4);
		sh[eh.e_shnum].sh_size = dl;
		/* stripped: the symbols must come from the debug file */
		sh[sym].sh_type = SHT_NULL;
		eh.e_shnum++;
	} else if (!strcmp(argv[1], "corrupt")) {
		sh[sym].sh_offset = 1ull << 62;
		sh[sym].sh_size = 1ull << 40;
		sh[sym].sh_link = 0xfff0;
	} else {
		die("unknown mode");
	}
	eh.e_shoff = append(sh, eh.e_shnum * sizeof(*sh), 8);
	memcpy(img, &eh, sizeof(eh));
	fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (fd < 0 || write(fd, img, len) != (ssize_t)len || close(fd))
		die("cannot write OUT");
	return 0;
}
