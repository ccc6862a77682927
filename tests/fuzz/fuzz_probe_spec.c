// SPDX-License-Identifier: GPL-2.0
/* Fuzz target: funccount/stackcount patterns, in glob and regex mode, then matched. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_spec s;
	struct probe_spec_err e;
	char *text;

	if (size < 1 || size > PROBE_SPEC_MAX + 16)
		return 0;
	/* first byte: regex mode; the rest: the pattern, also used as a name to match */
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	if (!probe_spec__parse(text, data[0] & 1, &s, &e)) {
		probe_spec__match(&s, text);
		probe_spec__match(&s, "__x64_sys_read");
		probe_spec__free(&s);
	} else if (e.pos < 0 || e.pos > PROBE_SPEC_MAX || !e.msg[0]) {
		abort();
	}
	free(text);
	return 0;
}
