// SPDX-License-Identifier: GPL-2.0
/* Library and program lookup for probe targets: ld.so.cache, library directories, $PATH. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binpath.h"

#define LDCACHE_MAX	(16u << 20)
#define NEW_MAGIC	"glibc-ld.so.cache1.1"
#define OLD_MAGIC	"ld.so-1.7.0"

/* ld.so.cache entry flags (glibc's ldconfig.h): ELF libc6, plus this ABI's required bits */
#define FLAG_ELF_LIBC6		0x0003
#define FLAG_TYPE_MASK		0x00ff
#define FLAG_REQUIRED_MASK	0xff00
#if defined(__x86_64__)
#define FLAG_ABI		0x0300	/* FLAG_X8664_LIB64 */
#elif defined(__aarch64__)
#define FLAG_ABI		0x0a00	/* FLAG_AARCH64_LIB64 */
#else
#define FLAG_ABI		0x0000
#endif

#if defined(__x86_64__)
#define TRIPLET "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define TRIPLET "aarch64-linux-gnu"
#else
#define TRIPLET "unknown"
#endif

struct new_hdr {
	char magic[sizeof(NEW_MAGIC) - 1];
	uint32_t nlibs, len_strings;
	uint8_t flags, pad[3];
	uint32_t extension_offset, unused[3];
};

struct new_entry {
	int32_t flags;
	uint32_t key, value, osversion;
	uint64_t hwcap;
};

int binpath__ldcache(const void *buf, size_t len, const char *prefix, char *out, size_t size)
{
	const char *b = buf;
	const struct new_hdr *h;
	size_t off = 0, plen = strlen(prefix);

	/* the old format (libc5 era) may come first, with the new one after its entries */
	if (len >= sizeof(OLD_MAGIC) + 4 && !memcmp(b, OLD_MAGIC, sizeof(OLD_MAGIC) - 1)) {
		uint32_t n;

		memcpy(&n, b + sizeof(OLD_MAGIC), 4);
		off = sizeof(OLD_MAGIC) + 4 + (size_t)n * 12;
		off = (off + 7) & ~(size_t)7;
	}
	if (off > len || len - off < sizeof(*h) || memcmp(b + off, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		return -ENOENT;
	h = (const struct new_hdr *)(b + off);
	if (h->nlibs > (len - off - sizeof(*h)) / sizeof(struct new_entry))
		return -ENOENT;
	for (uint32_t i = 0; i < h->nlibs; i++) {
		struct new_entry e;
		const char *key, *val;
		size_t klen;

		memcpy(&e, b + off + sizeof(*h) + i * sizeof(e), sizeof(e));
		if ((e.flags & FLAG_TYPE_MASK) != FLAG_ELF_LIBC6 ||
		    (e.flags & FLAG_REQUIRED_MASK) != FLAG_ABI)
			continue;
		/* string offsets count from the start of the file in the new format */
		if (e.key >= len || e.value >= len)
			continue;
		key = b + e.key;
		val = b + e.value;
		klen = strnlen(key, len - e.key);
		if (klen == len - e.key || strnlen(val, len - e.value) == len - e.value)
			continue;
		if (klen < plen || memcmp(key, prefix, plen))
			continue;
		if (strlen(val) >= size)
			return -ENAMETOOLONG;
		strcpy(out, val);
		return 0;
	}
	return -ENOENT;
}

static int read_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > LDCACHE_MAX) {
		close(fd);
		return -EINVAL;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, *buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(*buf);
		return -EIO;
	}
	*len = (size_t)n;
	return 0;
}

static bool regular(const char *path, bool exec)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && (!exec || (st.st_mode & 0111));
}

static int put(char *out, size_t size, const char *root, const char *a, const char *b)
{
	int n = snprintf(out, size, "%s%s%s%s", root, a, b ? "/" : "", b ? b : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* A library the process has mapped whose file name starts with prefix. */
static int from_maps(int pid, const char *prefix, char *out, size_t size)
{
	char path[64], line[4096 + 128];
	size_t plen = strlen(prefix);
	int rc = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (rc == -ENOENT && fgets(line, sizeof(line), f)) {
		char *file = strchr(line, '/'), *base;

		if (!file)
			continue;
		file[strcspn(file, "\n")] = '\0';
		base = strrchr(file, '/') + 1;
		if (!strncmp(base, prefix, plen)) {
			snprintf(path, sizeof(path), "/proc/%d/root", pid);
			rc = put(out, size, path, file, NULL);
		}
	}
	fclose(f);
	return rc;
}

static int from_dirs(const char *root, const char *prefix, char *out, size_t size)
{
	static const char *const dirs[] = { "/lib/" TRIPLET, "/usr/lib/" TRIPLET, "/lib64",
					    "/usr/lib64", "/lib", "/usr/lib" };
	size_t plen = strlen(prefix);
	char dir[4096];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct dirent *de;
		DIR *d;
		int rc = -ENOENT;

		if (put(dir, sizeof(dir), root, dirs[i], NULL) || !(d = opendir(dir)))
			continue;
		while (rc == -ENOENT && (de = readdir(d)))
			if (!strncmp(de->d_name, prefix, plen) &&
			    !put(out, size, dir, "", de->d_name) && regular(out, false))
				rc = 0;
		closedir(d);
		if (!rc)
			return 0;
	}
	return -ENOENT;
}

static int from_path(const char *root, const char *name, char *out, size_t size)
{
	const char *p = getenv("PATH");

	if (!p || !*p)
		p = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*p) {
		size_t n = strcspn(p, ":");
		char dir[4096];

		if (n && n < sizeof(dir)) {
			memcpy(dir, p, n);
			dir[n] = '\0';
			if (!put(out, size, root, dir, name) && regular(out, true))
				return 0;
		}
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

static int from_libs(const char *root, const char *prefix, char *out, size_t size)
{
	char path[4096], *buf = NULL;
	size_t len = 0;
	int rc;

	if (put(path, sizeof(path), root, "/etc/ld.so.cache", NULL))
		return -ENAMETOOLONG;
	if (!read_file(path, &buf, &len)) {
		rc = binpath__ldcache(buf, len, prefix, path, sizeof(path));
		free(buf);
		if (!rc && !put(out, size, root, path, NULL) && regular(out, false))
			return 0;
	}
	return from_dirs(root, prefix, out, size);
}

int binpath__resolve(const char *name, int pid, bool path_first, char *out, size_t size)
{
	char root[64] = "", prefix[4096];
	int rc;

	if (pid > 0)
		snprintf(root, sizeof(root), "/proc/%d/root", pid);
	if (strchr(name, '/')) {
		/* a path of the process's own view when -p is given ("/proc/PID/root/..." kept) */
		if (pid > 0 && strncmp(name, "/proc/", 6))
			return put(out, size, root, name, NULL);
		return put(out, size, "", name, NULL);
	}
	if (snprintf(prefix, sizeof(prefix), strstr(name, ".so") ? "lib%s" : "lib%s.so", name) >=
	    (int)sizeof(prefix))
		return -ENAMETOOLONG;
	if (path_first && !from_path(root, name, out, size))
		return 0;
	if (pid > 0 && !from_maps(pid, prefix, out, size))
		return 0;
	rc = from_libs(root, prefix, out, size);
	if (rc && !path_first)
		rc = from_path(root, name, out, size);
	return rc == -ENAMETOOLONG ? rc : rc ? -ENOENT : 0;
}
