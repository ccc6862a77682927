// SPDX-License-Identifier: GPL-2.0
/* Kernel function candidates for kprobes, kprobe.multi and fentry. */
#include <errno.h>
#include <search.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kfuncs.h"
#include "probe_spec.h"
#include "tracefs.h"

#define NAMES_MAX (1u << 20)	/* lines read from either file */

/* A sorted set of names, for "seen" and the blacklist. */
struct nameset {
	char **v;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool nameset_has(const struct nameset *s, const char *name)
{
	return s->n && bsearch(&name, s->v, s->n, sizeof(*s->v), cmp_str);
}

static int nameset_add(struct nameset *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = strdup(name);
	return s->v[s->n] ? (s->n++, 0) : -ENOMEM;
}

static void nameset_free(struct nameset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static bool excluded(const char *name)
{
	static const char *const prefixes[] = { "_kbl_addr_", "__perf", "perf_", "__SCT__" };
	const char *cold = strstr(name, ".cold");

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	/* "foo.cold" and "foo.cold.3": the out-of-line cold part of foo, not a function */
	return cold && (!cold[5] || cold[5] == '.');
}

static int read_blacklist(FILE *f, struct nameset *bl)
{
	char line[512];
	int err = 0;

	while (!err && bl->n < NAMES_MAX && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t');

		if (!name)
			name = strchr(line, ' ');
		if (!name)
			continue;
		name += strspn(name, " \t");
		name[strcspn(name, " \t\n")] = '\0';
		if (*name)
			err = nameset_add(bl, name);
	}
	if (!err)
		qsort(bl->v, bl->n, sizeof(*bl->v), cmp_str);
	return err;
}

static int cmp_plain(const void *a, const void *b)
{
	return strcmp(a, b);
}

int kfuncs__match_files(FILE *avail, FILE *blacklist, const struct probe_spec *spec,
			int (*fn)(const char *name, void *ctx), void *ctx)
{
	struct nameset bl = { 0 };
	void *seen = NULL;
	char line[512];
	size_t lines = 0;
	int err = 0;

	if (blacklist)
		err = read_blacklist(blacklist, &bl);
	while (!err && lines++ < NAMES_MAX && fgets(line, sizeof(line), avail)) {
		char *k, **slot;

		line[strcspn(line, " \t\n")] = '\0';
		if (!*line || excluded(line) || !probe_spec__match(spec, line) ||
		    nameset_has(&bl, line))
			continue;
		/* static functions of the same name in several files: one probe by name */
		if (tfind(line, &seen, cmp_plain))
			continue;
		k = strdup(line);
		slot = k ? tsearch(k, &seen, cmp_plain) : NULL;
		if (!slot) {
			free(k);
			err = -ENOMEM;
			break;
		}
		err = fn(line, ctx);
	}
	tdestroy(seen, free);
	nameset_free(&bl);
	return err;
}

static FILE *open_in(const char *root, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	return fopen(path, "re");
}

int kfuncs__match(const struct probe_spec *spec, int (*fn)(const char *name, void *ctx),
		  void *ctx)
{
	const char *root = tracefs_path();
	FILE *avail, *bl;
	int err;

	if (!root)
		return -errno;
	avail = open_in(root, "available_filter_functions");
	if (!avail)
		return -errno;
	/* debugfs may be unmounted: then the kernel refuses blacklisted ones at attach time */
	bl = fopen("/sys/kernel/debug/kprobes/blacklist", "re");
	err = kfuncs__match_files(avail, bl, spec, fn, ctx);
	fclose(avail);
	if (bl)
		fclose(bl);
	return err;
}
