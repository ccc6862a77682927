/* SPDX-License-Identifier: GPL-2.0 */
/* Text from traced processes or the kernel, made safe to print. */
#ifndef BPFBOX_STRESCAPE_H
#define BPFBOX_STRESCAPE_H

#include <stddef.h>

/* Copies at most max bytes of s (up to its NUL) into buf, control characters written as
 * \xNN; always NUL terminated, truncated to size. */
void str_escape(const char *s, size_t max, char *buf, size_t size);

#endif
