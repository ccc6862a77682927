// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the /proc/PID/maps reader (maps__read over the input as a stream, which
 * hands each well-formed line to maps_line__parse's checks).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syms.h"

static int check(const struct maps_line *m, void *ctx)
{
	if (m->end < m->start || !m->path || strlen(m->perms) != 4 || strchr(m->path, '\n'))
		abort();
	(*(size_t *)ctx)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	size_t n = 0;

	if (!size || !f) {
		if (f)
			fclose(f);
		return 0;
	}
	maps__read(f, check, &n);
	fclose(f);
	return 0;
}
