// SPDX-License-Identifier: GPL-2.0
/* Tracepoint format files: "field:TYPE NAME;	offset:N;	size:N;	signed:N;" lines. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tp_format.h"
#include "tracefs.h"

static int number(const char *line, const char *key, int *v)
{
	const char *p = strstr(line, key);
	char *end;
	long n;

	if (!p)
		return -EINVAL;
	n = strtol(p + strlen(key), &end, 10);
	if (end == p + strlen(key) || n < 0 || n > 65535)
		return -EINVAL;
	*v = (int)n;
	return 0;
}

/* "__data_loc char[] filename" → name "filename", type "__data_loc char[]";
 * "char comm[16]" → "comm", "char [16]". */
static int field(const char *decl, size_t len, struct expr_field *f)
{
	size_t end = len, name_end, start;

	while (end && isspace((unsigned char)decl[end - 1]))
		end--;
	name_end = end;
	if (end && decl[end - 1] == ']') {
		while (name_end && decl[name_end - 1] != '[')
			name_end--;
		if (name_end)
			name_end--;
	}
	start = name_end;
	while (start && (isalnum((unsigned char)decl[start - 1]) || decl[start - 1] == '_'))
		start--;
	if (start == name_end || name_end - start >= sizeof(f->name) || end >= sizeof(f->type))
		return -EINVAL;
	memcpy(f->name, decl + start, name_end - start);
	f->name[name_end - start] = '\0';
	snprintf(f->type, sizeof(f->type), "%.*s%.*s", (int)start, decl, (int)(end - name_end),
		 decl + name_end);
	f->data_loc = !strncmp(decl, "__data_loc", 10);
	return 0;
}

int tp_format__parse(FILE *f, struct expr_field *fields, int max)
{
	char line[512];
	int n = 0;

	while (fgets(line, sizeof(line), f)) {
		const char *d = strstr(line, "field:");
		const char *semi;
		struct expr_field *fl;
		int sign;

		if (!d)
			continue;
		if (n >= max)
			return -E2BIG;
		d += 6;
		semi = strchr(d, ';');
		fl = &fields[n];
		memset(fl, 0, sizeof(*fl));
		if (!semi || field(d, (size_t)(semi - d), fl) ||
		    number(semi, "offset:", &fl->offset) || number(semi, "size:", &fl->size) ||
		    number(semi, "signed:", &sign))
			continue;	/* a line this parser does not know: its field stays unknown */
		fl->sign = sign;
		n++;
	}
	return n;
}

int tp_format__load(const char *cat, const char *event, struct expr_field *fields, int max)
{
	const char *root = tracefs_path();
	char path[PATH_MAX];
	FILE *f;
	int n;

	if (!root)
		return -errno;
	if (strchr(cat, '/') || strchr(event, '/') || !strcmp(cat, "..") || !strcmp(event, ".."))
		return -EINVAL;
	if (snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, cat, event) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = tp_format__parse(f, fields, max);
	fclose(f);
	return n;
}
