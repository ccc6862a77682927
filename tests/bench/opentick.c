// SPDX-License-Identifier: GPL-2.0
/* The trigger of opensnoop's start-up benchmark: one openat() of /dev/null, then exit. */
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
	int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return 0;
}
