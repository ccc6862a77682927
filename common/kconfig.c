// SPDX-License-Identifier: GPL-2.0
/* Kernel config reader: /proc/config.gz or /boot/config-RELEASE, parsed into a sorted table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kconfig.h"

#define NAME_MAX_LEN 128

/* Line assembly across read chunks; an overlong line is dropped up to its newline. */
struct lines {
	char buf[KCONFIG_MAX_LINE];
	size_t len;
	int overlong;
};

void kconfig__init(struct kconfig *kc)
{
	memset(kc, 0, sizeof(*kc));
}

void kconfig__free(struct kconfig *kc)
{
	for (size_t i = 0; i < kc->n; i++) {
		free(kc->v[i].name);
		free(kc->v[i].value);
	}
	free(kc->v);
	kconfig__init(kc);
}

static int is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static int add(struct kconfig *kc, const char *name, size_t nlen, const char *val, size_t vlen)
{
	struct kconfig_entry *e;

	if (nlen == 0 || nlen > NAME_MAX_LEN)
		return 0;
	for (size_t i = 0; i < nlen; i++)
		if (!is_name_char(name[i]))
			return 0;
	if (kc->n >= KCONFIG_MAX_ENTRIES)
		return -E2BIG;
	if (kc->n == kc->cap) {
		size_t cap = kc->cap ? kc->cap * 2 : 1024;
		void *v = realloc(kc->v, cap * sizeof(*kc->v));

		if (!v)
			return -ENOMEM;
		kc->v = v;
		kc->cap = cap;
	}
	e = &kc->v[kc->n];
	e->name = strndup(name, nlen);
	e->value = strndup(val, vlen);
	if (!e->name || !e->value) {
		free(e->name);
		free(e->value);
		return -ENOMEM;
	}
	e->seq = kc->seq++;
	kc->n++;
	kc->sorted = 0;
	return 0;
}

static int parse_line(struct kconfig *kc, const char *s, size_t len)
{
	static const char unset[] = " is not set";
	const char *eq;

	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > 9 && !memcmp(s, "# CONFIG_", 9)) {
		size_t ul = sizeof(unset) - 1;

		if (len < 9 + ul || memcmp(s + len - ul, unset, ul))
			return 0;
		return add(kc, s + 9, len - 9 - ul, "n", 1);
	}
	if (len < 8 || memcmp(s, "CONFIG_", 7))
		return 0;
	eq = memchr(s, '=', len);
	if (!eq)
		return 0;
	return add(kc, s + 7, eq - s - 7, eq + 1, len - (eq + 1 - s));
}

static int feed(struct kconfig *kc, struct lines *l, const char *p, size_t n)
{
	int err;

	if (n > KCONFIG_MAX_BYTES - kc->bytes)
		return -EFBIG;
	kc->bytes += n;
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (!l->overlong) {
			if (take > sizeof(l->buf) - l->len) {
				l->overlong = 1;
			} else {
				memcpy(l->buf + l->len, p, take);
				l->len += take;
			}
		}
		if (!nl)
			break;
		if (!l->overlong) {
			err = parse_line(kc, l->buf, l->len);
			if (err)
				return err;
		}
		l->len = 0;
		l->overlong = 0;
		p = nl + 1;
		n -= take + 1;
	}
	return 0;
}

static int finish(struct kconfig *kc, struct lines *l)
{
	int err = 0;

	if (l->len && !l->overlong)
		err = parse_line(kc, l->buf, l->len);
	l->len = 0;
	l->overlong = 0;
	return err;
}

int kconfig__parse_buf(struct kconfig *kc, const char *buf, size_t len)
{
	struct lines *l = calloc(1, sizeof(*l));
	int err;

	if (!l)
		return -ENOMEM;
	err = feed(kc, l, buf, len);
	if (!err)
		err = finish(kc, l);
	free(l);
	return err;
}

int kconfig__parse_file(struct kconfig *kc, FILE *f)
{
	struct lines *l = calloc(1, sizeof(*l));
	char chunk[8192];
	size_t n;
	int err = 0;

	if (!l)
		return -ENOMEM;
	while (!err && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		err = feed(kc, l, chunk, n);
	if (!err && ferror(f))
		err = -EIO;
	if (!err)
		err = finish(kc, l);
	free(l);
	return err;
}

int kconfig__parse_gz(struct kconfig *kc, gzFile gz)
{
	struct lines *l = calloc(1, sizeof(*l));
	char chunk[8192];
	int n, zerr, err = 0;

	if (!l)
		return -ENOMEM;
	while (!err && (n = gzread(gz, chunk, sizeof(chunk))) > 0)
		err = feed(kc, l, chunk, n);
	/* zlib reports a truncated stream (Z_BUF_ERROR) only through gzerror(). */
	if (!err && (n < 0 || (gzerror(gz, &zerr), zerr != Z_OK)))
		err = -EIO;
	if (!err)
		err = finish(kc, l);
	free(l);
	return err;
}

int kconfig__read_path(struct kconfig *kc, const char *path)
{
	/* never a device or FIFO: opening one can block or have side effects */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), err;
	size_t before = kc->n;
	struct stat st;
	gzFile gz;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		close(fd);
		return err;
	}
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	err = kconfig__parse_gz(kc, gz);
	gzclose(gz);
	if (!err && kc->n == before)
		err = -EBADMSG;
	if (!err)
		snprintf(kc->source, sizeof(kc->source), "%s", path);
	return err;
}

int kconfig__load(struct kconfig *kc)
{
	struct utsname u;
	char path[sizeof(u.release) + 16];
	int err;

	err = kconfig__read_path(kc, "/proc/config.gz");
	if (err != -ENOENT)
		return err;
	if (uname(&u))
		return -errno;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	return kconfig__read_path(kc, path);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct kconfig_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sorts by name and keeps the last of each duplicate. */
static void sort_entries(struct kconfig *kc)
{
	size_t out = 0;

	if (kc->n > 1)	/* kc->v is NULL when empty, and qsort's pointer must not be */
		qsort(kc->v, kc->n, sizeof(*kc->v), cmp_entry);
	for (size_t i = 0; i < kc->n; i++) {
		if (i + 1 < kc->n && !strcmp(kc->v[i].name, kc->v[i + 1].name)) {
			free(kc->v[i].name);
			free(kc->v[i].value);
			continue;
		}
		kc->v[out++] = kc->v[i];
	}
	kc->n = out;
	kc->sorted = 1;
}

const char *kconfig__get(struct kconfig *kc, const char *name)
{
	size_t lo = 0, hi;

	if (!strncmp(name, "CONFIG_", 7))
		name += 7;
	if (!kc->sorted)
		sort_entries(kc);
	hi = kc->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, kc->v[mid].name);

		if (!c)
			return kc->v[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int kconfig__enabled(struct kconfig *kc, const char *name)
{
	const char *v = kconfig__get(kc, name);

	return v && (!strcmp(v, "y") || !strcmp(v, "m"));
}
