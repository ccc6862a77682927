// SPDX-License-Identifier: GPL-2.0
/*
 * The symbols of one ELF file: function symbols by address and by name, load segments,
 * build-id and debug-file lookup. A small reader of our own over bounded reads (pread or a
 * buffer), not libelf's mapping: the file's owner can truncate it under us, and every size in
 * it is checked against the file and a cap before anything is allocated.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <libiberty/demangle.h>

#include "elfsym.h"
#include "fsafe.h"

#define SEGS_MAX	64		/* PT_LOAD segments kept; real files have 2 to 5 */
#define PHDRS_MAX	256		/* program headers looked at */
#define SHDRS_MAX	8192		/* section headers looked at */
#define SHSTR_MAX	(1u << 20)	/* section-name table */
#define NOTES_MAX	(64u << 10)	/* one note segment or section */
#define STRTAB_MAX	(256u << 20)	/* one symbol-name table */
#define SYMS_MAX	(4u << 20)	/* symbols kept from one table */
#define SIZE_MAX24	((1u << 24) - 1) /* function sizes are clamped to this */
#define SIZE0_SPAN	4096		/* a size-0 symbol covers at most this much */
#define CRC_FILE_MAX	(256u << 20)	/* debug files bigger than this are not checksummed */
#define READ_CHUNK	(64u << 10)
#define ARENA_CHUNK	(64u << 10)
#define LOOKBACK	4		/* address groups looked back for a nesting function */
/*
 * Real symbol tables name almost every symbol differently (aliases have names of their own).
 * A big table where most symbols share a few names is made to cost us, not to be read:
 * past SHARED_MIN symbols, fewer than one distinct name in SHARED_RATIO means no symbols.
 */
#define SHARED_MIN	65536
#define SHARED_RATIO	4

/* Where the bytes come from: a file read with pread, or a buffer. */
struct rd {
	int fd;
	const uint8_t *buf;
	uint64_t size;
	bool (*stop)(void);
};

struct esym {
	uint64_t addr;
	uint32_t name;		/* offset into names */
	uint32_t size : 24;
	uint32_t rank : 4;	/* alias preference, lower is better */
	uint32_t bind : 2;	/* 0 global, 1 weak, 2 local */
	uint32_t ifunc : 1;
	uint32_t tried : 1;	/* the demangler has seen the name */
};

struct seg {
	uint64_t vaddr, memsz, off, filesz;
	uint32_t flags;
};

/* Demangled names live in chunks that never move, so a name handed out stays valid. */
struct chunk {
	struct chunk *next;
	size_t cap, used;
	char data[];
};

struct elf_syms {
	struct esym *syms;
	size_t n, cap;
	char *names;		/* the symbol-name tables read, back to back, NUL-terminated */
	size_t names_len;
	const char **dm;	/* per symbol: demangled name or NULL; allocated when needed */
	uint32_t *byname;	/* symbol indices sorted by raw name, built at the first lookup */
	uint32_t *bydm;		/* indices of demangled symbols sorted by demangled name */
	size_t nbydm;
	struct seg segs[SEGS_MAX];
	int nsegs;
	uint8_t build_id[BUILD_ID_MAX];
	size_t build_id_len;
	char *debug_path;
	struct irel *irel;	/* IRELATIVE relocations: GOT slot, resolver; by resolver */
	size_t nirel, capirel;
	bool no_demangle;
	struct chunk *chunks;
	size_t arena_bytes;
};

/* One R_*_IRELATIVE relocation: the resolver's result is stored at slot. */
struct irel {
	uint64_t resolver, slot;
};

/* More would be a hostile file: the ones read are kept. */
#define IREL_MAX 65536

/* Parsed headers of one file, for the time of one load. */
struct shdr {
	uint32_t name, type, link;
	uint64_t addr, off, size, entsize, align;
};

struct elf_file {
	struct rd rd;
	bool is64, swap;
	uint16_t machine;
	struct shdr *sh;
	unsigned int nsh;
	char *shstr;
	size_t shstr_len;
};

static int rd_get(const struct rd *rd, uint64_t off, size_t len, void *dst)
{
	if (off > rd->size || len > rd->size - off)
		return -EIO;
	if (rd->buf) {
		memcpy(dst, rd->buf + off, len);
		return 0;
	}
	return fsafe_pread(rd->fd, dst, len, off);
}

static uint16_t get16(const struct elf_file *ef, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return ef->swap ? __builtin_bswap16(v) : v;
}

static uint32_t get32(const struct elf_file *ef, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ef->swap ? __builtin_bswap32(v) : v;
}

static uint64_t get64(const struct elf_file *ef, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return ef->swap ? __builtin_bswap64(v) : v;
}

/* An address-sized field: 8 bytes in ELF64, 4 in ELF32. */
static uint64_t getaddr(const struct elf_file *ef, const uint8_t *p)
{
	return ef->is64 ? get64(ef, p) : get32(ef, p);
}

static char *arena_strdup(struct elf_syms *es, const char *s)
{
	size_t len = strlen(s);
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
	memcpy(p, s, len + 1);
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

/* ---- headers ---- */

static void elf_file_free(struct elf_file *ef)
{
	free(ef->sh);
	free(ef->shstr);
}

/* ELF header, section headers and section names. -ENOEXEC for anything not ELF. */
static int parse_headers(struct elf_file *ef)
{
	uint8_t eh[64], *buf = NULL;
	uint64_t shoff;
	unsigned int shnum, shentsize, shstrndx;
	size_t esz;

	if (rd_get(&ef->rd, 0, 52, eh) || memcmp(eh, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	if (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB)
		return -ENOEXEC;
	ef->is64 = eh[EI_CLASS] == ELFCLASS64;
	ef->swap = eh[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB :
				    ELFDATA2MSB);
	if (ef->is64 && rd_get(&ef->rd, 0, 64, eh))
		return -ENOEXEC;
	ef->machine = get16(ef, eh + 18);
	shoff = getaddr(ef, eh + (ef->is64 ? 0x28 : 0x20));
	shentsize = get16(ef, eh + (ef->is64 ? 0x3a : 0x2e));
	shnum = get16(ef, eh + (ef->is64 ? 0x3c : 0x30));
	shstrndx = get16(ef, eh + (ef->is64 ? 0x3e : 0x32));
	esz = ef->is64 ? 64 : 40;
	if (!shoff || shentsize != esz)
		return 0;	/* no sections: segments only */
	if (!shnum || shstrndx == SHN_XINDEX) {
		/* more than 0xff00 sections: the real numbers are in section 0 */
		uint8_t s0[64];

		if (rd_get(&ef->rd, shoff, esz, s0))
			return 0;
		if (!shnum)
			shnum = (unsigned int)getaddr(ef, s0 + (ef->is64 ? 0x20 : 0x14)) & 0xffffffu;
		if (shstrndx == SHN_XINDEX)
			shstrndx = get32(ef, s0 + (ef->is64 ? 0x28 : 0x18));
	}
	if (shnum > SHDRS_MAX)
		shnum = SHDRS_MAX;
	if (!shnum)
		return 0;
	buf = malloc(shnum * esz);
	ef->sh = calloc(shnum, sizeof(*ef->sh));
	if (!buf || !ef->sh) {
		free(buf);
		return -ENOMEM;
	}
	if (rd_get(&ef->rd, shoff, shnum * esz, buf)) {
		free(buf);
		return 0;
	}
	for (unsigned int i = 0; i < shnum; i++) {
		const uint8_t *p = buf + i * esz;
		struct shdr *s = &ef->sh[i];

		s->name = get32(ef, p);
		s->type = get32(ef, p + 4);
		if (ef->is64) {
			s->addr = get64(ef, p + 0x10);
			s->off = get64(ef, p + 0x18);
			s->size = get64(ef, p + 0x20);
			s->link = get32(ef, p + 0x28);
			s->align = get64(ef, p + 0x30);
			s->entsize = get64(ef, p + 0x38);
		} else {
			s->addr = get32(ef, p + 0x0c);
			s->off = get32(ef, p + 0x10);
			s->size = get32(ef, p + 0x14);
			s->link = get32(ef, p + 0x18);
			s->align = get32(ef, p + 0x20);
			s->entsize = get32(ef, p + 0x24);
		}
	}
	free(buf);
	ef->nsh = shnum;
	if (shstrndx < shnum && ef->sh[shstrndx].type == SHT_STRTAB &&
	    ef->sh[shstrndx].size <= SHSTR_MAX && ef->sh[shstrndx].size) {
		const struct shdr *s = &ef->sh[shstrndx];

		ef->shstr = malloc(s->size + 1);
		if (!ef->shstr)
			return -ENOMEM;
		if (rd_get(&ef->rd, s->off, s->size, ef->shstr)) {
			free(ef->shstr);
			ef->shstr = NULL;
		} else {
			ef->shstr[s->size] = '\0';
			ef->shstr_len = s->size;
		}
	}
	return 0;
}

static const char *sec_name(const struct elf_file *ef, const struct shdr *s)
{
	return ef->shstr && s->name < ef->shstr_len ? ef->shstr + s->name : "";
}

/* Build-id from a block of notes; returns true when found. */
static bool notes_build_id(const struct elf_file *ef, const uint8_t *d, size_t size,
			   uint64_t align, uint8_t *id, size_t *len)
{
	size_t a = align == 8 ? 8 : 4, off = 0;

	while (size - off >= 12) {
		uint32_t namesz = get32(ef, d + off), descsz = get32(ef, d + off + 4);
		uint32_t type = get32(ef, d + off + 8);
		size_t name_at = off + 12, desc_at, next;

		if (namesz > size || descsz > size)
			return false;
		desc_at = name_at + ((namesz + a - 1) & ~(a - 1));
		next = desc_at + ((descsz + a - 1) & ~(a - 1));
		if (desc_at > size || next > size || desc_at + descsz > size)
			return false;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && !memcmp(d + name_at, "GNU", 4) &&
		    descsz > 0 && descsz <= BUILD_ID_MAX) {
			memcpy(id, d + desc_at, descsz);
			*len = descsz;
			return true;
		}
		if (next <= off)
			return false;
		off = next;
	}
	return false;
}

static void read_notes(const struct elf_file *ef, uint64_t off, uint64_t size, uint64_t align,
		       struct elf_syms *es)
{
	uint8_t *d;

	if (es->build_id_len || !size || size > NOTES_MAX)
		return;
	d = malloc(size);
	if (d && !rd_get(&ef->rd, off, size, d))
		notes_build_id(ef, d, size, align, es->build_id, &es->build_id_len);
	free(d);
}

static void read_phdrs(const struct elf_file *ef, struct elf_syms *es)
{
	uint8_t eh[64], ph[56];
	uint64_t phoff;
	unsigned int phnum, phentsize, esz = ef->is64 ? 56 : 32;

	if (rd_get(&ef->rd, 0, ef->is64 ? 64 : 52, eh))
		return;
	phoff = getaddr(ef, eh + (ef->is64 ? 0x20 : 0x1c));
	phentsize = get16(ef, eh + (ef->is64 ? 0x36 : 0x2a));
	phnum = get16(ef, eh + (ef->is64 ? 0x38 : 0x2c));
	if (!phoff || phentsize != esz || phnum > PHDRS_MAX)
		return;
	for (unsigned int i = 0; i < phnum; i++) {
		uint32_t type, flags;
		uint64_t off, vaddr, filesz, memsz, align;

		if (rd_get(&ef->rd, phoff + (uint64_t)i * esz, esz, ph))
			return;
		type = get32(ef, ph);
		if (ef->is64) {
			flags = get32(ef, ph + 4);
			off = get64(ef, ph + 8);
			vaddr = get64(ef, ph + 0x10);
			filesz = get64(ef, ph + 0x20);
			memsz = get64(ef, ph + 0x28);
			align = get64(ef, ph + 0x30);
		} else {
			off = get32(ef, ph + 4);
			vaddr = get32(ef, ph + 8);
			filesz = get32(ef, ph + 0x10);
			memsz = get32(ef, ph + 0x14);
			flags = get32(ef, ph + 0x18);
			align = get32(ef, ph + 0x1c);
		}
		if (type == PT_LOAD && es->nsegs < SEGS_MAX && filesz <= memsz) {
			struct seg *s = &es->segs[es->nsegs++];

			s->vaddr = vaddr;
			s->memsz = memsz;
			s->off = off;
			s->filesz = filesz;
			s->flags = flags;
		} else if (type == PT_NOTE) {
			read_notes(ef, off, filesz, align, es);
		}
	}
}

/* ".gnu_debuglink": a file name, NUL, padding to 4, then a CRC32 in the file's byte order. */
static void read_debuglink(const struct elf_file *ef, const struct shdr *s, char *link,
			   size_t link_size, uint32_t *crc)
{
	uint8_t d[512];
	size_t len;

	if (s->size < 6 || s->size > sizeof(d) || rd_get(&ef->rd, s->off, s->size, d))
		return;
	len = strnlen((char *)d, s->size);
	if (len == 0 || len >= link_size || ((len + 4) & ~(size_t)3) + 4 > s->size)
		return;
	memcpy(link, d, len);
	link[len] = '\0';
	/* a file name only: no paths out of the lookup directories */
	if (strchr(link, '/') || !strcmp(link, "..") || !strcmp(link, ".")) {
		link[0] = '\0';
		return;
	}
	*crc = get32(ef, d + ((len + 4) & ~(size_t)3));
}

/* ---- symbols ---- */

/* Lower is better: global over weak over local, then fewer leading underscores. */
static unsigned int sym_rank(unsigned int bind, const char *name)
{
	unsigned int u = 0;

	while (name[u] == '_' && u < 3)
		u++;
	return bind * 4 + u;
}

/* Appends a string table to names; returns its base offset or -errno. */
static int64_t add_strtab(const struct elf_file *ef, const struct shdr *s, struct elf_syms *es)
{
	size_t base = es->names_len;
	char *nn;

	if (s->type != SHT_STRTAB || !s->size || s->size > STRTAB_MAX ||
	    s->size > ef->rd.size || base + s->size + 1 > UINT32_MAX)
		return -ENOENT;
	nn = realloc(es->names, base + s->size + 1);
	if (!nn)
		return -ENOMEM;
	es->names = nn;
	if (rd_get(&ef->rd, s->off, s->size, nn + base))
		return -EIO;
	nn[base + s->size] = '\0';
	/*
	 * "memcpy@@GLIBC_2.14": the version is not part of the function's name. Cut once over
	 * the whole table, not per symbol: a linear pass however the symbols share their names.
	 */
	for (size_t i = base + 1; i < base + s->size; i++)
		if (nn[i] == '@' && nn[i - 1])
			nn[i] = '\0';
	es->names_len = base + s->size + 1;
	return (int64_t)base;
}

static int read_symtab(const struct elf_file *ef, const struct shdr *s, struct elf_syms *es)
{
	size_t esz = ef->is64 ? 24 : 16, per = READ_CHUNK / esz, cnt, cap;
	uint8_t *buf, *seen = NULL;
	size_t first = es->n, distinct = 0, strsz;
	int64_t base;
	struct esym *ns;
	int err = 0;

	if (s->entsize != esz || s->link >= ef->nsh || s->size > ef->rd.size)
		return 0;
	cnt = s->size / esz;
	if (cnt > SYMS_MAX)
		cnt = SYMS_MAX;
	if (cnt < 2)
		return 0;
	base = add_strtab(ef, &ef->sh[s->link], es);
	if (base == -ENOMEM)
		return -ENOMEM;
	if (base < 0)
		return 0;
	strsz = ef->sh[s->link].size;
	buf = malloc(per * esz);
	/* one bit per name offset: distinct names counted in one pass */
	if (cnt > SHARED_MIN)
		seen = calloc(strsz / 8 + 1, 1);
	if (!buf || (cnt > SHARED_MIN && !seen)) {
		free(buf);
		return -ENOMEM;
	}
	cap = es->cap;
	for (size_t i = 1; i < cnt && !err; i += per) {
		size_t k = cnt - i < per ? cnt - i : per;

		if (ef->rd.stop && ef->rd.stop()) {
			err = -EINTR;
			break;
		}
		if (rd_get(&ef->rd, s->off + i * esz, k * esz, buf))
			break;	/* truncated: keep what was read */
		for (size_t j = 0; j < k; j++) {
			const uint8_t *p = buf + j * esz;
			uint32_t name = get32(ef, p);
			uint8_t info = p[ef->is64 ? 4 : 12];
			uint16_t shndx = get16(ef, p + (ef->is64 ? 6 : 14));
			uint64_t value = getaddr(ef, p + (ef->is64 ? 8 : 4));
			uint64_t size = getaddr(ef, p + (ef->is64 ? 16 : 8));
			unsigned int type = ELF64_ST_TYPE(info), bind = ELF64_ST_BIND(info);
			const char *nm;
			struct esym *e;

			if ((type != STT_FUNC && type != STT_GNU_IFUNC) || shndx == SHN_UNDEF ||
			    !value || name >= ef->sh[s->link].size)
				continue;
			if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_LOCAL)
				continue;
			nm = es->names + base + name;
			if (!*nm)
				continue;
			/* Thumb functions have bit 0 set */
			if (ef->machine == EM_ARM)
				value &= ~1ull;
			if (es->n == cap) {
				cap = cap ? cap * 2 : 256;
				ns = realloc(es->syms, cap * sizeof(*ns));
				if (!ns) {
					err = -ENOMEM;
					break;
				}
				es->syms = ns;
				es->cap = cap;
			}
			if (seen && !(seen[name / 8] & (1u << (name % 8)))) {
				seen[name / 8] |= (uint8_t)(1u << (name % 8));
				distinct++;
			}
			e = &es->syms[es->n++];
			e->addr = value;
			e->name = (uint32_t)(base + name);
			e->size = size > SIZE_MAX24 ? SIZE_MAX24 : (uint32_t)size;
			e->bind = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
			e->rank = sym_rank(e->bind, nm);
			e->ifunc = type == STT_GNU_IFUNC;
			e->tried = 0;
		}
	}
	free(buf);
	free(seen);
	if (seen && es->n - first > SHARED_MIN && distinct * SHARED_RATIO < es->n - first)
		es->n = first;	/* hostile: no symbols from this table */
	return err;
}

/* Which symbol tables a file has. */
struct tables {
	int symtab, dynsym;	/* section indices, or -1 */
	char link[256];
	uint32_t link_crc;
};

/*
 * The IRELATIVE relocations of a RELA section (64-bit x86 and arm64: what ld.so fills with
 * a GNU IFUNC resolver's choice at load time). Unreadable entries are skipped.
 */
static void read_irelative(const struct elf_file *ef, const struct shdr *s, struct elf_syms *es)
{
	uint32_t want = ef->machine == EM_X86_64 ? R_X86_64_IRELATIVE :
			ef->machine == EM_AARCH64 ? R_AARCH64_IRELATIVE : 0;
	uint8_t ent[24];

	if (!want || !ef->is64 || s->entsize != sizeof(ent))
		return;
	for (uint64_t i = 0; i < s->size / sizeof(ent) && es->nirel < IREL_MAX; i++) {
		struct irel *n;

		if (rd_get(&ef->rd, s->off + i * sizeof(ent), sizeof(ent), ent))
			return;
		if ((uint32_t)get64(ef, ent + 8) != want)
			continue;
		if (es->nirel == es->capirel) {
			n = realloc(es->irel, (es->capirel ? 2 * es->capirel : 64) * sizeof(*n));
			if (!n)
				return;
			es->irel = n;
			es->capirel = es->capirel ? 2 * es->capirel : 64;
		}
		es->irel[es->nirel++] = (struct irel){ .slot = get64(ef, ent),
						       .resolver = get64(ef, ent + 16) };
	}
}

static void scan_sections(const struct elf_file *ef, struct elf_syms *es, struct tables *t)
{
	t->symtab = t->dynsym = -1;
	t->link[0] = '\0';
	for (unsigned int i = 1; i < ef->nsh; i++) {
		const struct shdr *s = &ef->sh[i];

		if (s->type == SHT_SYMTAB && t->symtab < 0)
			t->symtab = (int)i;
		else if (s->type == SHT_DYNSYM && t->dynsym < 0)
			t->dynsym = (int)i;
		else if (s->type == SHT_NOTE)
			read_notes(ef, s->off, s->size, s->align, es);
		else if (s->type == SHT_PROGBITS && !strcmp(sec_name(ef, s), ".gnu_debuglink"))
			read_debuglink(ef, s, t->link, sizeof(t->link), &t->link_crc);
		else if (s->type == SHT_RELA)
			read_irelative(ef, s, es);
	}
}

/* ---- debug files ---- */

/* Checksums of debug files already read: ten links to one big file cost one pass. */
static struct crc_memo {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	uint32_t crc;
} crc_memo[16];
static unsigned int crc_memo_next;

static int file_crc(int fd, const struct stat *st, bool (*stop)(void), uint32_t *crc)
{
	static uint8_t buf[READ_CHUNK];
	uLong c = crc32(0L, Z_NULL, 0);
	uint64_t total = 0;
	struct crc_memo *m;
	int err;

	/* sized before it is read: a sparse giant is refused without a pass over it */
	if (st->st_size <= 0 || (uint64_t)st->st_size > CRC_FILE_MAX)
		return -EFBIG;
	for (unsigned int i = 0; i < sizeof(crc_memo) / sizeof(crc_memo[0]); i++) {
		m = &crc_memo[i];
		if (m->size && m->dev == st->st_dev && m->ino == st->st_ino &&
		    m->size == st->st_size && m->mtime.tv_sec == st->st_mtim.tv_sec &&
		    m->mtime.tv_nsec == st->st_mtim.tv_nsec) {
			*crc = m->crc;
			return 0;
		}
	}
	while (total < (uint64_t)st->st_size) {
		size_t k = (uint64_t)st->st_size - total < sizeof(buf) ?
			   (size_t)((uint64_t)st->st_size - total) : sizeof(buf);

		if (stop && !(total & ((1u << 20) - 1)) && stop())
			return -EINTR;
		err = fsafe_pread(fd, buf, k, total);
		if (err)
			return err;
		c = crc32(c, buf, (uInt)k);
		total += k;
	}
	*crc = (uint32_t)c;
	m = &crc_memo[crc_memo_next++ % (sizeof(crc_memo) / sizeof(crc_memo[0]))];
	m->dev = st->st_dev;
	m->ino = st->st_ino;
	m->size = st->st_size;
	m->mtime = st->st_mtim;
	m->crc = *crc;
	return 0;
}

/*
 * Opens a candidate debug file safely and reads its .symtab into es when it matches: by
 * build-id when both have one, else (found by name only) by the link's CRC.
 */
static bool try_debug_file(struct elf_syms *es, const char *root, const char *path,
			   const struct stat *orig, bool by_build_id, uint32_t link_crc,
			   bool (*stop)(void))
{
	struct elf_file ef = { 0 };
	struct elf_syms tmp = { 0 };
	struct tables t;
	struct stat st;
	bool ok = false;
	int fd;

	if (stop && stop())
		return false;
	fd = fsafe_open(root, path, FSAFE_NO_SYMLINKS, NULL, &st);
	if (fd < 0)
		return false;
	if (orig && st.st_dev == orig->st_dev && st.st_ino == orig->st_ino)
		goto out;
	ef.rd = (struct rd){ .fd = fd, .size = (uint64_t)st.st_size, .stop = stop };
	if (parse_headers(&ef))
		goto out;
	read_phdrs(&ef, &tmp);
	scan_sections(&ef, &tmp, &t);
	if (t.symtab < 0)
		goto out;
	if (es->build_id_len && tmp.build_id_len) {
		ok = tmp.build_id_len == es->build_id_len &&
		     !memcmp(tmp.build_id, es->build_id, es->build_id_len);
	} else if (!by_build_id) {
		uint32_t crc;

		ok = !file_crc(fd, &st, stop, &crc) && crc == link_crc;
	}
	if (!ok)
		goto out;
	/* the debug file's .symtab holds every .dynsym symbol too: it replaces them */
	if (read_symtab(&ef, &ef.sh[t.symtab], &tmp) || !tmp.n) {
		ok = false;
		goto out;
	}
	free(es->syms);
	free(es->names);
	es->syms = tmp.syms;
	es->n = tmp.n;
	es->cap = tmp.cap;
	es->names = tmp.names;
	es->names_len = tmp.names_len;
	tmp.syms = NULL;
	tmp.names = NULL;
	es->debug_path = malloc(strlen(root ? root : "") + strlen(path) + 1);
	if (es->debug_path)
		strcat(strcpy(es->debug_path, root ? root : ""), path);
out:
	free(tmp.syms);
	free(tmp.names);
	elf_file_free(&ef);
	close(fd);
	return ok;
}

/* The lookup order GDB documents: build-id tree, then the link next to the file, in .debug/,
 * and under /usr/lib/debug/ + the file's directory. */
static void find_debug_file(struct elf_syms *es, const char *path, const struct stat *orig,
			    const struct elf_syms_opts *o, const struct tables *t)
{
	static const char *const host_root[] = { "", NULL };
	const char *const *roots = o->roots ? o->roots : host_root;
	char cand[4096], hex[2 * BUILD_ID_MAX + 1], dir[2048];
	const char *slash;

	if (es->build_id_len >= 2) {
		build_id_hex(es->build_id, es->build_id_len, hex);
		snprintf(cand, sizeof(cand), "/usr/lib/debug/.build-id/%.2s/%s.debug", hex,
			 hex + 2);
		for (const char *const *r = roots; *r; r++)
			if (try_debug_file(es, *r, cand, orig, true, 0, o->stop))
				return;
	}
	if (!t->link[0] || !path || path[0] != '/')
		return;
	slash = strrchr(path, '/');
	if ((size_t)(slash - path) >= sizeof(dir))
		return;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	for (const char *const *r = roots; *r; r++) {
		snprintf(cand, sizeof(cand), "%s/%s", dir, t->link);
		if (try_debug_file(es, *r, cand, orig, false, t->link_crc, o->stop))
			return;
		snprintf(cand, sizeof(cand), "%s/.debug/%s", dir, t->link);
		if (try_debug_file(es, *r, cand, orig, false, t->link_crc, o->stop))
			return;
		snprintf(cand, sizeof(cand), "/usr/lib/debug%s/%s", dir, t->link);
		if (try_debug_file(es, *r, cand, orig, false, t->link_crc, o->stop))
			return;
	}
}

/* ---- loading ---- */

static int cmp_esym(const void *a, const void *b)
{
	const struct esym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->ifunc != y->ifunc)
		return x->ifunc ? 1 : -1;
	/* stable across runs without comparing names: bigger size first, then table order */
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* Sorts by address, best alias first; a group's first entry gets the group's largest size. */
static void finish(struct elf_syms *es)
{
	size_t i, j, first = 0;

	if (!es->n)
		return;
	qsort(es->syms, es->n, sizeof(*es->syms), cmp_esym);
	for (i = 0, j = 0; i < es->n; i++) {
		struct esym *e = &es->syms[i];

		/* the same name twice at one address (a table read twice) is one symbol */
		if (j && e->addr == es->syms[j - 1].addr && e->name == es->syms[j - 1].name)
			continue;
		if (!j || e->addr != es->syms[first].addr)
			first = j;
		else if (e->size > es->syms[first].size)
			es->syms[first].size = e->size;
		es->syms[j++] = *e;
	}
	es->n = j;
	if (es->n) {
		struct esym *ns = realloc(es->syms, es->n * sizeof(*ns));

		if (ns) {
			es->syms = ns;
			es->cap = es->n;
		}
	}
}

static int load(struct rd *rd, const char *path, const struct elf_syms_opts *opts,
		struct elf_syms **out)
{
	static const struct elf_syms_opts none;
	const struct elf_syms_opts *o = opts ? opts : &none;
	struct elf_file ef = { .rd = *rd };
	struct elf_syms *es;
	struct tables t;
	int err;

	es = calloc(1, sizeof(*es));
	if (!es)
		return -ENOMEM;
	es->no_demangle = o->no_demangle;
	err = parse_headers(&ef);
	if (err)
		goto fail;
	read_phdrs(&ef, es);
	scan_sections(&ef, es, &t);
	/* .symtab holds every .dynsym symbol: one table is enough */
	if (t.symtab >= 0)
		err = read_symtab(&ef, &ef.sh[t.symtab], es);
	else if (t.dynsym >= 0)
		err = read_symtab(&ef, &ef.sh[t.dynsym], es);
	if (err)
		goto fail;
	/* Debian strips .symtab into separate debug packages: only then is a lookup worth it */
	if (t.symtab < 0 && rd->fd >= 0 && !o->no_debug) {
		struct stat st;

		find_debug_file(es, path, fstat(rd->fd, &st) ? NULL : &st, o, &t);
	}
	elf_file_free(&ef);
	finish(es);
	*out = es;
	return 0;
fail:
	elf_file_free(&ef);
	elf_syms__free(es);
	return err == -ENOMEM || err == -EINTR ? err : -ENOEXEC;
}

int elf_syms__load(int fd, const char *path, const struct elf_syms_opts *opts,
		   struct elf_syms **out)
{
	struct stat st;
	struct rd rd = { .fd = fd, .stop = opts ? opts->stop : NULL };

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return -ENOEXEC;
	rd.size = (uint64_t)st.st_size;
	return load(&rd, path, opts, out);
}

int elf_syms__load_mem(const void *buf, size_t size, const struct elf_syms_opts *opts,
		       struct elf_syms **out)
{
	struct rd rd = { .fd = -1, .buf = buf, .size = size, .stop = opts ? opts->stop : NULL };

	return load(&rd, NULL, opts, out);
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
	free(es->irel);
	free(es->names);
	free(es->dm);
	free(es->byname);
	free(es->bydm);
	free(es->debug_path);
	free(es);
}

/* ---- queries ---- */

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

int elf_syms__ifunc_slot(const struct elf_syms *es, uint64_t resolver, uint64_t *slot)
{
	for (size_t i = 0; i < es->nirel; i++) {
		if (es->irel[i].resolver == resolver) {
			*slot = es->irel[i].slot;
			return 0;
		}
	}
	return -ENOENT;
}

int elf_syms__vaddr_to_off(const struct elf_syms *es, uint64_t vaddr, uint64_t *off)
{
	const struct seg *best = NULL;

	for (int i = 0; i < es->nsegs; i++) {
		const struct seg *s = &es->segs[i];

		if (vaddr < s->vaddr || vaddr - s->vaddr >= s->filesz)
			continue;
		if (!best || (s->flags & PF_X))
			best = s;
	}
	if (!best)
		return -ENOENT;
	*off = vaddr - best->vaddr + best->off;
	return 0;
}

static const char *raw_name(const struct elf_syms *es, const struct esym *e)
{
	return es->names + e->name;
}

/* Demangles symbol i once; its demangled name, or its raw name. */
static const char *sym_name(struct elf_syms *es, size_t i)
{
	struct esym *e = &es->syms[i];
	const char *raw = raw_name(es, e);
	char *d;

	if (es->no_demangle)
		return raw;
	if (!e->tried) {
		e->tried = 1;
		if (raw[0] == '_' && (raw[1] == 'Z' || raw[1] == 'R') &&
		    (es->dm || (es->dm = calloc(es->n, sizeof(*es->dm)))) &&
		    (d = sym_demangle(raw))) {
			es->dm[i] = arena_strdup(es, d);
			free(d);
		}
	}
	return es->dm && es->dm[i] ? es->dm[i] : raw;
}

static void fill(struct elf_syms *es, size_t i, struct elf_sym *out)
{
	const struct esym *e = &es->syms[i];

	out->name = sym_name(es, i);
	out->raw = raw_name(es, e);
	out->addr = e->addr;
	out->size = e->size;
	out->bind = e->bind == 0 ? STB_GLOBAL : e->bind == 1 ? STB_WEAK : STB_LOCAL;
	out->ifunc = e->ifunc;
}

/* The first entry with addr >= a. */
static size_t lower_bound(const struct elf_syms *es, uint64_t a)
{
	size_t lo = 0, hi = es->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (es->syms[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const char *elf_syms__find(struct elf_syms *es, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	if (!es->n || vaddr < es->syms[0].addr)
		return NULL;
	/* the group starting at the closest address at or below vaddr */
	i = lower_bound(es, vaddr);
	if (i == es->n || es->syms[i].addr != vaddr)
		i = lower_bound(es, es->syms[i - 1].addr);
	/* a small symbol may nest after a bigger one: look back a few groups */
	for (int k = 0; k < LOOKBACK; k++) {
		const struct esym *e = &es->syms[i];
		uint64_t d = vaddr - e->addr;

		if (e->size ? d < e->size : k == 0 && d < SIZE0_SPAN) {
			if (off)
				*off = d;
			return sym_name(es, i);
		}
		if (!i)
			break;
		i = lower_bound(es, es->syms[i - 1].addr);
	}
	return NULL;
}

int elf_syms__aliases(struct elf_syms *es, uint64_t addr, elf_sym_fn fn, void *ctx)
{
	struct elf_sym s;
	int ret;

	for (size_t i = lower_bound(es, addr); i < es->n && es->syms[i].addr == addr; i++) {
		fill(es, i, &s);
		if ((ret = fn(&s, ctx)))
			return ret;
	}
	return 0;
}

static struct elf_syms *sort_es;	/* qsort has no context argument */

static int cmp_byname(const void *a, const void *b)
{
	const struct esym *x = &sort_es->syms[*(const uint32_t *)a];
	const struct esym *y = &sort_es->syms[*(const uint32_t *)b];
	int c = x->name == y->name ? 0 : strcmp(raw_name(sort_es, x), raw_name(sort_es, y));

	if (c)
		return c;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

static int cmp_bydm(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	int c = sort_es->dm[i] == sort_es->dm[j] ? 0 : strcmp(sort_es->dm[i], sort_es->dm[j]);

	if (c)
		return c;
	return i < j ? -1 : 1;
}

/* Sorts the names once and demangles each distinct name once. */
static int build_index(struct elf_syms *es)
{
	size_t i, j;

	if (es->byname || !es->n)
		return es->n ? 0 : -ENOENT;
	es->byname = malloc(es->n * sizeof(*es->byname));
	if (!es->byname)
		return -ENOMEM;
	for (i = 0; i < es->n; i++)
		es->byname[i] = (uint32_t)i;
	sort_es = es;
	qsort(es->byname, es->n, sizeof(*es->byname), cmp_byname);
	if (es->no_demangle)
		return 0;
	for (i = 0; i < es->n; i = j) {
		const struct esym *e = &es->syms[es->byname[i]];
		const char *name = sym_name(es, es->byname[i]);

		/* symbols sharing a raw name share its demangled form */
		for (j = i + 1; j < es->n; j++) {
			struct esym *f = &es->syms[es->byname[j]];

			if (f->name != e->name && strcmp(raw_name(es, f), raw_name(es, e)))
				break;
			f->tried = 1;
			if (es->dm)
				es->dm[es->byname[j]] = es->dm[es->byname[i]];
		}
		if (name != raw_name(es, e))
			es->nbydm += j - i;
	}
	if (!es->nbydm)
		return 0;
	es->bydm = malloc(es->nbydm * sizeof(*es->bydm));
	if (!es->bydm)
		return -ENOMEM;
	for (i = 0, j = 0; i < es->n && j < es->nbydm; i++)
		if (es->dm[i])
			es->bydm[j++] = (uint32_t)i;
	es->nbydm = j;
	qsort(es->bydm, es->nbydm, sizeof(*es->bydm), cmp_bydm);
	return 0;
}

/* Binary search of a sorted index; the first match's position or -1. */
static ssize_t search(struct elf_syms *es, const uint32_t *idx, size_t n, const char *name,
		      bool demangled)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = demangled ? es->dm[idx[mid]] : raw_name(es, &es->syms[idx[mid]]);

		if (strcmp(s, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n)
		return -1;
	if (strcmp(demangled ? es->dm[idx[lo]] : raw_name(es, &es->syms[idx[lo]]), name))
		return -1;
	return (ssize_t)lo;
}

/* Of the symbols sharing a name from position at on, the best-ranked. */
static size_t best_of(struct elf_syms *es, const uint32_t *idx, size_t n, size_t at,
		      bool demangled)
{
	const char *name = demangled ? es->dm[idx[at]] : raw_name(es, &es->syms[idx[at]]);
	size_t best = idx[at];

	for (size_t k = at + 1; k < n && k < at + 64; k++) {
		size_t i = idx[k];

		if (strcmp(demangled ? es->dm[i] : raw_name(es, &es->syms[i]), name))
			break;
		if (es->syms[i].rank < es->syms[best].rank)
			best = i;
	}
	return best;
}

int elf_syms__by_name(struct elf_syms *es, const char *name, struct elf_sym *out)
{
	ssize_t at;
	int err = build_index(es);

	if (err)
		return err == -ENOMEM ? err : -ENOENT;
	at = search(es, es->byname, es->n, name, false);
	if (at >= 0) {
		fill(es, best_of(es, es->byname, es->n, (size_t)at, false), out);
		return 0;
	}
	if (es->bydm) {
		at = search(es, es->bydm, es->nbydm, name, true);
		if (at >= 0) {
			fill(es, best_of(es, es->bydm, es->nbydm, (size_t)at, true), out);
			return 0;
		}
	}
	return -ENOENT;
}

int elf_syms__lookup(struct elf_syms *es, const char *name, uint64_t *vaddr)
{
	struct elf_sym s;
	int err = elf_syms__by_name(es, name, &s);

	if (!err)
		*vaddr = s.addr;
	return err;
}

int elf_syms__foreach(struct elf_syms *es, const char *glob, elf_sym_fn fn, void *ctx)
{
	struct elf_sym s;
	int ret, err = build_index(es);

	if (err == -ENOMEM)
		return err;
	for (size_t i = 0; i < es->n; i++) {
		fill(es, i, &s);
		if (glob && fnmatch(glob, s.raw, 0) &&
		    (s.name == s.raw || fnmatch(glob, s.name, 0)))
			continue;
		if ((ret = fn(&s, ctx)))
			return ret;
	}
	return 0;
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
	size_t m = sizeof(*es) + es->n * sizeof(*es->syms) + es->names_len + es->arena_bytes;

	if (es->dm)
		m += es->n * sizeof(*es->dm);
	if (es->byname)
		m += es->n * sizeof(*es->byname);
	return m + es->nbydm * sizeof(*es->bydm);
}
