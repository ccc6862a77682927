// SPDX-License-Identifier: GPL-2.0
/* USDT (systemtap SDT v3) notes: the probe names a binary declares. */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "usdt.h"

#define SDT_NOTE_TYPE 3

static int add(struct usdt_probe **out, size_t *n, size_t max, const char *prov, size_t plen,
	       const char *name, size_t nlen)
{
	struct usdt_probe *p;

	if (plen >= sizeof(p->provider) || nlen >= sizeof(p->name) || !nlen)
		return 0;
	for (size_t i = 0; i < *n; i++)
		if (!strncmp((*out)[i].provider, prov, plen) && !(*out)[i].provider[plen] &&
		    !strncmp((*out)[i].name, name, nlen) && !(*out)[i].name[nlen])
			return 0;
	if (*n >= max)
		return -E2BIG;
	p = realloc(*out, (*n + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	*out = p;
	p += (*n)++;
	memcpy(p->provider, prov, plen);
	p->provider[plen] = '\0';
	memcpy(p->name, name, nlen);
	p->name[nlen] = '\0';
	return 0;
}

static int read_notes(Elf *elf, Elf_Data *d, struct usdt_probe **out, size_t *n, size_t max)
{
	size_t off = 0, next, name_off, desc_off;
	/* three addresses (pc, base, semaphore) before the strings */
	size_t skip = gelf_getclass(elf) == ELFCLASS32 ? 12 : 24;
	GElf_Nhdr nh;
	int err;

	while (off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > off) {
		const char *desc = (const char *)d->d_buf + desc_off, *prov, *name;
		size_t left, plen, nlen;

		off = next;
		if (nh.n_type != SDT_NOTE_TYPE || nh.n_namesz != 8 ||
		    memcmp((const char *)d->d_buf + name_off, "stapsdt", 8) ||
		    nh.n_descsz <= skip || desc_off + nh.n_descsz > d->d_size)
			continue;
		prov = desc + skip;
		left = nh.n_descsz - skip;
		plen = strnlen(prov, left);
		if (plen >= left)
			continue;
		name = prov + plen + 1;
		left -= plen + 1;
		nlen = strnlen(name, left);
		if (nlen >= left)
			continue;
		if ((err = add(out, n, max, prov, plen, name, nlen)))
			return err;
	}
	return 0;
}

int usdt__list(int fd, struct usdt_probe **out, size_t max)
{
	Elf_Scn *scn = NULL;
	size_t n = 0, shstrndx;
	Elf *elf;
	int err = 0;

	*out = NULL;
	elf_version(EV_CURRENT);
	/* ELF_C_READ, not _MMAP: a file truncated under us must not SIGBUS (DESIGN §5a) */
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		elf_end(elf);
		return -ENOEXEC;
	}
	while (!err && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *sname;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, ".note.stapsdt") || !(d = elf_getdata(scn, NULL)))
			continue;
		err = read_notes(elf, d, out, &n, max);
	}
	elf_end(elf);
	if (err) {
		free(*out);
		*out = NULL;
		return err;
	}
	return (int)n;
}
