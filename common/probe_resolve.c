// SPDX-License-Identifier: GPL-2.0
/* Pattern to targets: kernel functions, tracepoints, ELF functions and USDT notes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "binpath.h"
#include "elfsym.h"
#include "fsafe.h"
#include "kfuncs.h"
#include "probe_resolve.h"
#include "syms.h"
#include "tracefs.h"
#include "usdt.h"

static int add(struct probe_set *set, const char *name, const char *provider, uint64_t offset)
{
	struct probe_target *t;

	if (set->n >= PROBE_TARGETS_MAX)
		return -E2BIG;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 64;

		t = realloc(set->t, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		set->t = t;
		set->cap = cap;
	}
	t = &set->t[set->n];
	t->name = strdup(name);
	t->provider = provider ? strdup(provider) : NULL;
	t->offset = offset;
	t->ifunc_unresolved = false;
	t->evex = false;
	if (!t->name || (provider && !t->provider)) {
		free(t->name);
		free(t->provider);
		return -ENOMEM;
	}
	set->n++;
	return 0;
}

void probe_set__drop_unresolved(struct probe_set *set)
{
	size_t k = 0;

	for (size_t i = 0; i < set->n; i++) {
		if (set->t[i].ifunc_unresolved || set->t[i].evex) {
			free(set->t[i].name);
			free(set->t[i].provider);
		} else {
			set->t[k++] = set->t[i];
		}
	}
	set->n = k;
}

void probe_set__free(struct probe_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->t[i].name);
		free(set->t[i].provider);
	}
	free(set->t);
	set->t = NULL;
	set->n = set->cap = 0;
}

/* Names from files other users control end up in our output: none with control characters
 * (a pattern could not name them anyway, except through a wildcard). */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return false;
	return true;
}

static int add_kfunc(const char *name, void *ctx)
{
	return add(ctx, name, NULL, 0);
}

static bool is_dir(int dfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_name[0] == '.')
		return false;
	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return !fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode);
}

static int cmp_target(const void *a, const void *b)
{
	return strcmp(((const struct probe_target *)a)->name, ((const struct probe_target *)b)->name);
}

/*
 * The "CATEGORY:EVENT" a glob pattern without pattern characters names, or NULL: it is looked
 * up, not searched for (walking the hundred-odd categories costs milliseconds of every start).
 */
static const char *literal_tracepoint(const struct probe_spec *s)
{
	const char *colon = strchr(s->pattern, ':');

	if (s->regex || !colon || colon == s->pattern || !colon[1] ||
	    strspn(s->pattern, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:") !=
	    strlen(s->pattern) || strchr(colon + 1, ':'))
		return NULL;
	return s->pattern;
}

/* events/CATEGORY/EVENT directories, matched as "CATEGORY:EVENT", sorted by that name. */
static int tracepoints(const struct probe_spec *s, struct probe_set *set)
{
	const char *root = tracefs_path(), *lit = literal_tracepoint(s);
	char path[4096], name[1024];
	struct dirent *c, *e;
	struct stat st;
	DIR *top, *cat;
	int err = 0;

	if (!root)
		return -errno;
	if (lit) {
		int n = (int)(strchr(lit, ':') - lit);

		snprintf(path, sizeof(path), "%s/events/%.*s/%s", root, n, lit, lit + n + 1);
		if (!stat(path, &st) && S_ISDIR(st.st_mode) && probe_spec__match(s, lit))
			return add(set, lit, NULL, 0);
		return 0;
	}
	snprintf(path, sizeof(path), "%s/events", root);
	top = opendir(path);
	if (!top)
		return -errno;
	while (!err && (c = readdir(top))) {
		if (!is_dir(dirfd(top), c))
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", root, c->d_name);
		cat = opendir(path);
		if (!cat)
			continue;
		while (!err && (e = readdir(cat))) {
			if (!is_dir(dirfd(cat), e))
				continue;
			snprintf(name, sizeof(name), "%s:%s", c->d_name, e->d_name);
			if (probe_spec__match(s, name))
				err = add(set, name, NULL, 0);
		}
		closedir(cat);
	}
	closedir(top);
	if (!err && set->n)
		qsort(set->t, set->n, sizeof(*set->t), cmp_target);
	return err;
}

/* Regular files only; a process's file is resolved inside its root (DESIGN §5a). */
static int open_binary(const char *path)
{
	char root[64];
	int len = 0, fd;

	if (sscanf(path, "/proc/%*[0-9]/root%n", &len) == 0 && len && path[len] == '/') {
		snprintf(root, sizeof(root), "%.*s", len, path);
		fd = fsafe_open(root, path + len, 0, NULL, NULL);
	} else {
		fd = fsafe_open(NULL, path, 0, NULL, NULL);
	}
	return fd == -EINVAL ? -ENOEXEC : fd;
}

struct ufunc_ctx {
	const struct probe_spec *spec;
	struct elf_syms *es;
	struct probe_set *set;
	void *addrs, *names;	/* tsearch trees: one target per address and per name */
	int err;
	int fd;			/* the binary, for its code bytes */
	/* GNU IFUNCs: a process that maps the binary (the -p one, else one of root's), where
	 * it is loaded (bias: runtime address - vaddr); looked for at the first IFUNC */
	int pid;
	struct stat st;
	int mapper;		/* 0: not looked for yet, >0: its pid, <0: none */
	uint64_t bias;
};

struct map_find {
	const struct ufunc_ctx *u;
	uint64_t bias;
};

static int on_map(const struct maps_line *m, void *c)
{
	struct map_find *f = c;
	uint64_t vaddr;

	if (m->ino != f->u->st.st_ino || m->dev_major != major(f->u->st.st_dev) ||
	    m->dev_minor != minor(f->u->st.st_dev) ||
	    elf_syms__off_to_vaddr(f->u->es, m->pgoff, &vaddr))
		return 0;
	f->bias = m->start - vaddr;
	return 1;
}

/* Whether pid maps the binary; its load bias in *bias. */
static bool maps_binary(const struct ufunc_ctx *u, int pid, uint64_t *bias)
{
	struct map_find f = { .u = u };
	char path[64];
	FILE *fp;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	fp = fopen(path, "re");
	if (!fp)
		return false;
	r = maps__read(fp, on_map, &f);
	fclose(fp);
	*bias = f.bias;
	return r == 1;
}

/*
 * Without -p, only root's processes are asked: the implementation found is probed in every
 * process, and another user's process could have written anything into its GOT.
 */
static void find_mapper(struct ufunc_ctx *u)
{
	struct dirent *d;
	struct stat st;
	char path[300];
	DIR *dir;

	u->mapper = -1;
	if (u->pid > 0) {
		if (maps_binary(u, u->pid, &u->bias))
			u->mapper = u->pid;
		return;
	}
	dir = opendir("/proc");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		int pid = atoi(d->d_name);

		snprintf(path, sizeof(path), "/proc/%s", d->d_name);
		if (pid <= 0 || stat(path, &st) || st.st_uid != 0)
			continue;
		if (maps_binary(u, pid, &u->bias)) {
			u->mapper = pid;
			break;
		}
	}
	closedir(dir);
}

/* elf_syms__aliases: 1 at the first symbol that is a function (not another IFUNC) */
static int is_plain_func(const struct elf_sym *s, void *ctx)
{
	return !s->ifunc;
}

/*
 * A GNU IFUNC symbol's address is its resolver, called once by ld.so: probing it counts
 * loads, not calls. The implementation the resolver picked is read from the GOT slot that
 * ld.so filled in a process that maps the binary. 0 and its vaddr, or -ENOENT.
 */
static int ifunc_impl(struct ufunc_ctx *u, uint64_t resolver, uint64_t *impl)
{
	uint64_t slot, val, off;
	struct iovec local = { &val, sizeof(val) }, remote;

	if (elf_syms__ifunc_slot(u->es, resolver, &slot))
		return -ENOENT;
	if (!u->mapper)
		find_mapper(u);
	if (u->mapper < 0)
		return -ENOENT;
	remote = (struct iovec){ (void *)(uintptr_t)(u->bias + slot), sizeof(val) };
	if (process_vm_readv(u->mapper, &local, 1, &remote, 1, 0) != sizeof(val))
		return -ENOENT;
	/*
	 * A uprobe anywhere but at an instruction's start corrupts every process that runs the
	 * binary, and the slot holds whatever the process wrote there: only the exact start of
	 * a function symbol of this binary is taken.
	 */
	*impl = val - u->bias;
	if (*impl == resolver || elf_syms__vaddr_to_off(u->es, *impl, &off) ||
	    elf_syms__aliases(u->es, *impl, is_plain_func, NULL) != 1)
		return -ENOENT;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_plain(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* x86-64: an EVEX prefix (0x62, never a legacy instruction in 64-bit mode) at file offset off */
static bool starts_evex(int fd, uint64_t off)
{
#ifdef __x86_64__
	uint8_t b;

	return pread(fd, &b, 1, (off_t)off) == 1 && b == 0x62;
#else
	(void)fd, (void)off;
	return false;
#endif
}

static int on_sym(const struct elf_sym *sym, void *c)
{
	struct ufunc_ctx *u = c;
	uint64_t off, *key, addr = sym->addr;
	bool unresolved;
	char *name;

	/* BCC matches the names as the symbol table spells them; "f.cold" is a part of f that
	 * is never called, only jumped to */
	if (strstr(sym->raw, ".cold") || !printable(sym->raw) ||
	    !probe_spec__match(u->spec, sym->raw) || tfind(sym->raw, &u->names, cmp_plain))
		return 0;
	unresolved = sym->ifunc && ifunc_impl(u, sym->addr, &addr);
	/* (an IFUNC's implementation may be another name's, or another IFUNC's, too) */
	if ((!unresolved && tfind(&addr, &u->addrs, cmp_u64)) ||
	    elf_syms__vaddr_to_off(u->es, addr, &off))
		return 0;
	if (unresolved) {
		name = strdup(sym->raw);
		if (!name || !tsearch(name, &u->names, cmp_plain)) {
			free(name);
			return u->err = -ENOMEM;
		}
		u->set->ifunc_unresolved++;
		u->err = add(u->set, sym->raw, NULL, off);
		if (!u->err)
			u->set->t[u->set->n - 1].ifunc_unresolved = true;
		return u->err;
	}
	key = malloc(sizeof(*key));
	if (!key || (*key = addr, !tsearch(key, &u->addrs, cmp_u64))) {
		free(key);
		return u->err = -ENOMEM;
	}
	name = strdup(sym->raw);
	if (!name || !tsearch(name, &u->names, cmp_plain)) {
		free(name);
		return u->err = -ENOMEM;
	}
	u->err = add(u->set, sym->raw, NULL, off);
	if (!u->err && starts_evex(u->fd, off)) {
		u->set->t[u->set->n - 1].evex = true;
		u->set->evex++;
	}
	return u->err;
}

static int ufuncs(const struct probe_spec *s, int fd, int pid, struct probe_set *set)
{
	struct ufunc_ctx u = { .spec = s, .set = set, .pid = pid, .fd = fd };
	int err = elf_syms__load(fd, set->path, NULL, &u.es);

	if (err)
		return err;
	if (fstat(fd, &u.st))
		u.mapper = -1;
	elf_syms__foreach(u.es, NULL, on_sym, &u);
	tdestroy(u.addrs, free);
	tdestroy(u.names, free);
	elf_syms__free(u.es);
	return u.err;
}

static int usdts(const struct probe_spec *s, int fd, struct probe_set *set)
{
	struct usdt_probe *p;
	int n = usdt__list(fd, &p, PROBE_TARGETS_MAX), err = 0;

	if (n < 0)
		return n;
	for (int i = 0; !err && i < n; i++)
		if (printable(p[i].name) && printable(p[i].provider) &&
		    probe_spec__match(s, p[i].name))
			err = add(set, p[i].name, p[i].provider, 0);
	free(p);
	return err;
}

int probe_resolve(const struct probe_spec *s, int pid, struct probe_set *set)
{
	int fd, err;

	memset(set, 0, sizeof(*set));
	set->kind = s->kind;
	switch (s->kind) {
	case PROBE_KFUNC:
		return kfuncs__match(s, add_kfunc, set);
	case PROBE_TP:
		return tracepoints(s, set);
	case PROBE_UFUNC:
	case PROBE_USDT:
		break;
	}
	err = binpath__resolve(s->target, pid, s->kind == PROBE_USDT, set->path, sizeof(set->path));
	if (err)
		return err;
	fd = open_binary(set->path);
	if (fd < 0)
		return fd;
	err = s->kind == PROBE_USDT ? usdts(s, fd, set) : ufuncs(s, fd, pid, set);
	close(fd);
	return err;
}
