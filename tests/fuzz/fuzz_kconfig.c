// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the kernel config reader, on plain text (kconfig__parse_buf, also cut in two
 * at a point the input chooses, as reads arrive in chunks) and on gzip data through a file
 * (kconfig__read_path, as -c FILE and /proc/config.gz are read).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kconfig.h"

static const char *const names[] = { "CONFIG_BPF", "BPF_SYSCALL", "CONFIG_", "", "KPROBES" };

static void lookups(struct kconfig *kc)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		kconfig__enabled(kc, names[i]);
	/* every stored entry is found again by its own name (lookups drop one "CONFIG_") */
	for (size_t i = 0; i < kc->n; i++)
		if (strncmp(kc->v[i].name, "CONFIG_", 7) && !kconfig__get(kc, kc->v[i].name))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct kconfig kc;
	size_t cut = size ? data[0] % (size + 1) : 0;

	kconfig__init(&kc);
	if (!kconfig__parse_buf(&kc, (const char *)data, cut))
		kconfig__parse_buf(&kc, (const char *)data + cut, size - cut);
	lookups(&kc);
	kconfig__free(&kc);

	/* gzip input goes through the file reader (zlib reads plain text through as well) */
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		if (fd < 0) {
			fd = memfd_create("kconfig", 0);
			if (fd < 0)
				abort();
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		}
		if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
			abort();
		kconfig__init(&kc);
		kconfig__read_path(&kc, path);
		lookups(&kc);
		kconfig__free(&kc);
	}
	return 0;
}
