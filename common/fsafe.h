/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening files on behalf of a traced process (its executable, libraries, debug files): such
 * paths are chosen by unprivileged users, so nothing is opened for reading before it is known
 * to be a regular file, and symlinks cannot lead out of the process's root.
 */
#ifndef BPFBOX_FSAFE_H
#define BPFBOX_FSAFE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum fsafe_flags {
	/*
	 * No symlink anywhere in the path, except a root-owned one as the last component (the
	 * build-id links some distributions ship): for debug-file candidates, whose names come
	 * from the traced file itself.
	 */
	FSAFE_NO_SYMLINKS = 1 << 0,
};

/*
 * Opens path for reading, resolved inside root ("/proc/PID/root", any directory, or NULL/""
 * for the host's "/"): with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) where the kernel
 * has it, else with O_NOFOLLOW on the last component. The file is first opened with O_PATH
 * (which opens no device, FIFO or socket) and checked: a regular file, and when want is not
 * NULL and want->st_ino is not 0, that very file (st_dev, st_ino). Only then is it opened for
 * reading, always with O_NONBLOCK | O_NOCTTY | O_CLOEXEC. Fills *st when not NULL.
 * Returns the fd or -errno: -EINVAL for anything not a regular file, -ESTALE for another file.
 */
int fsafe_open(const char *root, const char *path, unsigned int flags, const struct stat *want,
	       struct stat *st);

/*
 * The same for a path we trust to name the right file (/proc/PID/map_files/..., whose magic
 * links are the point): followed as is, still checked before it is opened for reading.
 */
int fsafe_open_trusted(const char *path, const struct stat *want, struct stat *st);

/*
 * Reads exactly len bytes at off: 0, -EIO when the file ends first (truncated under us), or
 * -errno. Never a mapping: a file truncated by its owner cannot raise SIGBUS.
 */
int fsafe_pread(int fd, void *buf, size_t len, uint64_t off);

#endif
