// SPDX-License-Identifier: GPL-2.0
/*
 * User-space symbols: per-process snapshots of the executable mappings, taken at first sight so
 * that processes which exit before the report still resolve, over a cache of ELF files keyed by
 * (device, inode) so that each file is read once, lazily.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <elf.h>

#include "elfsym.h"
#include "fsafe.h"
#include "syms.h"

#define MAPS_LINE_MAX	(4096 + 256)
#define MAPS_MAX	65536		/* executable mappings kept per process */
#define REFRESH_NS	1000000000ull	/* at most one re-read of a live process's maps a second */
#define DELETED		" (deleted)"

enum file_state { F_NEW, F_LOADED, F_FAILED };

/* One ELF file, shared by every process that maps it. */
struct efile {
	dev_t dev;
	ino_t ino;
	char *path;		/* as the first process mapped it, " (deleted)" cut */
	const char *base;	/* basename, for "[module]" */
	int fd;			/* held open from first sight until read, or -1 */
	int pid;		/* a process that mapped it, to reopen through /proc */
	uint64_t map_start, map_end;	/* one of its mappings there, for map_files/ */
	bool foreign_root;	/* that process lives under another root (container) */
	uint8_t state;
	struct elf_syms *es;
	struct efile *next;
};

struct map {
	uint64_t start, end, pgoff;
	struct efile *file;	/* NULL: anonymous (JIT, ...) */
};

struct syms {
	int pid;
	bool dead;
	bool foreign_root;
	uint64_t start_time;	/* /proc/PID/stat starttime, tells pid reuse apart */
	uint64_t refreshed_ns;
	struct map *maps;
	size_t n;
	struct syms_cache *cache;
	struct syms *next;
};

struct syms_cache {
	unsigned int flags;
	struct syms **pids;
	size_t npid_buckets, npids;
	struct efile **files;
	size_t nfile_buckets, nfiles;
	unsigned int files_read, debug_files, fds, fd_budget;
	struct efile vdso;	/* our own vDSO image stands for every process's */
	bool vdso_tried;
	struct stat root_st;
	bool root_ok;
	size_t snap_mem;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int hex_u64(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;

	for (;; s++, n++) {
		int c = *s, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (n >= 16)
			return -EINVAL;
		x = x << 4 | (uint64_t)d;
	}
	if (!n)
		return -EINVAL;
	*v = x;
	*p = s;
	return 0;
}

int maps_line__parse(char *line, struct maps_line *m)
{
	const char *p = line;
	uint64_t maj, min;
	char *nl;

	nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	if (hex_u64(&p, &m->start) || *p++ != '-' || hex_u64(&p, &m->end) || *p++ != ' ')
		return -EINVAL;
	if (m->end < m->start)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		if (!*p || *p == ' ')
			return -EINVAL;
		m->perms[i] = *p++;
	}
	m->perms[4] = '\0';
	if (*p++ != ' ' || hex_u64(&p, &m->pgoff) || *p++ != ' ')
		return -EINVAL;
	if (hex_u64(&p, &maj) || *p++ != ':' || hex_u64(&p, &min) || *p++ != ' ')
		return -EINVAL;
	if (maj > 0xfffff || min > 0xfffff)
		return -EINVAL;
	m->dev_major = (unsigned int)maj;
	m->dev_minor = (unsigned int)min;
	m->ino = 0;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		if (m->ino > UINT64_MAX / 10)
			return -EINVAL;
		m->ino = m->ino * 10 + (uint64_t)(*p++ - '0');
	}
	while (*p == ' ')
		p++;
	m->path = p;
	return 0;
}

static size_t hash_u64(uint64_t x, size_t nbuckets)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (size_t)(x & (nbuckets - 1));
}

struct syms_cache *syms_cache__new(unsigned int flags)
{
	struct syms_cache *c = calloc(1, sizeof(*c));
	struct rlimit rl;

	if (!c)
		return NULL;
	c->flags = flags;
	c->npid_buckets = 256;
	c->nfile_buckets = 256;
	c->pids = calloc(c->npid_buckets, sizeof(*c->pids));
	c->files = calloc(c->nfile_buckets, sizeof(*c->files));
	if (!c->pids || !c->files) {
		syms_cache__free(c);
		return NULL;
	}
	/* Files are held open from first sight to the report; leave room for everything else. */
	c->fd_budget = 256;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY) {
		rlim_t room = rl.rlim_cur > 128 ? rl.rlim_cur - 128 : 16;

		if (room < c->fd_budget)
			c->fd_budget = (unsigned int)room;
	}
	c->root_ok = !stat("/", &c->root_st);
	c->vdso.fd = -1;
	c->vdso.base = "[vdso]";
	return c;
}

static void efile_free(struct efile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	elf_syms__free(f->es);
	free(f->path);
}

void syms_cache__free(struct syms_cache *c)
{
	if (!c)
		return;
	for (size_t b = 0; c->pids && b < c->npid_buckets; b++) {
		for (struct syms *s = c->pids[b], *n; s; s = n) {
			n = s->next;
			free(s->maps);
			free(s);
		}
	}
	for (size_t b = 0; c->files && b < c->nfile_buckets; b++) {
		for (struct efile *f = c->files[b], *n; f; f = n) {
			n = f->next;
			efile_free(f);
			free(f);
		}
	}
	elf_syms__free(c->vdso.es);
	free(c->pids);
	free(c->files);
	free(c);
}

static int rehash_pids(struct syms_cache *c)
{
	size_t nb = c->npid_buckets * 2;
	struct syms **t = calloc(nb, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t b = 0; b < c->npid_buckets; b++) {
		for (struct syms *s = c->pids[b], *n; s; s = n) {
			size_t h = hash_u64((uint64_t)s->pid, nb);

			n = s->next;
			s->next = t[h];
			t[h] = s;
		}
	}
	free(c->pids);
	c->pids = t;
	c->npid_buckets = nb;
	return 0;
}

static int rehash_files(struct syms_cache *c)
{
	size_t nb = c->nfile_buckets * 2;
	struct efile **t = calloc(nb, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t b = 0; b < c->nfile_buckets; b++) {
		for (struct efile *f = c->files[b], *n; f; f = n) {
			size_t h = hash_u64((uint64_t)f->dev * 0x9e3779b97f4a7c15ull ^ f->ino, nb);

			n = f->next;
			f->next = t[h];
			t[h] = f;
		}
	}
	free(c->files);
	c->files = t;
	c->nfile_buckets = nb;
	return 0;
}

/*
 * Opens the file behind a mapping of a live process: map_files/ names the exact inode even
 * when the file was deleted or lives in another mount namespace; the path inside the
 * process's root covers kernels or privileges without map_files; the plain path last, only
 * for host processes. Each is checked before it is opened: a regular file, the mapped inode
 * (inode 0, as anonymous-inode files show in maps, takes what it finds).
 */
static int open_mapped(int pid, uint64_t start, uint64_t end, const char *path, bool foreign,
		       dev_t dev, ino_t ino)
{
	struct stat want = { .st_dev = dev, .st_ino = ino };
	char buf[64];
	int fd;

	snprintf(buf, sizeof(buf), "/proc/%d/map_files/%llx-%llx", pid,
		 (unsigned long long)start, (unsigned long long)end);
	fd = fsafe_open_trusted(buf, &want, NULL);
	if (fd >= 0 || path[0] != '/')
		return fd >= 0 ? fd : -ENOENT;
	snprintf(buf, sizeof(buf), "/proc/%d/root", pid);
	fd = fsafe_open(buf, path, 0, &want, NULL);
	if (fd >= 0 || foreign)
		return fd >= 0 ? fd : -ENOENT;
	fd = fsafe_open(NULL, path, 0, &want, NULL);
	return fd >= 0 ? fd : -ENOENT;
}

static struct efile *file_get(struct syms_cache *c, struct syms *s, const struct maps_line *m)
{
	dev_t dev = makedev(m->dev_major, m->dev_minor);
	ino_t ino = (ino_t)m->ino;
	size_t h = hash_u64((uint64_t)dev * 0x9e3779b97f4a7c15ull ^ ino, c->nfile_buckets);
	size_t plen = strlen(m->path);
	struct efile *f;
	const char *slash;

	for (f = c->files[h]; f; f = f->next)
		if (f->dev == dev && f->ino == ino)
			return f;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	if (plen > strlen(DELETED) && !strcmp(m->path + plen - strlen(DELETED), DELETED))
		plen -= strlen(DELETED);
	f->path = strndup(m->path, plen);
	if (!f->path) {
		free(f);
		return NULL;
	}
	slash = strrchr(f->path, '/');
	f->base = slash ? slash + 1 : f->path;
	f->dev = dev;
	f->ino = ino;
	f->pid = s->pid;
	f->map_start = m->start;
	f->map_end = m->end;
	f->foreign_root = s->foreign_root;
	f->fd = -1;
	/* Hold the file now: the process (or its mount namespace, or the deleted file's last
	 * name) may be gone by report time. Past the budget, reopen by name when needed. */
	if (c->fds < c->fd_budget) {
		f->fd = open_mapped(s->pid, m->start, m->end, m->path, s->foreign_root, dev, ino);
		if (f->fd >= 0)
			c->fds++;
	}
	f->next = c->files[h];
	c->files[h] = f;
	c->nfiles++;
	if (c->nfiles > c->nfile_buckets * 2)
		rehash_files(c);
	return f;
}

static uint64_t proc_start_time(int pid)
{
	char buf[1024], path[64];
	unsigned long long st = 0;
	ssize_t n;
	char *p;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: fields restart after the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* starttime is field 22; after ')' comes field 3 */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		st = strtoull(p + 1, NULL, 10);
	return st;
}

static int cmp_map(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Reads pid's executable mappings into a new array. */
static int read_maps(struct syms_cache *c, struct syms *s, struct map **out, size_t *nout)
{
	char path[64], line[MAPS_LINE_MAX];
	struct map *maps = NULL;
	size_t n = 0, cap = 0;
	bool partial = false;
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", s->pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f)) {
		bool whole = strchr(line, '\n') || feof(f);
		struct maps_line m;
		struct map *mp;

		if (partial || !whole) {
			partial = !whole;
			continue;
		}
		if (maps_line__parse(line, &m) || m.perms[2] != 'x')
			continue;
		if (!strcmp(m.path, "[vsyscall]"))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;

			if (ncap > MAPS_MAX)
				break;
			mp = realloc(maps, ncap * sizeof(*mp));
			if (!mp) {
				err = -ENOMEM;
				break;
			}
			maps = mp;
			cap = ncap;
		}
		mp = &maps[n];
		mp->start = m.start;
		mp->end = m.end;
		mp->pgoff = m.pgoff;
		mp->file = NULL;
		if (!strcmp(m.path, "[vdso]"))
			mp->file = &c->vdso;
		else if (m.path[0] == '/' && m.ino)
			mp->file = file_get(c, s, &m);
		n++;
	}
	/* an empty read means the task is gone (or a kernel thread: no mappings either way) */
	fclose(f);
	if (err) {
		free(maps);
		return err;
	}
	*out = maps;
	*nout = n;
	return 0;
}

struct syms *syms_cache__get(struct syms_cache *c, int pid)
{
	size_t h = hash_u64((uint64_t)pid, c->npid_buckets);
	struct stat st;
	char path[64];
	struct syms *s;
	int err;

	for (s = c->pids[h]; s; s = s->next)
		if (s->pid == pid)
			return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->pid = pid;
	s->cache = c;
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	if (c->root_ok && !stat(path, &st))
		s->foreign_root = st.st_dev != c->root_st.st_dev || st.st_ino != c->root_st.st_ino;
	s->start_time = proc_start_time(pid);
	err = read_maps(c, s, &s->maps, &s->n);
	if (err) {
		free(s);
		errno = -err;
		return NULL;
	}
	s->refreshed_ns = mono_ns();
	c->snap_mem += sizeof(*s) + s->n * sizeof(*s->maps);
	s->next = c->pids[h];
	c->pids[h] = s;
	c->npids++;
	if (c->npids > c->npid_buckets * 2)
		rehash_pids(c);
	return s;
}

int syms__pid(const struct syms *s)
{
	return s->pid;
}

/* Re-reads a live process's maps, keeping the old mappings the new ones do not overlap. */
static void refresh(struct syms *s)
{
	struct map *nm = NULL, *all;
	size_t nn = 0, k;

	s->refreshed_ns = mono_ns();
	if (s->dead || proc_start_time(s->pid) != s->start_time || !s->start_time) {
		s->dead = true;
		return;
	}
	if (read_maps(s->cache, s, &nm, &nn))
		return;
	all = realloc(nm, (nn + s->n) * sizeof(*all));
	if (!all) {
		free(nm);
		return;
	}
	k = nn;
	for (size_t i = 0; i < s->n; i++) {
		bool overlap = false;

		for (size_t j = 0; j < nn && !overlap; j++)
			overlap = s->maps[i].start < all[j].end && all[j].start < s->maps[i].end;
		if (!overlap)
			all[k++] = s->maps[i];
	}
	qsort(all, k, sizeof(*all), cmp_map);
	s->cache->snap_mem += (k - s->n) * sizeof(*all);
	free(s->maps);
	s->maps = all;
	s->n = k;
}

static const struct map *find_map(const struct syms *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < s->maps[mid].start)
			hi = mid;
		else if (addr >= s->maps[mid].end)
			lo = mid + 1;
		else
			return &s->maps[mid];
	}
	return NULL;
}

static void load_vdso(struct syms_cache *c)
{
	const Elf64_Ehdr *eh;
	size_t size;

	c->vdso_tried = true;
	c->vdso.state = F_FAILED;
	eh = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
	if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64)
		return;
	/* the image ends with its section headers */
	size = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;
	if (size < sizeof(*eh) || size > (1u << 20))
		return;
	if (!elf_syms__load_mem(eh, size, &(struct elf_syms_opts){
				.no_debug = true,
				.no_demangle = c->flags & SYMS_NO_DEMANGLE }, &c->vdso.es))
		c->vdso.state = F_LOADED;
}

static void load_file(struct syms_cache *c, struct efile *f)
{
	char root[48];
	const char *roots[3] = { "", NULL, NULL };
	struct elf_syms_opts o = {
		.roots = roots,
		.no_debug = c->flags & SYMS_NO_DEBUG,
		.no_demangle = c->flags & SYMS_NO_DEMANGLE,
	};
	int fd = f->fd;

	f->state = F_FAILED;
	if (fd < 0)
		fd = open_mapped(f->pid, f->map_start, f->map_end, f->path, f->foreign_root,
				 f->dev, f->ino);
	else
		c->fds--;
	f->fd = -1;
	if (fd < 0)
		return;
	if (f->foreign_root) {
		/* debug files of a container's binary belong to the container, then the host */
		snprintf(root, sizeof(root), "/proc/%d/root", f->pid);
		roots[0] = root;
		roots[1] = "";
	}
	if (!elf_syms__load(fd, f->path, &o, &f->es)) {
		f->state = F_LOADED;
		c->files_read++;
		if (elf_syms__debug_path(f->es))
			c->debug_files++;
	}
	close(fd);
}

int syms__resolve(struct syms *s, uint64_t addr, struct usym *u)
{
	struct syms_cache *c = s->cache;
	const struct map *m;
	struct efile *f;
	uint64_t off;

	memset(u, 0, sizeof(*u));
	m = find_map(s, addr);
	if (!m && !s->dead && mono_ns() - s->refreshed_ns >= REFRESH_NS) {
		refresh(s);
		m = find_map(s, addr);
	}
	if (!m)
		return -ENOENT;
	f = m->file;
	if (!f)
		return 0;	/* anonymous executable memory: JIT code */
	u->module = f->base;
	u->path = f == &c->vdso ? NULL : f->path;
	if (f->state == F_NEW) {
		if (f == &c->vdso)
			load_vdso(c);
		else
			load_file(c, f);
	}
	if (f->state != F_LOADED)
		return 0;
	u->build_id = elf_syms__build_id(f->es, &u->build_id_len);
	if (elf_syms__off_to_vaddr(f->es, addr - m->start + m->pgoff, &u->vaddr))
		return 0;
	u->name = elf_syms__find(f->es, u->vaddr, &off);
	if (u->name)
		u->offset = off;
	return 0;
}

void syms_cache__stats(const struct syms_cache *c, struct syms_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->pids = (unsigned int)c->npids;
	st->files = (unsigned int)c->nfiles;
	st->files_read = c->files_read;
	st->debug_files = c->debug_files;
	st->fds = c->fds;
	st->mem = c->snap_mem + (c->npid_buckets + c->nfile_buckets) * sizeof(void *) +
		  c->nfiles * sizeof(struct efile);
	for (size_t b = 0; b < c->nfile_buckets; b++)
		for (const struct efile *f = c->files[b]; f; f = f->next)
			if (f->es)
				st->mem += elf_syms__mem(f->es);
}
