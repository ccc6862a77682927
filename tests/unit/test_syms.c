// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the symbolizer (kallsyms, /proc/PID/maps, ELF files) on fixtures the build makes. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/types.h>

#include "elfsym.h"
#include "fsafe.h"
#include "image.h"
#include "ksyms.h"
#include "stacks.h"
#include "syms.h"

static char fixd[4096];

static const char *fix(const char *name)
{
	static char buf[4][4200];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", fixd, name);
	return buf[i];
}

/* ---- kallsyms ---- */

static const char kallsyms_fixture[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T startup_64\n"
	"ffffffff81000100 t __pfx_do_one\n"
	"ffffffff81000110 t do_one\n"
	"ffffffff81000200 T __do_two\n"
	"ffffffff81000200 W do_two\n"
	"ffffffff81000400 T _etext\n"
	"ffffffff82000000 D some_data\n"
	"ffffffffc0001000 t mod_fn\t[mymod]\n"
	"ffffffffc0001100 t mod_fn2\t[mymod]\n"
	"ffffffffc0002000 t prog_fn\t[bpf]\n";

static struct ksyms *ks_from(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct ksyms *ks;

	assert_non_null(f);
	ks = ksyms__load_file(f);
	fclose(f);
	return ks;
}

static void test_ksyms_find(void **state)
{
	struct ksyms *ks = ks_from(kallsyms_fixture);
	const struct ksym *s;
	uint64_t off;

	assert_non_null(ks);
	s = ksyms__find(ks, 0xffffffff81000010, &off);
	assert_non_null(s);
	assert_string_equal(s->name, "startup_64");	/* the alias without underscores wins */
	assert_string_equal(s->module, "kernel");
	assert_int_equal(off, 0x10);
	s = ksyms__find(ks, 0xffffffff81000105, &off);	/* in padding: __pfx_ labels are dropped */
	assert_string_equal(s->name, "startup_64");
	s = ksyms__find(ks, 0xffffffff81000111, &off);
	assert_string_equal(s->name, "do_one");
	assert_int_equal(off, 1);
	s = ksyms__find(ks, 0xffffffff81000222, &off);
	assert_string_equal(s->name, "do_two");
	assert_int_equal(off, 0x22);
	s = ksyms__find(ks, 0xffffffffc0001104, &off);
	assert_string_equal(s->name, "mod_fn2");
	assert_string_equal(s->module, "mymod");
	s = ksyms__find(ks, 0xffffffffc0002008, &off);
	assert_string_equal(s->module, "bpf");
	/* really unknown: below everything, past _etext, inside data, far past the last symbol */
	assert_null(ksyms__find(ks, 0xffffffff80000000, &off));
	assert_null(ksyms__find(ks, 0xffffffff81000500, &off));
	assert_null(ksyms__find(ks, 0xffffffff82000010, &off));
	assert_null(ksyms__find(ks, 0xffffffffd0000000, &off));
	assert_non_null(ksyms__get(ks, "mod_fn"));
	assert_null(ksyms__get(ks, "__pfx_do_one"));
	ksyms__free(ks);
}

static int count_ksym(const struct ksym *s, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

/* By name: every alias, exact names and globs. */
static void test_ksyms_by_name(void **state)
{
	struct ksyms *ks = ks_from(kallsyms_fixture);
	const struct ksym *s;
	int n = 0;

	assert_non_null(ks);
	s = ksyms__get(ks, "__do_two");
	assert_non_null(s);
	assert_int_equal(s->addr, 0xffffffff81000200);
	s = ksyms__get(ks, "do_two");
	assert_non_null(s);
	assert_int_equal(s->addr, 0xffffffff81000200);
	assert_non_null(ksyms__get(ks, "_stext"));
	assert_null(ksyms__get(ks, "do_thr"));
	assert_null(ksyms__get(ks, "zzz"));
	assert_int_equal(ksyms__aliases(ks, 0xffffffff81000200, count_ksym, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(ksyms__foreach(ks, "do_*", count_ksym, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(ksyms__foreach(ks, "mod_fn*", count_ksym, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(ksyms__foreach(ks, NULL, count_ksym, &n), 0);
	assert_int_equal(n, (int)ksyms__count(ks));
	/* the best alias still names the address */
	assert_string_equal(ksyms__find(ks, 0xffffffff81000201, NULL)->name, "do_two");
	ksyms__free(ks);
}

static void test_ksyms_restricted(void **state)
{
	errno = 0;
	assert_null(ks_from("0000000000000000 T _stext\n0000000000000000 t do_one\n"));
	assert_int_equal(errno, EACCES);
	assert_null(ks_from(""));
	assert_int_equal(errno, ENOENT);
}

static void test_ksyms_malformed(void **state)
{
	char big[2000];
	char *text;
	struct ksyms *ks;
	uint64_t off;

	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	assert_true(asprintf(&text,
			     "garbage\n"
			     "ffffffff81000000\n"
			     "ffffffff81000000 T\n"
			     "zzzzffff81000000 T bad_hex\n"
			     "1ffffffff81000000 T too_long_addr\n"
			     "ffffffff81000100 T %s\n"
			     "ffffffff81000200 T good_one\n"
			     "ffffffff81000300 t mod_unterminated\t[mod\n"
			     "\n",
			     big) > 0);
	ks = ks_from(text);
	assert_non_null(ks);
	assert_int_equal(ksyms__count(ks), 2);
	assert_string_equal(ksyms__find(ks, 0xffffffff81000201, &off)->name, "good_one");
	assert_string_equal(ksyms__find(ks, 0xffffffff81000301, &off)->module, "kernel");
	ksyms__free(ks);
	free(text);
}

static void test_ksyms_live(void **state)
{
	const struct ksym *s, *r;
	struct ksyms *ks;
	uint64_t off;

	if (ksyms__visible())
		skip();
	ks = ksyms__load();
	assert_non_null(ks);
	s = ksyms__get(ks, "schedule");
	assert_non_null(s);
	r = ksyms__find(ks, s->addr + 4, &off);
	assert_ptr_equal(r, s);
	assert_int_equal(off, 4);
	ksyms__free(ks);
}

/* ---- /proc/PID/maps ---- */

static void test_maps_parse(void **state)
{
	struct maps_line m;
	char l1[] = "55d0c3a00000-55d0c3a21000 r-xp 00002000 fd:01 1835213    /usr/bin/x y\n";
	char l2[] = "7ffd1c9f0000-7ffd1c9f2000 r-xp 00000000 00:00 0                  [vdso]\n";
	char l3[] = "7f0000000000-7f0000001000 rwxp 00000000 00:00 0\n";
	char l4[] = "7f00-7e00 r-xp 00000000 00:00 0\n";
	char l5[] = "7f00-7f10 r-x 00000000 00:00 0\n";
	char l6[] = "7f00-7f10 r-xp 0000 fd:01 x\n";
	char l7[] = "11111111111111111-7f10 r-xp 0 0:0 0\n";
	char l8[] = "7f00-7f10 r-xp 0 0:0 12 /tmp/a (deleted)\n";

	assert_int_equal(maps_line__parse(l1, &m), 0);
	assert_int_equal(m.start, 0x55d0c3a00000);
	assert_int_equal(m.end, 0x55d0c3a21000);
	assert_int_equal(m.pgoff, 0x2000);
	assert_int_equal(m.dev_major, 0xfd);
	assert_int_equal(m.dev_minor, 1);
	assert_int_equal(m.ino, 1835213);
	assert_string_equal(m.perms, "r-xp");
	assert_string_equal(m.path, "/usr/bin/x y");
	assert_int_equal(maps_line__parse(l2, &m), 0);
	assert_string_equal(m.path, "[vdso]");
	assert_int_equal(maps_line__parse(l3, &m), 0);
	assert_string_equal(m.path, "");
	assert_int_equal(maps_line__parse(l4, &m), -EINVAL);
	assert_int_equal(maps_line__parse(l5, &m), -EINVAL);
	assert_int_equal(maps_line__parse(l6, &m), -EINVAL);
	assert_int_equal(maps_line__parse(l7, &m), -EINVAL);
	assert_int_equal(maps_line__parse(l8, &m), 0);
	assert_string_equal(m.path, "/tmp/a (deleted)");
}

/* ---- ELF files ---- */

static struct elf_syms *load(const char *path, const char *const *roots)
{
	struct elf_syms_opts o = { .roots = roots };
	struct elf_syms *es = NULL;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(elf_syms__load(fd, path, &o, &es), 0);
	close(fd);
	return es;
}

/* The symbol named name resolves back to itself from inside its body. */
static void expect_sym(struct elf_syms *es, const char *name)
{
	const char *got;
	uint64_t va, off;

	assert_int_equal(elf_syms__lookup(es, name, &va), 0);
	got = elf_syms__find(es, va + 2, &off);
	assert_non_null(got);
	assert_string_equal(got, name);
	assert_int_equal(off, 2);
}

static void test_elf_pie(void **state)
{
	struct elf_syms *es = load(fix("fix_pie"), NULL);
	char want[128] = "", hex[2 * BUILD_ID_MAX + 1];
	const uint8_t *id;
	size_t len;
	FILE *f;

	expect_sym(es, "fix_alpha");
	expect_sym(es, "fix_beta");
	expect_sym(es, "main");
	assert_null(elf_syms__debug_path(es));
	id = elf_syms__build_id(es, &len);
	assert_non_null(id);
	assert_int_equal(len, 20);
	f = fopen(fix("fix_pie.bid"), "r");
	assert_non_null(f);
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);
	want[strcspn(want, "\n")] = '\0';
	assert_string_equal(build_id_hex(id, len, hex), want);
	elf_syms__free(es);

	es = load(fix("libfix.so"), NULL);
	expect_sym(es, "fixlib_gamma");
	expect_sym(es, "fixlib_delta");
	elf_syms__free(es);
}

static void test_elf_stripped(void **state)
{
	struct elf_syms *es = load(fix("fix_stripped"), NULL);
	uint64_t va, off;

	assert_int_equal(elf_syms__lookup(es, "fix_alpha", &va), -ENOENT);
	assert_null(elf_syms__debug_path(es));
	elf_syms__free(es);
	/* the same code through its unstripped twin: the address still finds nothing stripped */
	es = load(fix("fix_plain"), NULL);
	assert_int_equal(elf_syms__lookup(es, "fix_alpha", &va), 0);
	elf_syms__free(es);
	es = load(fix("fix_stripped"), NULL);
	assert_null(elf_syms__find(es, va + 1, &off));
	elf_syms__free(es);
}

static void expect_debug(const char *bin, const char *debug_suffix, const char *const *roots)
{
	struct elf_syms *es = load(fix(bin), roots);
	const char *dp = elf_syms__debug_path(es);

	assert_non_null(dp);
	assert_true(strlen(dp) >= strlen(debug_suffix));
	assert_string_equal(dp + strlen(dp) - strlen(debug_suffix), debug_suffix);
	expect_sym(es, "fix_alpha");
	expect_sym(es, "fix_beta");
	elf_syms__free(es);
}

static void expect_no_debug(const char *bin, const char *const *roots)
{
	struct elf_syms *es = load(fix(bin), roots);
	uint64_t va;

	assert_null(elf_syms__debug_path(es));
	assert_int_equal(elf_syms__lookup(es, "fix_beta", &va), -ENOENT);
	elf_syms__free(es);
}

static void test_elf_debuglink(void **state)
{
	char root[4200];
	const char *roots[] = { root, NULL };

	expect_debug("fix_dbg", "/fix_dbg.debug", NULL);
	expect_debug("fix_dbgdir", "/.debug/fix_dbgdir.debug", NULL);
	/* no build-id: the link's CRC decides */
	expect_debug("fix_nobid", "/fix_nobid.debug", NULL);
	expect_no_debug("fix_nobid_bad", NULL);
	/* a debug file with another build-id is refused */
	expect_no_debug("fix_badlink", NULL);
	/* /usr/lib/debug/.build-id/xx/rest.debug under a root */
	snprintf(root, sizeof(root), "%s/root", fixd);
	expect_debug("fix_bid", ".debug", roots);
	expect_no_debug("fix_bid", NULL);
}

static bool stop_now(void)
{
	return true;
}

/* A stop request (a signal during the report) abandons the reading of a file, promptly. */
static void test_elf_stop(void **state)
{
	struct elf_syms_opts o = { .stop = stop_now };
	struct elf_syms *es = NULL;
	uint64_t va;
	int fd = open(fix("fix_nobid"), O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(elf_syms__load(fd, fix("fix_nobid"), &o, &es), -EINTR);
	close(fd);
	assert_null(es);
	/* without one, the same file loads, with the debug file's symbols */
	es = load(fix("fix_nobid"), NULL);
	assert_int_equal(elf_syms__lookup(es, "fix_beta", &va), 0);
	elf_syms__free(es);
}

static void test_elf_cxx(void **state)
{
	struct elf_syms *es = load(fix("fix_cxx"), NULL);
	struct elf_syms_opts raw = { .no_demangle = true };
	uint64_t va, off;
	int fd;

	expect_sym(es, "fixns::Widget::spin(int)");
	expect_sym(es, "int fixns::twice<int>(int)");
	elf_syms__free(es);
	fd = open(fix("fix_cxx"), O_RDONLY);
	assert_int_equal(elf_syms__load(fd, fix("fix_cxx"), &raw, &es), 0);
	close(fd);
	assert_int_equal(elf_syms__lookup(es, "_ZN5fixns6Widget4spinEi", &va), 0);
	assert_string_equal(elf_syms__find(es, va, &off), "_ZN5fixns6Widget4spinEi");
	elf_syms__free(es);
	assert_null(sym_demangle("main"));
	assert_null(sym_demangle("_Zgarbage"));
}

struct names {
	char v[16][128];
	uint64_t addr[16];
	int n;
};

static int collect(const struct elf_sym *s, void *ctx)
{
	struct names *nm = ctx;

	if (nm->n < 16) {
		snprintf(nm->v[nm->n], sizeof(nm->v[0]), "%s", s->name);
		nm->addr[nm->n++] = s->addr;
	}
	return 0;
}

static bool has_name(const struct names *nm, const char *name)
{
	for (int i = 0; i < nm->n; i++)
		if (!strcmp(nm->v[i], name))
			return true;
	return false;
}

/* Lookups by name: every alias of an address, exact names, globs, demangled names. */
static void test_elf_by_name(void **state)
{
	struct elf_syms *es = load(fix("libfix.so"), NULL);
	struct names nm = { 0 };
	struct elf_sym s, t;
	uint64_t off, back;

	assert_int_equal(elf_syms__by_name(es, "fixlib_epsilon", &s), 0);
	assert_int_equal(s.bind, 1 /* STB_GLOBAL */);
	assert_int_equal(elf_syms__by_name(es, "__fixlib_epsilon", &t), 0);
	assert_int_equal(t.addr, s.addr);
	assert_int_equal(elf_syms__by_name(es, "fixlib_epsilon_weak", &t), 0);
	assert_int_equal(t.addr, s.addr);
	assert_int_equal(t.bind, 2 /* STB_WEAK */);
	assert_int_equal(elf_syms__by_name(es, "fixlib_eps", &t), -ENOENT);
	assert_int_equal(elf_syms__aliases(es, s.addr, collect, &nm), 0);
	assert_int_equal(nm.n, 3);
	assert_string_equal(nm.v[0], "fixlib_epsilon");	/* the best name first */
	assert_true(has_name(&nm, "__fixlib_epsilon"));
	assert_true(has_name(&nm, "fixlib_epsilon_weak"));
	assert_string_equal(elf_syms__find(es, s.addr + 1, &off), "fixlib_epsilon");
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(elf_syms__foreach(es, "fixlib_*", collect, &nm), 0);
	assert_int_equal(nm.n, 4);	/* gamma, delta, epsilon, epsilon_weak */
	assert_true(has_name(&nm, "fixlib_delta"));
	/* vaddr -> file offset -> vaddr (a uprobe's offset) */
	assert_int_equal(elf_syms__vaddr_to_off(es, s.addr, &off), 0);
	assert_int_equal(elf_syms__off_to_vaddr(es, off, &back), 0);
	assert_int_equal(back, s.addr);
	assert_int_equal(elf_syms__vaddr_to_off(es, 0xfffffffff000, &off), -ENOENT);
	elf_syms__free(es);

	/* C++: by demangled and by mangled name, globs on either */
	es = load(fix("fix_cxx"), NULL);
	assert_int_equal(elf_syms__by_name(es, "fixns::Widget::spin(int)", &s), 0);
	assert_string_equal(s.raw, "_ZN5fixns6Widget4spinEi");
	assert_int_equal(elf_syms__by_name(es, "_ZN5fixns6Widget4spinEi", &t), 0);
	assert_int_equal(t.addr, s.addr);
	assert_string_equal(t.name, "fixns::Widget::spin(int)");
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(elf_syms__foreach(es, "*fixns::*", collect, &nm), 0);
	assert_true(has_name(&nm, "fixns::Widget::spin(int)"));
	assert_true(has_name(&nm, "int fixns::twice<int>(int)"));
	elf_syms__free(es);
}

/* glibc's own aliases, through its .dynsym (versions cut): malloc and __libc_malloc. */
static void test_elf_libc_aliases(void **state)
{
	char line[4400], path[4200] = "";
	struct names nm = { 0 };
	struct elf_syms *es;
	struct elf_sym s;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/libc.so.6") && sscanf(line, "%*s %*s %*s %*s %*s %4199s", path))
			break;
	fclose(f);
	if (!path[0])
		skip();
	es = load(path, (const char *const[]){ "/nonexistent", NULL });
	assert_int_equal(elf_syms__by_name(es, "malloc", &s), 0);
	assert_int_equal(elf_syms__aliases(es, s.addr, collect, &nm), 0);
	assert_true(has_name(&nm, "malloc"));
	assert_true(has_name(&nm, "__libc_malloc"));
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(elf_syms__foreach(es, "mallo?", collect, &nm), 0);
	assert_int_equal(nm.n, 1);
	elf_syms__free(es);
}

/*
 * glibc's strlen is a GNU IFUNC: its symbol is the resolver, and ld.so stored what the
 * resolver picked in the GOT slot of an IRELATIVE relocation, which this process can read.
 */
static void test_elf_ifunc_slot(void **state)
{
	char line[4400], path[4200] = "";
	unsigned long long start = 0, pgoff = 1;
	uint64_t slot, impl, vaddr, off;
	struct elf_syms *es;
	struct elf_sym s;
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/libc.so.6") &&
		    sscanf(line, "%llx-%*x %*s %llx %*s %*s %4199s", &start, &pgoff, path) == 3 &&
		    !pgoff)
			break;
	fclose(f);
	if (!path[0] || pgoff)
		skip();
	es = load(path, (const char *const[]){ "/nonexistent", NULL });
	assert_int_equal(elf_syms__by_name(es, "strlen", &s), 0);
	if (!s.ifunc) {
		elf_syms__free(es);
		skip();
	}
	assert_int_equal(elf_syms__off_to_vaddr(es, 0, &vaddr), 0);
	assert_int_equal(elf_syms__ifunc_slot(es, s.addr, &slot), 0);
	impl = *(const uint64_t *)(uintptr_t)(start - vaddr + slot) - (start - vaddr);
	assert_true(impl != s.addr);
	assert_int_equal(elf_syms__vaddr_to_off(es, impl, &off), 0);
	/* no slot for an address that is no resolver */
	assert_int_equal(elf_syms__ifunc_slot(es, impl, &slot), -ENOENT);
	elf_syms__free(es);
}

static int load_buf(const void *buf, size_t n)
{
	struct elf_syms *es = NULL;
	uint64_t off;
	int err;

	err = elf_syms__load_mem(buf, n, &(struct elf_syms_opts){ .no_debug = true }, &es);
	if (!err) {
		/* whatever came out must be usable */
		for (uint64_t a = 0; a < 0x10000; a += 0x101)
			elf_syms__find(es, a, &off);
		elf_syms__off_to_vaddr(es, 0x1000, &off);
		elf_syms__free(es);
	}
	return err;
}

/* Hostile input: truncated and bit-flipped files are refused or read partially, never crash. */
static void test_elf_malformed(void **state)
{
	struct stat st;
	unsigned char *img, *mut;
	int fd;

	assert_int_equal(load_buf("", 0), -ENOEXEC);
	assert_int_equal(load_buf("\177ELF", 4), -ENOEXEC);
	assert_int_equal(load_buf("not an elf file at all, just text", 33), -ENOEXEC);
	fd = open(fix("fix_pie"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	img = malloc((size_t)st.st_size);
	mut = malloc((size_t)st.st_size);
	assert_int_equal(read(fd, img, (size_t)st.st_size), st.st_size);
	close(fd);
	for (size_t cut = 16; cut < (size_t)st.st_size; cut += 997)
		load_buf(img, cut);
	srand(42);
	for (int i = 0; i < 3000; i++) {
		memcpy(mut, img, (size_t)st.st_size);
		for (int k = 0; k < 1 + i % 8; k++) {
			/* headers, program headers and the section header table are where it hurts */
			size_t at = (size_t)rand() % (size_t)st.st_size;

			if (k & 1)
				at = (size_t)rand() % 0x400;
			else if (k & 2)
				at = (size_t)st.st_size - 1 - (size_t)rand() % 0x800;
			mut[at] = (unsigned char)rand();
		}
		load_buf(mut, (size_t)st.st_size);
	}
	free(img);
	free(mut);
}

/*
 * A minimal ELF64 with n function symbols in .symtab, all named by one len-byte string: the
 * 12 MB file that took a per-symbol-copy reader to 2 GB.
 */
static unsigned char *shared_name_elf(size_t n, size_t len, size_t *size)
{
	const char shstr[] = "\0.text\0.symtab\0.strtab\0.shstrtab";
	size_t symoff = 4096, strsz = len + 2, stroff = symoff + (n + 1) * 24;
	size_t shstroff = stroff + strsz, shoff = (shstroff + sizeof(shstr) + 7) & ~(size_t)7;
	unsigned char *img;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;

	*size = shoff + 5 * sizeof(Elf64_Shdr);
	img = calloc(1, *size);
	assert_non_null(img);
	eh = (Elf64_Ehdr *)img;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_shoff = shoff;
	eh->e_ehsize = sizeof(*eh);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 5;
	eh->e_shstrndx = 4;
	for (size_t i = 1; i <= n; i++) {
		Elf64_Sym *sym = (Elf64_Sym *)(img + symoff) + i;

		sym->st_name = 1;
		sym->st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
		sym->st_shndx = 1;
		sym->st_value = 0x1000 + i * 16;
		sym->st_size = 16;
	}
	memset(img + stroff + 1, 'x', len);
	memcpy(img + shstroff, shstr, sizeof(shstr));
	sh = (Elf64_Shdr *)(img + shoff);
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS, .sh_addr = 0x1000,
			      .sh_size = 0x1000000 };
	sh[2] = (Elf64_Shdr){ .sh_name = 7, .sh_type = SHT_SYMTAB, .sh_offset = symoff,
			      .sh_size = (n + 1) * 24, .sh_link = 3, .sh_entsize = 24 };
	sh[3] = (Elf64_Shdr){ .sh_name = 15, .sh_type = SHT_STRTAB, .sh_offset = stroff,
			      .sh_size = strsz };
	sh[4] = (Elf64_Shdr){ .sh_name = 23, .sh_type = SHT_STRTAB, .sh_offset = shstroff,
			      .sh_size = sizeof(shstr) };
	return img;
}

/*
 * Names are shared, not copied per symbol: 50k symbols with one 4 KB name cost 16 bytes each;
 * 500k of them (most symbols sharing few names: made to cost us) are no symbols at all.
 */
static void test_elf_shared_names(void **state)
{
	size_t size, n = 50000;
	unsigned char *img = shared_name_elf(n, 4096, &size);
	struct elf_syms *es;
	struct elf_sym s;
	uint64_t off;

	assert_int_equal(elf_syms__load_mem(img, size, &(struct elf_syms_opts){ .no_debug = true },
					    &es), 0);
	assert_int_equal(elf_syms__count(es), n);
	assert_true(elf_syms__mem(es) < n * 16 + (64 << 10));
	assert_non_null(elf_syms__find(es, 0x1000 + 16 * 1000 + 3, &off));
	assert_int_equal(off, 3);
	/* the name index too: one name, sorted without comparing it n log n times over */
	assert_int_equal(elf_syms__by_name(es, "x", &s), -ENOENT);
	assert_true(elf_syms__mem(es) < n * 20 + (64 << 10));
	elf_syms__free(es);
	free(img);

	n = 500000;
	img = shared_name_elf(n, 4096, &size);
	assert_int_equal(elf_syms__load_mem(img, size, &(struct elf_syms_opts){ .no_debug = true },
					    &es), 0);
	assert_int_equal(elf_syms__count(es), 0);
	assert_true(elf_syms__mem(es) < (64 << 10));
	elf_syms__free(es);
	free(img);
}

/* ---- opening files of other users ---- */

static void test_fsafe(void **state)
{
	char d[] = "/tmp/bpfbox-fsafe-XXXXXX", p[4200], r[4200];
	struct stat st, want;
	int fd;

	assert_non_null(mkdtemp(d));
	snprintf(p, sizeof(p), "%s/file", d);
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0 && write(fd, "x", 1) == 1);
	close(fd);
	fd = fsafe_open(NULL, p, 0, NULL, &st);
	assert_true(fd >= 0);
	assert_true(S_ISREG(st.st_mode));
	close(fd);
	/* the expected inode, or nothing */
	want = st;
	want.st_ino++;
	assert_int_equal(fsafe_open(NULL, p, 0, &want, NULL), -ESTALE);
	/* no FIFO, device or directory is opened (a FIFO without writer would block) */
	snprintf(p, sizeof(p), "%s/fifo", d);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(fsafe_open(NULL, p, 0, NULL, NULL), -EINVAL);
	assert_int_equal(fsafe_open_trusted(p, NULL, NULL), -EINVAL);
	assert_int_equal(fsafe_open(NULL, "/dev/null", 0, NULL, NULL), -EINVAL);
	assert_int_equal(fsafe_open(NULL, d, 0, NULL, NULL), -EINVAL);
	/* inside a root, an absolute symlink stays inside it */
	snprintf(r, sizeof(r), "%s/root", d);
	assert_int_equal(mkdir(r, 0700), 0);
	snprintf(p, sizeof(p), "%s/root/passwd", d);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	assert_int_equal(fsafe_open(r, "/passwd", 0, NULL, NULL), -ENOENT);
	snprintf(p, sizeof(p), "%s/root/up", d);
	assert_int_equal(symlink("../file", p), 0);
	assert_int_equal(fsafe_open(r, "/up", 0, NULL, NULL), -ENOENT);
	/* debug files: no symlink, unless root made it */
	snprintf(p, sizeof(p), "%s/link", d);
	assert_int_equal(symlink("file", p), 0);
	if (!geteuid()) {
		fd = fsafe_open(NULL, p, FSAFE_NO_SYMLINKS, NULL, NULL);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(lchown(p, 65534, 65534), 0);
	}
	assert_int_equal(fsafe_open(NULL, p, FSAFE_NO_SYMLINKS, NULL, NULL), -ELOOP);
	fd = fsafe_open(NULL, p, 0, NULL, NULL);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "rm -rf '%s'", d);
	assert_int_equal(system(p), 0);
}

/* ---- live processes ---- */

struct child {
	pid_t pid;
	int in, out;
	char names[8][32];
	uint64_t addrs[8];
	int n;
};

static void spawn(struct child *c, const char *path)
{
	int pin[2], pout[2];
	char line[256];
	FILE *f;

	memset(c, 0, sizeof(*c));
	/* close-on-exec: a sibling must not hold this child's stdin open */
	assert_int_equal(pipe2(pin, O_CLOEXEC), 0);
	assert_int_equal(pipe2(pout, O_CLOEXEC), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (!c->pid) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		close(pin[1]);
		close(pout[0]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	c->in = pin[1];
	f = fdopen(pout[0], "r");
	while (fgets(line, sizeof(line), f) && strncmp(line, "ready", 5)) {
		unsigned long a;

		if (c->n < 8 && sscanf(line, "%31s %lx", c->names[c->n], &a) == 2)
			c->addrs[c->n++] = a;
	}
	fclose(f);
	assert_true(c->n > 0);
}

static uint64_t addr_of(const struct child *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->names[i], name))
			return c->addrs[i];
	fail_msg("fixture did not print %s", name);
	return 0;
}

static void reap(struct child *c)
{
	int st;

	close(c->in);
	waitpid(c->pid, &st, 0);
}

static void expect_usym(struct syms *s, uint64_t addr, const char *name, const char *module)
{
	struct usym u;

	assert_int_equal(syms__resolve(s, addr + 1, &u), 0);
	assert_non_null(u.name);
	assert_string_equal(u.name, name);
	assert_int_equal(u.offset, 1);
	assert_string_equal(u.module, module);
}

static void test_live_pie_lib(void **state)
{
	struct syms_cache *c = syms_cache__new(0);
	struct child ch;
	struct syms *s;
	struct usym u;

	spawn(&ch, fix("fix_pie"));
	s = syms_cache__get(c, ch.pid);
	assert_non_null(s);
	expect_usym(s, addr_of(&ch, "fix_alpha"), "fix_alpha", "fix_pie");
	expect_usym(s, addr_of(&ch, "fix_beta"), "fix_beta", "fix_pie");
	expect_usym(s, addr_of(&ch, "fixlib_gamma"), "fixlib_gamma", "libfix.so");
	/* anonymous executable memory (JIT): in a mapping, no module, no name */
	assert_int_equal(syms__resolve(s, addr_of(&ch, "anon") + 8, &u), 0);
	assert_null(u.name);
	assert_null(u.module);
	/* nowhere at all */
	assert_int_equal(syms__resolve(s, 16, &u), -ENOENT);
	reap(&ch);
	syms_cache__free(c);
}

/* Snapshot at first sight, resolve after exit: nothing is read before the report. */
static void test_live_exited(void **state)
{
	struct syms_cache *c = syms_cache__new(0);
	struct syms_stats st;
	struct child ch;
	struct syms *s;

	spawn(&ch, fix("fix_pie"));
	s = syms_cache__get(c, ch.pid);
	assert_non_null(s);
	syms_cache__stats(c, &st);
	assert_int_equal(st.files_read, 0);
	reap(&ch);
	assert_ptr_equal(syms_cache__get(c, ch.pid), s);
	expect_usym(s, addr_of(&ch, "fixlib_gamma"), "fixlib_gamma", "libfix.so");
	expect_usym(s, addr_of(&ch, "fix_beta"), "fix_beta", "fix_pie");
	syms_cache__free(c);
	/* first sight after exit is too late */
	c = syms_cache__new(0);
	errno = 0;
	assert_null(syms_cache__get(c, ch.pid));
	assert_int_equal(errno, ESRCH);
	syms_cache__free(c);
}

/* A deleted executable still resolves through /proc/PID/map_files. */
static void test_live_deleted(void **state)
{
	char tmpl[] = "/tmp/bpfbox-syms-XXXXXX", path[4200], cmd[8600];
	struct syms_cache *c = syms_cache__new(0);
	struct child ch;
	struct syms *s;

	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/fix_gone", tmpl);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", fix("fix_nopie"), path);
	assert_int_equal(system(cmd), 0);
	spawn(&ch, path);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(tmpl), 0);
	s = syms_cache__get(c, ch.pid);
	assert_non_null(s);
	reap(&ch);
	expect_usym(s, addr_of(&ch, "fix_alpha"), "fix_alpha", "fix_gone");
	expect_usym(s, addr_of(&ch, "main"), "main", "fix_gone");
	syms_cache__free(c);
}

static void test_live_cxx_debuglink(void **state)
{
	struct syms_cache *c = syms_cache__new(0);
	struct child a, b;
	struct syms *sa, *sb;

	spawn(&a, fix("fix_cxx"));
	spawn(&b, fix("fix_dbg"));
	sa = syms_cache__get(c, a.pid);
	sb = syms_cache__get(c, b.pid);
	assert_non_null(sa);
	assert_non_null(sb);
	expect_usym(sa, addr_of(&a, "spin"), "fixns::Widget::spin(int)", "fix_cxx");
	expect_usym(sa, addr_of(&a, "twice"), "int fixns::twice<int>(int)", "fix_cxx");
	expect_usym(sb, addr_of(&b, "fix_beta"), "fix_beta", "fix_dbg");
	reap(&a);
	reap(&b);
	syms_cache__free(c);
}

/* Many processes of one program: each ELF file is read once. */
static void test_read_once(void **state)
{
	struct syms_cache *c = syms_cache__new(0);
	struct syms_stats st;
	struct child ch[4];

	for (int i = 0; i < 4; i++)
		spawn(&ch[i], fix("fix_pie"));
	for (int i = 0; i < 4; i++) {
		struct syms *s = syms_cache__get(c, ch[i].pid);

		assert_non_null(s);
		expect_usym(s, addr_of(&ch[i], "fix_alpha"), "fix_alpha", "fix_pie");
		expect_usym(s, addr_of(&ch[i], "fixlib_gamma"), "fixlib_gamma", "libfix.so");
	}
	syms_cache__stats(c, &st);
	assert_int_equal(st.pids, 4);
	assert_int_equal(st.files_read, 2);
	assert_int_equal(st.fds, st.files - 2);	/* the unread files (libc, ld.so) stay open */
	for (int i = 0; i < 4; i++)
		reap(&ch[i]);
	syms_cache__free(c);
}

/* Process churn: snapshots of exited processes are dropped past the limits, live ones kept. */
static void test_churn_bounded(void **state)
{
	struct syms_cache *c = syms_cache__new(0);
	struct syms_stats st;
	struct child live, ch;
	struct syms *s;

	syms_cache__set_limits(c, 8, 1 << 30);
	spawn(&live, fix("fix_pie"));
	s = syms_cache__get(c, live.pid);
	assert_non_null(s);
	for (int i = 0; i < 24; i++) {
		spawn(&ch, fix("fix_nopie"));
		assert_non_null(syms_cache__get(c, ch.pid));
		reap(&ch);
	}
	syms_cache__stats(c, &st);
	assert_true(st.pids <= 10);
	assert_true(st.evicted >= 14);
	/* the live process's snapshot survived */
	assert_ptr_equal(syms_cache__get(c, live.pid), s);
	expect_usym(s, addr_of(&live, "fix_alpha"), "fix_alpha", "fix_pie");
	reap(&live);
	syms_cache__free(c);
}

/* Snapshots per image: a pid announced with another start time is another process. */
/* The start time of pid as the kernel side reads it (boot time, ns), from /proc/PID/stat. */
static uint64_t start_ns_of(int pid)
{
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')');
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	assert_non_null(p);
	return strtoull(p + 1, NULL, 10) * (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

static void test_image_keys(void **state)
{
	struct syms_cache *c = syms_cache__new(0);
	struct child ch;
	struct syms *s, *t;
	struct syms_id id;

	spawn(&ch, fix("fix_pie"));
	id = (struct syms_id){ .pid = ch.pid, .start_ns = start_ns_of(ch.pid), .exec_id = 7 };
	s = syms_cache__get_id(c, &id);
	assert_non_null(s);
	expect_usym(s, addr_of(&ch, "fix_alpha"), "fix_alpha", "fix_pie");
	assert_ptr_equal(syms_cache__get_id(c, &id), s);
	/* another exec of the same process: an image of its own */
	id.exec_id = 8;
	t = syms_cache__get_id(c, &id);
	assert_non_null(t);
	assert_ptr_not_equal(t, s);
	/* the same pid started at another time (reused): not this process, nothing */
	id.start_ns += 1000000000ull;
	errno = 0;
	assert_null(syms_cache__get_id(c, &id));
	assert_int_equal(errno, ESRCH);
	reap(&ch);
	syms_cache__free(c);
}

/* The applets' first-sight records: the image is snapshotted then, and resolves after exit. */
static void test_image_record(void **state)
{
	struct stacks *st = stacks__new(&(struct stacks_opts){ 0 });
	struct syms_stats stats;
	struct image_id img;
	struct child ch;
	char buf[256];

	assert_non_null(st);
	spawn(&ch, fix("fix_pie"));
	img = (struct image_id){ .pid = (uint32_t)ch.pid, .start_ns = start_ns_of(ch.pid),
				 .exec_id = 3 };
	/* only records of exactly that size are images */
	assert_false(stacks__image_record(st, &img, sizeof(img) - 1));
	syms_cache__stats(stacks__syms(st), &stats);
	assert_int_equal(stats.pids, 0);
	assert_true(stacks__image_record(st, &img, sizeof(img)));
	reap(&ch);
	stacks__uframe(st, &(struct syms_id){ .pid = ch.pid }, addr_of(&ch, "fix_beta") + 1, buf,
		       sizeof(buf));
	assert_string_equal(buf, "fix_beta+0x1 [fix_pie]");
	stacks__uframe(st, &(struct syms_id){ .pid = ch.pid, .start_ns = img.start_ns,
					      .exec_id = 3 }, addr_of(&ch, "fixlib_gamma") + 1,
		       buf, sizeof(buf));
	assert_string_equal(buf, "fixlib_gamma+0x1 [libfix.so]");
	stacks__free(st);
}

static size_t vdso_size(const unsigned char *base)
{
	uint64_t shoff;
	uint16_t shnum, shentsize;

	/* Elf64_Ehdr: e_shoff at 0x28, e_shentsize at 0x3a, e_shnum at 0x3c */
	memcpy(&shoff, base + 0x28, 8);
	memcpy(&shentsize, base + 0x3a, 2);
	memcpy(&shnum, base + 0x3c, 2);
	return (size_t)(shoff + (uint64_t)shnum * shentsize);
}

/* Our own vDSO stands for the target's. */
static void test_vdso(void **state)
{
	const unsigned char *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	struct syms_cache *c = syms_cache__new(0);
	struct elf_syms *es;
	struct syms *s;
	struct usym u;
	uint64_t va;
	const char *fn = "__vdso_clock_gettime";

	if (!base)
		skip();
	s = syms_cache__get(c, getpid());
	assert_non_null(s);
	/* the vDSO's own symbols give an address; p_vaddr is 0 there */
	assert_int_equal(elf_syms__load_mem(base, vdso_size(base), &(struct elf_syms_opts){
		.no_debug = true }, &es), 0);
	if (elf_syms__lookup(es, fn, &va)) {
		fn = "__kernel_clock_gettime";	/* arm64 names */
		assert_int_equal(elf_syms__lookup(es, fn, &va), 0);
	}
	elf_syms__free(es);
	assert_int_equal(syms__resolve(s, (uint64_t)(uintptr_t)base + va + 1, &u), 0);
	assert_string_equal(u.module, "[vdso]");
	assert_non_null(u.name);
	/* an alias at the same address may win (clock_gettime) */
	assert_non_null(strstr(u.name, "clock_gettime"));
	syms_cache__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ksyms_find),
		cmocka_unit_test(test_ksyms_by_name),
		cmocka_unit_test(test_ksyms_restricted),
		cmocka_unit_test(test_ksyms_malformed),
		cmocka_unit_test(test_ksyms_live),
		cmocka_unit_test(test_maps_parse),
		cmocka_unit_test(test_elf_pie),
		cmocka_unit_test(test_elf_ifunc_slot),
		cmocka_unit_test(test_elf_stripped),
		cmocka_unit_test(test_elf_debuglink),
		cmocka_unit_test(test_elf_stop),
		cmocka_unit_test(test_elf_cxx),
		cmocka_unit_test(test_elf_by_name),
		cmocka_unit_test(test_elf_libc_aliases),
		cmocka_unit_test(test_elf_malformed),
		cmocka_unit_test(test_elf_shared_names),
		cmocka_unit_test(test_fsafe),
		cmocka_unit_test(test_live_pie_lib),
		cmocka_unit_test(test_live_exited),
		cmocka_unit_test(test_live_deleted),
		cmocka_unit_test(test_live_cxx_debuglink),
		cmocka_unit_test(test_read_once),
		cmocka_unit_test(test_churn_bounded),
		cmocka_unit_test(test_image_keys),
		cmocka_unit_test(test_image_record),
		cmocka_unit_test(test_vdso),
	};
	ssize_t n = readlink("/proc/self/exe", fixd, sizeof(fixd) - 16);

	if (n <= 0)
		return 1;
	fixd[n] = '\0';
	strcat(dirname(fixd), "/fixtures");
	/* dirname() works in place and returns fixd here */
	if (access(fixd, R_OK)) {
		fprintf(stderr, "test_syms: no fixtures in %s\n", fixd);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	/* children of a failed case must never hang the whole unit run */
	alarm(120);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
