/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel config reader: /proc/config.gz or /boot/config-RELEASE, parsed into a sorted table. */
#ifndef BPFBOX_KCONFIG_H
#define BPFBOX_KCONFIG_H

#include <stddef.h>
#include <stdio.h>
#include <zlib.h>

/*
 * Hostile input is bounded: longer lines are skipped, more entries fail with -E2BIG, more bytes
 * (after decompression) with -EFBIG.
 */
#define KCONFIG_MAX_LINE	4096
#define KCONFIG_MAX_ENTRIES	65536
#define KCONFIG_MAX_BYTES	(16u << 20)

struct kconfig_entry {
	char *name;	/* without the CONFIG_ prefix */
	char *value;	/* "y", "m", "n" (from "# CONFIG_X is not set"), a number or a "string" */
	size_t seq;	/* input order: a later duplicate wins, as in the kernel's own parser */
};

struct kconfig {
	struct kconfig_entry *v;
	size_t n, cap;
	size_t bytes;		/* input consumed so far */
	size_t seq;		/* next entry's input order */
	int sorted;
	char source[256];	/* where it was read from, for reports */
};

void kconfig__init(struct kconfig *kc);
void kconfig__free(struct kconfig *kc);

/* Parsers: each returns 0 or -errno and may be called repeatedly to add to kc. */
int kconfig__parse_buf(struct kconfig *kc, const char *buf, size_t len);
int kconfig__parse_file(struct kconfig *kc, FILE *f);
int kconfig__parse_gz(struct kconfig *kc, gzFile gz);	/* plain text also reads through gz */

/*
 * Reads PATH (compressed or not); sets kc->source. A regular file only (-EISDIR, -EINVAL for
 * devices and FIFOs, which are not opened for reading); -EIO for a corrupt or truncated gzip
 * stream; -EBADMSG when it holds no CONFIG_ line at all (not a kernel config).
 */
int kconfig__read_path(struct kconfig *kc, const char *path);
/* Reads the running kernel's config: /proc/config.gz, then /boot/config-$(uname -r).
 * Returns -ENOENT when neither exists. */
int kconfig__load(struct kconfig *kc);

/* Value of NAME (with or without "CONFIG_"); NULL when the config does not mention it. */
const char *kconfig__get(struct kconfig *kc, const char *name);
/* True for "y" or "m". */
int kconfig__enabled(struct kconfig *kc, const char *name);

#endif
