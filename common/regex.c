// SPDX-License-Identifier: GPL-2.0
/* Python-compatible regular expressions on top of PCRE2 (see regex.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <pcre2.h>

#include "regex.h"

/*
 * Work per search is bounded: a pattern that backtracks badly on hostile input (arguments are
 * chosen by whoever execs) costs at most this many steps per event.
 */
#define MATCH_LIMIT 100000

struct regex {
	pcre2_code *code;
	pcre2_match_data *match;	/* made once: a search allocates nothing */
	pcre2_match_context *ctx;
};

/*
 * PCRE2's JIT (240 KB of the 480 KB PCRE2 adds to the binary) is never used: a filter runs once
 * per event, on short strings. pcre2_match() and pcre2_code_free() still refer to it, which
 * would link it in; these stand-ins for the three entry points they use take its place. They
 * are never called (no pattern is JIT-compiled); should the library ever need more of its JIT,
 * the link fails with duplicate symbols rather than silently.
 */
void _pcre2_jit_free_8(void *executable_jit, void *memctl);
int _pcre2_jit_check_exec_8(const pcre2_code *code, uint32_t options);
int pcre2_jit_match_8(const pcre2_code *code, PCRE2_SPTR subject, PCRE2_SIZE length,
		      PCRE2_SIZE start_offset, uint32_t options, pcre2_match_data *match_data,
		      pcre2_match_context *mcontext);

void _pcre2_jit_free_8(void *executable_jit, void *memctl)
{
}

int _pcre2_jit_check_exec_8(const pcre2_code *code, uint32_t options)
{
	return 0;
}

int pcre2_jit_match_8(const pcre2_code *code, PCRE2_SPTR subject, PCRE2_SIZE length,
		      PCRE2_SIZE start_offset, uint32_t options, pcre2_match_data *match_data,
		      pcre2_match_context *mcontext)
{
	return PCRE2_ERROR_JIT_BADOPTION;
}

int regex__compile(struct regex **out, const char *pattern, char *why, size_t why_len)
{
	struct regex *re = calloc(1, sizeof(*re));
	PCRE2_SIZE at;
	int code;

	*out = NULL;
	if (!re)
		return -ENOMEM;
	/* PCRE2_NEVER_UCP and no PCRE2_UTF: \d \w \s are ASCII, as Python's for bytes */
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_NEVER_UTF |
				 PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C, &code, &at, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[120];

		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(why, why_len, "%s at offset %zu", (char *)msg, (size_t)at);
		free(re);
		return -EINVAL;
	}
	re->match = pcre2_match_data_create_from_pattern(re->code, NULL);
	re->ctx = pcre2_match_context_create(NULL);
	if (!re->match || !re->ctx) {
		regex__free(re);
		return -ENOMEM;
	}
	pcre2_set_match_limit(re->ctx, MATCH_LIMIT);
	*out = re;
	return 0;
}

bool regex__search(struct regex *re, const char *s, size_t len)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, re->match, re->ctx);

	/* a search cut short by the limit counts as a match: a filter may show too much, but
	 * input crafted to be slow must not hide an event */
	return rc >= 0 || rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	       rc == PCRE2_ERROR_HEAPLIMIT;
}

void regex__free(struct regex *re)
{
	if (!re)
		return;
	pcre2_match_context_free(re->ctx);
	pcre2_match_data_free(re->match);
	pcre2_code_free(re->code);
	free(re);
}
