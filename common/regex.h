/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one regular expression dialect of every applet (-n, -l, and the probe engine's -r):
 * Python's re syntax as BCC users write it (\d \w \s \b, (?i), non-greedy quantifiers), by
 * PCRE2 on bytes (no UTF-8 check: comms and arguments are arbitrary bytes).
 */
#ifndef BPFBOX_REGEX_H
#define BPFBOX_REGEX_H

#include <stdbool.h>
#include <stddef.h>

struct regex;

/*
 * Compiles pattern into *re. Returns 0, -EINVAL with what is wrong (and at which offset) in
 * why, or -ENOMEM.
 */
int regex__compile(struct regex **re, const char *pattern, char *why, size_t why_len);
/* Python's re.search: does the pattern match anywhere in the len bytes of s? */
bool regex__search(struct regex *re, const char *s, size_t len);
void regex__free(struct regex *re);

#endif
