// SPDX-License-Identifier: GPL-2.0
/* The symbols of one ELF file: function symbols, load segments, build-id and debug-file lookup. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <libiberty/demangle.h>

#include "elfsym.h"

#define SEGS_MAX	64		/* PT_LOAD segments kept; real files have 2 to 5 */
#define PHDRS_MAX	4096		/* program headers looked at */
#define SYMS_MAX	(16u << 20)	/* symbols read from one table */
#define NAME_MAX_LEN	4096		/* longer names are cut (mangled C++ can be long) */
#define SIZE0_SPAN	4096		/* a size-0 symbol covers at most this much */
#define CRC_FILE_MAX	(4ull << 30)	/* debug files bigger than this are not checksummed */
#define ARENA_CHUNK	(64u << 10)

/* Strings live in chunks that never move, so a name handed out stays valid. */
struct chunk {
	struct chunk *next;
	size_t cap, used;
	char data[];
};

struct esym {
	uint64_t addr;
	uint32_t size;
	uint8_t rank;		/* alias preference, lower is better */
	uint8_t demangled;	/* name was looked at by the demangler */
	const char *name;
};

struct seg {
	uint64_t vaddr, memsz, off, filesz;
	uint32_t flags;
};

struct elf_syms {
	struct esym *syms;
	size_t n, cap;
	struct seg segs[SEGS_MAX];
	int nsegs;
	uint8_t build_id[BUILD_ID_MAX];
	size_t build_id_len;
	char *debug_path;
	bool no_demangle;
	struct chunk *chunks;
	size_t arena_bytes;
};

static void elf_init_once(void)
{
	static bool done;

	if (!done) {
		elf_version(EV_CURRENT);
		done = true;
	}
}

static char *arena_strndup(struct elf_syms *es, const char *s, size_t len)
{
	struct chunk *c = es->chunks;
	char *p;

	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->used = 0;
		c->next = es->chunks;
		es->chunks = c;
		es->arena_bytes += sizeof(*c) + cap;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

char *build_id_hex(const uint8_t *id, size_t len, char *buf)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		buf[2 * i] = hex[id[i] >> 4];
		buf[2 * i + 1] = hex[id[i] & 15];
	}
	buf[2 * len] = '\0';
	return buf;
}

char *sym_demangle(const char *name)
{
	/* Itanium C++ (_Z), Rust v0 (_R); the demangler's auto style takes both */
	if (name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
		return NULL;
	return cplus_demangle(name, DMGL_PARAMS | DMGL_ANSI);
}

/* Build-id from a block of notes; returns true when found. */
static bool notes_build_id(Elf_Data *d, uint8_t *id, size_t *len)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	while (off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > off) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((char *)d->d_buf + name_off, "GNU", 4) && nh.n_descsz > 0 &&
		    nh.n_descsz <= BUILD_ID_MAX) {
			memcpy(id, (char *)d->d_buf + desc_off, nh.n_descsz);
			*len = nh.n_descsz;
			return true;
		}
		off = next;
	}
	return false;
}

static void read_phdrs(Elf *elf, struct elf_syms *es)
{
	size_t n = 0;

	if (elf_getphdrnum(elf, &n) || n > PHDRS_MAX)
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD && es->nsegs < SEGS_MAX && ph.p_filesz <= ph.p_memsz) {
			struct seg *s = &es->segs[es->nsegs++];

			s->vaddr = ph.p_vaddr;
			s->memsz = ph.p_memsz;
			s->off = ph.p_offset;
			s->filesz = ph.p_filesz;
			s->flags = ph.p_flags;
		} else if (ph.p_type == PT_NOTE && !es->build_id_len && ph.p_filesz &&
			   ph.p_filesz < (1u << 20)) {
			Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz,
							   ELF_T_NHDR);

			if (d)
				notes_build_id(d, es->build_id, &es->build_id_len);
		}
	}
}

/* Lower is better: global over weak over local, then fewer leading underscores. */
static uint8_t sym_rank(const GElf_Sym *s, const char *name)
{
	int bind = GELF_ST_BIND(s->st_info), r, u = 0;

	r = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
	while (name[u] == '_' && u < 3)
		u++;
	return (uint8_t)(r * 8 + u * 2 + (GELF_ST_TYPE(s->st_info) == STT_GNU_IFUNC));
}

static int add_sym(struct elf_syms *es, uint64_t addr, uint64_t size, uint8_t rank,
		   const char *name)
{
	size_t len = strnlen(name, NAME_MAX_LEN);
	const char *at = memchr(name, '@', len);
	struct esym *e;

	/* "memcpy@@GLIBC_2.14": the symbol version is not part of the function's name */
	if (at && at > name)
		len = (size_t)(at - name);

	if (es->n == es->cap) {
		size_t ncap = es->cap ? es->cap * 2 : 256;
		struct esym *ns = realloc(es->syms, ncap * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		es->syms = ns;
		es->cap = ncap;
	}
	e = &es->syms[es->n];
	e->name = arena_strndup(es, name, len);
	if (!e->name)
		return -ENOMEM;
	e->addr = addr;
	e->size = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	e->rank = rank;
	e->demangled = 0;
	es->n++;
	return 0;
}

static int read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct elf_syms *es,
		       uint8_t rank_bias)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t cnt;
	int err;

	if (!d || !sh->sh_entsize || sh->sh_entsize != gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT))
		return 0;
	cnt = d->d_size / sh->sh_entsize;
	if (cnt > SYMS_MAX)
		cnt = SYMS_MAX;
	for (size_t i = 1; i < cnt; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (!gelf_getsym(d, (int)i, &s))
			break;
		type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF ||
		    !s.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		err = add_sym(es, s.st_value, s.st_size, (uint8_t)(sym_rank(&s, name) + rank_bias),
			      name);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Walks the sections: symbol tables, build-id notes (when the segments had none) and the debug
 * link. Sets *has_symtab when a full .symtab was read.
 */
static int read_sections(Elf *elf, struct elf_syms *es, bool *has_symtab, char *link,
			 size_t link_size, uint32_t *link_crc)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	int err;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) {
			/* .symtab entries win ties with their .dynsym twins */
			err = read_symtab(elf, scn, &sh, es, sh.sh_type == SHT_DYNSYM ? 1 : 0);
			if (err)
				return err;
			if (sh.sh_type == SHT_SYMTAB)
				*has_symtab = true;
			continue;
		}
		if (sh.sh_type == SHT_NOBITS)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (sh.sh_type == SHT_NOTE && !es->build_id_len) {
			d = elf_getdata(scn, NULL);
			if (d)
				notes_build_id(d, es->build_id, &es->build_id_len);
		} else if (link && !strcmp(name, ".gnu_debuglink")) {
			size_t len;

			d = elf_getdata(scn, NULL);
			if (!d || !d->d_buf || d->d_size < 6)
				continue;
			len = strnlen(d->d_buf, d->d_size);
			/* name, NUL, pad to 4, then a 4-byte CRC in the file's byte order */
			if (len == 0 || len >= link_size || ((len + 4) & ~3u) + 4 > d->d_size)
				continue;
			memcpy(link, d->d_buf, len);
			link[len] = '\0';
			if (strchr(link, '/') || !strcmp(link, "..") || !strcmp(link, ".")) {
				link[0] = '\0';	/* a file name only: no paths out of the lookup dirs */
				continue;
			}
			memcpy(link_crc, (char *)d->d_buf + ((len + 4) & ~3u), 4);
			if (elf_getident(elf, NULL)[EI_DATA] !=
			    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB))
				*link_crc = __builtin_bswap32(*link_crc);
		}
	}
	return 0;
}

static bool file_crc(int fd, uint32_t *crc)
{
	static char buf[64 << 10];
	uLong c = crc32(0L, Z_NULL, 0);
	uint64_t total = 0;
	ssize_t r;

	while ((r = pread(fd, buf, sizeof(buf), (off_t)total)) > 0) {
		c = crc32(c, (const Bytef *)buf, (uInt)r);
		total += (uint64_t)r;
		if (total > CRC_FILE_MAX)
			return false;
	}
	if (r < 0)
		return false;
	*crc = (uint32_t)c;
	return true;
}

/* Opens candidate debug file path; reads its .symtab into es when it matches. */
static bool try_debug_file(struct elf_syms *es, const char *path, const struct stat *orig,
			   bool by_build_id, uint32_t link_crc)
{
	struct elf_syms tmp = { 0 };
	bool has_symtab = false, ok = false;
	struct stat st;
	Elf *elf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (orig && st.st_dev == orig->st_dev && st.st_ino == orig->st_ino))
		goto out_fd;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		goto out_fd;
	if (elf_kind(elf) != ELF_K_ELF)
		goto out_elf;
	read_phdrs(elf, &tmp);
	tmp.no_demangle = es->no_demangle;
	/* read the symbols into the real object; drop them again if the file does not match */
	if (read_sections(elf, &tmp, &has_symtab, NULL, 0, NULL) || !has_symtab)
		goto out_tmp;
	if (es->build_id_len && tmp.build_id_len)
		ok = tmp.build_id_len == es->build_id_len &&
		     !memcmp(tmp.build_id, es->build_id, es->build_id_len);
	else if (by_build_id)
		ok = false;	/* found by an id it does not carry: not trusted */
	else {
		uint32_t crc;

		ok = file_crc(fd, &crc) && crc == link_crc;
	}
	if (!ok)
		goto out_tmp;
	/* move the symbols over: the chunks and the array change owner */
	for (size_t i = 0; i < tmp.n; i++) {
		if (add_sym(es, tmp.syms[i].addr, tmp.syms[i].size, tmp.syms[i].rank,
			    tmp.syms[i].name)) {
			ok = false;
			break;
		}
	}
	if (ok)
		es->debug_path = strdup(path);
out_tmp:
	for (struct chunk *c = tmp.chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(tmp.syms);
out_elf:
	elf_end(elf);
out_fd:
	close(fd);
	return ok;
}

/* The lookup order GDB documents: build-id tree, then the link next to the file, in .debug/,
 * and under /usr/lib/debug/ + the file's directory. */
static void find_debug_file(struct elf_syms *es, const char *path, const struct stat *orig,
			    const char *const *roots, const char *link, uint32_t link_crc)
{
	static const char *const host_root[] = { "", NULL };
	char cand[4096], hex[2 * BUILD_ID_MAX + 1], dir[2048];
	const char *slash;

	if (!roots)
		roots = host_root;
	if (es->build_id_len >= 2) {
		build_id_hex(es->build_id, es->build_id_len, hex);
		for (const char *const *r = roots; *r; r++) {
			snprintf(cand, sizeof(cand), "%s/usr/lib/debug/.build-id/%.2s/%s.debug", *r,
				 hex, hex + 2);
			if (try_debug_file(es, cand, orig, true, 0))
				return;
		}
	}
	if (!link || !link[0] || !path || path[0] != '/')
		return;
	slash = strrchr(path, '/');
	if ((size_t)(slash - path) >= sizeof(dir))
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	for (const char *const *r = roots; *r; r++) {
		snprintf(cand, sizeof(cand), "%s%s/%s", *r, dir, link);
		if (try_debug_file(es, cand, orig, false, link_crc))
			return;
		snprintf(cand, sizeof(cand), "%s%s/.debug/%s", *r, dir, link);
		if (try_debug_file(es, cand, orig, false, link_crc))
			return;
		snprintf(cand, sizeof(cand), "%s/usr/lib/debug%s/%s", *r, dir, link);
		if (try_debug_file(es, cand, orig, false, link_crc))
			return;
	}
}

static int cmp_esym(const void *a, const void *b)
{
	const struct esym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	/* stable across runs: bigger size first, then by name */
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void finish(struct elf_syms *es)
{
	size_t i, j;

	if (!es->n)
		return;
	qsort(es->syms, es->n, sizeof(*es->syms), cmp_esym);
	for (i = 0, j = 0; i < es->n; i++) {
		if (j && es->syms[i].addr == es->syms[j - 1].addr) {
			/* an alias: keep the best name but the largest known size */
			if (es->syms[i].size > es->syms[j - 1].size)
				es->syms[j - 1].size = es->syms[i].size;
			continue;
		}
		es->syms[j++] = es->syms[i];
	}
	es->n = j;
	if (es->n < es->cap) {
		struct esym *ns = realloc(es->syms, es->n * sizeof(*ns));

		if (ns) {
			es->syms = ns;
			es->cap = es->n;
		}
	}
}

static int load_elf(Elf *elf, int fd, const char *path, const struct elf_syms_opts *opts,
		    struct elf_syms **out)
{
	struct elf_syms *es;
	bool has_symtab = false;
	char link[256] = "";
	uint32_t link_crc = 0;
	int err;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getclass(elf))
		return -ENOEXEC;
	es = calloc(1, sizeof(*es));
	if (!es)
		return -ENOMEM;
	es->no_demangle = opts && opts->no_demangle;
	read_phdrs(elf, es);
	err = read_sections(elf, es, &has_symtab, link, sizeof(link), &link_crc);
	if (err)
		goto fail;
	/* Debian strips .symtab into separate debug packages: only then is a lookup worth it */
	if (!has_symtab && fd >= 0 && !(opts && opts->no_debug)) {
		struct stat st;

		find_debug_file(es, path, fstat(fd, &st) ? NULL : &st, opts ? opts->roots : NULL,
				link, link_crc);
	}
	finish(es);
	*out = es;
	return 0;
fail:
	elf_syms__free(es);
	return err;
}

int elf_syms__load(int fd, const char *path, const struct elf_syms_opts *opts,
		   struct elf_syms **out)
{
	Elf *elf;
	int err;

	elf_init_once();
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		return -ENOEXEC;
	err = load_elf(elf, fd, path, opts, out);
	elf_end(elf);
	return err;
}

int elf_syms__load_mem(const void *buf, size_t size, const struct elf_syms_opts *opts,
		       struct elf_syms **out)
{
	char *copy;
	Elf *elf;
	int err;

	elf_init_once();
	/* libelf wants a writable image */
	copy = malloc(size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, size);
	elf = elf_memory(copy, size);
	if (!elf) {
		free(copy);
		return -ENOEXEC;
	}
	err = load_elf(elf, -1, NULL, opts, out);
	elf_end(elf);
	free(copy);
	return err;
}

void elf_syms__free(struct elf_syms *es)
{
	if (!es)
		return;
	for (struct chunk *c = es->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(es->syms);
	free(es->debug_path);
	free(es);
}

int elf_syms__off_to_vaddr(const struct elf_syms *es, uint64_t off, uint64_t *vaddr)
{
	const struct seg *best = NULL;

	for (int i = 0; i < es->nsegs; i++) {
		const struct seg *s = &es->segs[i];

		if (off < s->off || off - s->off >= s->filesz)
			continue;
		/* segments sharing a page: the executable one is what a sampled IP is in */
		if (!best || (s->flags & PF_X))
			best = s;
	}
	if (!best)
		return -ENOENT;
	*vaddr = off - best->off + best->vaddr;
	return 0;
}

static const char *sym_name(struct elf_syms *es, struct esym *e)
{
	char *d;

	if (!e->demangled && !es->no_demangle) {
		e->demangled = 1;
		d = sym_demangle(e->name);
		if (d) {
			const char *p = arena_strndup(es, d, strlen(d));

			if (p)
				e->name = p;
			free(d);
		}
	}
	return e->name;
}

const char *elf_syms__find(struct elf_syms *es, uint64_t vaddr, uint64_t *off)
{
	size_t lo = 0, hi = es->n, i;

	if (!es->n || vaddr < es->syms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->syms[mid].addr <= vaddr)
			lo = mid;
		else
			hi = mid;
	}
	/* the closest start may be a small symbol nested after a bigger one: look back a little */
	for (i = lo + 1; i-- > 0 && lo - i < 4;) {
		struct esym *e = &es->syms[i];
		uint64_t d = vaddr - e->addr;
		bool in;

		if (e->size)
			in = d < e->size;
		else
			in = i == lo && d < SIZE0_SPAN;
		if (in) {
			if (off)
				*off = d;
			return sym_name(es, e);
		}
	}
	return NULL;
}

int elf_syms__lookup(const struct elf_syms *es, const char *name, uint64_t *vaddr)
{
	for (size_t i = 0; i < es->n; i++) {
		const struct esym *e = &es->syms[i];
		bool match = !strcmp(e->name, name);

		if (!match && !e->demangled && !es->no_demangle) {
			char *d = sym_demangle(e->name);

			match = d && !strcmp(d, name);
			free(d);
		}
		if (match) {
			*vaddr = e->addr;
			return 0;
		}
	}
	return -ENOENT;
}

size_t elf_syms__count(const struct elf_syms *es)
{
	return es->n;
}

const uint8_t *elf_syms__build_id(const struct elf_syms *es, size_t *len)
{
	*len = es->build_id_len;
	return es->build_id_len ? es->build_id : NULL;
}

const char *elf_syms__debug_path(const struct elf_syms *es)
{
	return es->debug_path;
}

size_t elf_syms__mem(const struct elf_syms *es)
{
	return sizeof(*es) + es->cap * sizeof(*es->syms) + es->arena_bytes;
}
