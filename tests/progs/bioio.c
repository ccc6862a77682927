// SPDX-License-Identifier: GPL-2.0
/*
 * Block I/O for the biosnoop tests: usage `bioio DEV`. Waits for a byte (or EOF) on stdin so
 * the tracer can attach first, then does O_DIRECT requests of known sizes at known offsets,
 * each one request, and prints "T SECTOR BYTES" for each (512-byte sectors). DEV needs 4 MiB.
 */
#define _GNU_SOURCE	/* O_DIRECT */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct io {
	char t;
	long long off;
	size_t len;
} ios[] = {
	{ 'W', 1 << 20, 4096 },
	{ 'R', 2 << 20, 8192 },
	{ 'W', 3 << 20, 16384 },
	{ 'R', (3 << 20) + 16384, 4096 },	/* right after the previous one: sequential */
};

int main(int argc, char **argv)
{
	char c;
	void *buf;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: bioio DEV\n");
		return 2;
	}
	if (read(0, &c, 1) < 0)
		return 1;
	fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0 || posix_memalign(&buf, 4096, 16384)) {
		perror(argv[1]);
		return 1;
	}
	memset(buf, 0x5a, 16384);
	for (size_t i = 0; i < sizeof(ios) / sizeof(ios[0]); i++) {
		const struct io *io = &ios[i];
		ssize_t n = io->t == 'W' ? pwrite(fd, buf, io->len, io->off)
					 : pread(fd, buf, io->len, io->off);

		if (n != (ssize_t)io->len) {
			perror("bioio: I/O");
			return 1;
		}
		printf("%c %lld %zu\n", io->t, io->off / 512, io->len);
	}
	close(fd);
	return 0;
}
