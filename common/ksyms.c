// SPDX-License-Identifier: GPL-2.0
/* Kernel symbols from /proc/kallsyms: one sorted, compact table, looked up by binary search. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

/*
 * Memory matters (profile must stay small): a 6.18 kallsyms has ~122k lines, half of them
 * __pfx_* padding labels (CONFIG_FUNCTION_PADDING_ALIGNMENT) that no sampled IP points into
 * usefully, so they are dropped; names live in one blob; module names are interned. Aliases
 * (several names at one address) are all kept, best first, so that a lookup by address gives
 * the best name and a lookup by name finds every alias. The name index is built at the first
 * lookup by name: profile never pays for it.
 */
#include <fnmatch.h>

/* A kallsyms line is "ADDR TYPE NAME[\t[MODULE]]"; longer lines are malformed and skipped. */
#define KSYM_LINE_MAX	512
#define KSYM_MAX	(4u << 20)	/* sanity bound on symbols kept */
/* Past the last symbol of a module (or of everything), farther than this is not that symbol. */
#define KSYM_TAIL_MAX	(1u << 20)
#define KSYM_READ_BUF	(64u << 10)
#define KSYM_BYTES_MAX	(256u << 20)	/* a kallsyms bigger than this is not believed */

struct ksym_tmp {
	uint64_t addr;
	uint32_t name;		/* offset into the names blob */
	uint16_t mod;		/* index into mods */
	uint8_t rank;		/* alias preference, lower is better */
	uint8_t text;
	uint32_t seq;		/* kallsyms order, for a stable sort */
};

struct ksyms {
	struct ksym *syms;
	uint8_t *text;		/* per symbol: 1 code, 0 data/end marker */
	size_t n;
	char *names;
	size_t names_len;
	char **mods;
	size_t nmods;
	uint32_t *byname;	/* symbol indices sorted by name, built at the first lookup */
};

static const char *const end_markers[] = {
	"_etext", "_einittext", "_edata", "_end", "__bss_stop", "__end_rodata", "_eprobestub",
};

static bool is_text_type(char t)
{
	t = (char)tolower((unsigned char)t);
	return t == 't' || t == 'w';
}

/* Prefer code over data, global over local, native over compat, fewer leading underscores. */
static uint8_t alias_rank(bool text, char type, const char *name)
{
	unsigned int r = 0, u = 0;

	if (!text)
		r += 64;
	if (islower((unsigned char)type))
		r += 32;
	/* x86 syscall wrappers share addresses with their 32-bit compat aliases */
	if (!strncmp(name, "__ia32_", 7))
		r += 16;
	while (name[u] == '_' && u < 3)
		u++;
	r += u * 4;
	return (uint8_t)r;
}

static int cmp_tmp(const void *a, const void *b)
{
	const struct ksym_tmp *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int intern_mod(struct ksyms *ks, const char *name, size_t len, uint16_t *idx)
{
	char **m;
	size_t i;

	for (i = 0; i < ks->nmods; i++) {
		if (strlen(ks->mods[i]) == len && !memcmp(ks->mods[i], name, len)) {
			*idx = (uint16_t)i;
			return 0;
		}
	}
	if (ks->nmods >= 65535)
		return -E2BIG;
	m = realloc(ks->mods, (ks->nmods + 1) * sizeof(*m));
	if (!m)
		return -ENOMEM;
	ks->mods = m;
	m[ks->nmods] = strndup(name, len);
	if (!m[ks->nmods])
		return -ENOMEM;
	*idx = (uint16_t)ks->nmods++;
	return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 4096;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Parses one line; returns 1 if a symbol was stored, 0 if skipped, -errno on failure. */
static int parse_line(struct ksyms *ks, char *line, struct ksym_tmp **tmp, size_t *ntmp,
		      size_t *tcap, size_t *ncap, bool *nonzero)
{
	char *p = line, *name, *mod = NULL, type;
	size_t nlen, mlen = 0;
	uint64_t addr = 0;
	struct ksym_tmp *t;
	int digits = 0, err;
	uint16_t mi = 0;

	while (isxdigit((unsigned char)*p) && digits < 17) {
		int c = tolower((unsigned char)*p++);

		addr = addr << 4 | (uint64_t)(c <= '9' ? c - '0' : c - 'a' + 10);
		digits++;
	}
	if (!digits || digits > 16 || *p != ' ' || !p[1] || p[2] != ' ')
		return 0;
	type = p[1];
	name = p + 3;
	nlen = strcspn(name, "\t \n");
	if (!nlen)
		return 0;
	if (name[nlen] == '\t' && name[nlen + 1] == '[') {
		mod = name + nlen + 2;
		mlen = strcspn(mod, "]\n");
		if (mod[mlen] != ']')
			mod = NULL, mlen = 0;
	}
	if (addr)
		*nonzero = true;
	/* padding labels, and absolute/undefined symbols that are not code or data locations */
	if (!strncmp(name, "__pfx_", 6) || type == 'a' || type == 'A' || type == 'U')
		return 0;
	if (*ntmp >= KSYM_MAX)
		return -E2BIG;
	if (mod && (err = intern_mod(ks, mod, mlen, &mi)))
		return err;
	if (!mod)
		mi = 0;
	if ((err = grow((void **)tmp, tcap, *ntmp + 1, sizeof(**tmp))) ||
	    (err = grow((void **)&ks->names, ncap, ks->names_len + nlen + 1, 1)))
		return err;
	t = &(*tmp)[(*ntmp)++];
	t->addr = addr;
	t->name = (uint32_t)ks->names_len;
	t->mod = mi;
	t->text = is_text_type(type);
	for (size_t i = 0; i < sizeof(end_markers) / sizeof(end_markers[0]); i++)
		if (!mod && strlen(end_markers[i]) == nlen && !memcmp(end_markers[i], name, nlen))
			t->text = 0;
	t->rank = alias_rank(t->text, type, name);
	t->seq = (uint32_t)*ntmp;
	memcpy(ks->names + ks->names_len, name, nlen);
	ks->names[ks->names_len + nlen] = '\0';
	ks->names_len += nlen + 1;
	return 1;
}

struct ksyms *ksyms__load_file(FILE *f)
{
	struct ksym_tmp *tmp = NULL;
	size_t ntmp = 0, tcap = 0, ncap = 0, i, j;
	char line[KSYM_LINE_MAX];
	bool nonzero = false, partial = false;
	struct ksyms *ks;
	uint64_t bytes = 0;
	char *nb;
	int err = 0;

	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return NULL;
	/* module index 0 is the core image */
	err = intern_mod(ks, "kernel", 6, &(uint16_t){0});
	while (!err && fgets(line, sizeof(line), f)) {
		bool whole = strchr(line, '\n') != NULL || feof(f);

		bytes += strlen(line);
		if (bytes > KSYM_BYTES_MAX) {
			err = -EFBIG;
			break;
		}

		/* the tail of an over-long line is not a line of its own */
		if (!partial && whole)
			err = parse_line(ks, line, &tmp, &ntmp, &tcap, &ncap, &nonzero);
		err = err < 0 ? err : 0;
		partial = !whole;
	}
	if (!err && ferror(f))
		err = -EIO;
	if (!err && ntmp && !nonzero)
		err = -EACCES;
	if (!err && !ntmp)
		err = -ENOENT;
	if (err)
		goto fail;

	/* the best-ranked alias sorts first; an exact duplicate line is dropped */
	qsort(tmp, ntmp, sizeof(*tmp), cmp_tmp);
	for (i = 0, j = 0; i < ntmp; i++)
		if (!j || tmp[i].addr != tmp[j - 1].addr || tmp[i].mod != tmp[j - 1].mod ||
		    strcmp(ks->names + tmp[i].name, ks->names + tmp[j - 1].name))
			tmp[j++] = tmp[i];
	ntmp = j;

	nb = realloc(ks->names, ks->names_len ? ks->names_len : 1);
	if (nb)
		ks->names = nb;
	ks->syms = malloc(ntmp * sizeof(*ks->syms));
	ks->text = malloc(ntmp);
	if (!ks->syms || !ks->text) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < ntmp; i++) {
		ks->syms[i].addr = tmp[i].addr;
		ks->syms[i].name = ks->names + tmp[i].name;
		ks->syms[i].module = ks->mods[tmp[i].mod];
		ks->text[i] = tmp[i].text;
	}
	ks->n = ntmp;
	free(tmp);
	return ks;
fail:
	free(tmp);
	ksyms__free(ks);
	errno = -err;
	return NULL;
}

struct ksyms *ksyms__load(void)
{
	struct ksyms *ks;
	char *buf;
	FILE *f;
	int err;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return NULL;
	/* procfs reports 1 KB blocks: a 5 MB seq_file would take 5000 reads */
	buf = malloc(KSYM_READ_BUF);
	if (buf)
		setvbuf(f, buf, _IOFBF, KSYM_READ_BUF);
	ks = ksyms__load_file(f);
	err = errno;
	fclose(f);
	free(buf);
	errno = err;
	return ks;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->nmods; i++)
		free(ks->mods[i]);
	free(ks->mods);
	free(ks->names);
	free(ks->syms);
	free(ks->text);
	free(ks->byname);
	free(ks);
}

/* The first entry with addr > a (upper) or >= a (!upper). */
static size_t bound(const struct ksyms *ks, uint64_t a, bool upper)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr < a || (upper && ks->syms[mid].addr == a))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct ksym *ksyms__find(const struct ksyms *ks, uint64_t addr, uint64_t *off)
{
	size_t next, i;

	if (!ks || !ks->n || addr < ks->syms[0].addr)
		return NULL;
	/* the group of aliases at the closest address at or below addr; its best name first */
	next = bound(ks, addr, true);
	i = bound(ks, ks->syms[next - 1].addr, false);
	/* an address after an end marker or a data symbol is not inside any function */
	if (!ks->text[i] && addr != ks->syms[i].addr)
		return NULL;
	if (addr - ks->syms[i].addr > KSYM_TAIL_MAX &&
	    (next == ks->n || ks->syms[next].module != ks->syms[i].module))
		return NULL;
	if (off)
		*off = addr - ks->syms[i].addr;
	return &ks->syms[i];
}

int ksyms__aliases(const struct ksyms *ks, uint64_t addr, ksym_fn fn, void *ctx)
{
	int ret;

	for (size_t i = ks ? bound(ks, addr, false) : 0; ks && i < ks->n &&
	     ks->syms[i].addr == addr; i++)
		if ((ret = fn(&ks->syms[i], ctx)))
			return ret;
	return 0;
}

static const struct ksyms *sort_ks;	/* qsort has no context argument */

static int cmp_byname(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	int c = strcmp(sort_ks->syms[i].name, sort_ks->syms[j].name);

	return c ? c : i < j ? -1 : 1;
}

/* The name index, built once; the table itself does not change. */
static int build_index(const struct ksyms *cks)
{
	struct ksyms *ks = (struct ksyms *)cks;

	if (ks->byname)
		return 0;
	ks->byname = malloc(ks->n * sizeof(*ks->byname) + 1);
	if (!ks->byname)
		return -ENOMEM;
	for (size_t i = 0; i < ks->n; i++)
		ks->byname[i] = (uint32_t)i;
	sort_ks = ks;
	qsort(ks->byname, ks->n, sizeof(*ks->byname), cmp_byname);
	return 0;
}

const struct ksym *ksyms__get(const struct ksyms *ks, const char *name)
{
	size_t lo = 0, hi;

	if (!ks || build_index(ks))
		return NULL;
	hi = ks->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ks->syms[ks->byname[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ks->n && !strcmp(ks->syms[ks->byname[lo]].name, name))
		return &ks->syms[ks->byname[lo]];
	return NULL;
}

int ksyms__foreach(const struct ksyms *ks, const char *glob, ksym_fn fn, void *ctx)
{
	int ret;

	for (size_t i = 0; ks && i < ks->n; i++) {
		if (glob && fnmatch(glob, ks->syms[i].name, 0))
			continue;
		if ((ret = fn(&ks->syms[i], ctx)))
			return ret;
	}
	return 0;
}

size_t ksyms__count(const struct ksyms *ks)
{
	return ks ? ks->n : 0;
}

size_t ksyms__mem(const struct ksyms *ks)
{
	if (!ks)
		return 0;
	return sizeof(*ks) + ks->n * (sizeof(*ks->syms) + 1) + ks->names_len +
	       ks->nmods * sizeof(char *) + (ks->byname ? ks->n * sizeof(*ks->byname) : 0);
}

int ksyms__visible(void)
{
	char line[KSYM_LINE_MAX];
	int ret = -ENOENT;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -errno;
	if (fgets(line, sizeof(line), f))
		ret = strspn(line, "0") >= 8 && line[strspn(line, "0")] == ' ' ? -EACCES : 0;
	fclose(f);
	return ret;
}
