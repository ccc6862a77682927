// SPDX-License-Identifier: GPL-2.0
/* Escaping of untrusted text for output (see strescape.h). */
#include <stdbool.h>
#include <stdio.h>

#include "strescape.h"

void str_escape(const char *s, size_t max, char *buf, size_t size)
{
	size_t n = 0;

	if (!size)
		return;
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		bool esc = c < 0x20 || c == 0x7f;

		if (n + (esc ? 4 : 1) >= size)
			break;	/* never half an escape */
		if (esc)
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
}
