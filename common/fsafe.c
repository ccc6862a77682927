// SPDX-License-Identifier: GPL-2.0
/* Opening files on behalf of a traced process: regular files only, inside the right root. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fsafe.h"

#define READ_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)

static bool no_openat2;

static int sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
#ifdef SYS_openat2
	struct open_how how = { .flags = flags, .resolve = resolve };
	int fd;

	if (no_openat2)
		return -ENOSYS;
	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	/* no openat2 (before 5.6), or a seccomp filter that refuses it */
	if (errno == ENOSYS || errno == EPERM)
		no_openat2 = true;
	return -errno;
#else
	return -ENOSYS;
#endif
}

/* An O_PATH fd for path, resolved inside rootfd (or the host's root when rootfd < 0). */
static int open_path(int rootfd, const char *root, const char *path, unsigned int flags)
{
	uint64_t resolve = RESOLVE_NO_MAGICLINKS | (rootfd >= 0 ? RESOLVE_IN_ROOT : 0);
	char full[4352];
	struct stat st;
	int fd;

	if (flags & FSAFE_NO_SYMLINKS) {
		fd = sys_openat2(rootfd >= 0 ? rootfd : AT_FDCWD, path, O_PATH | O_NOFOLLOW |
				 O_CLOEXEC, resolve | RESOLVE_NO_SYMLINKS);
		if (fd != -ENOSYS) {
			if (fd < 0)
				return fd;
			if (fstat(fd, &st) || !S_ISLNK(st.st_mode))
				return fd;
			close(fd);
			/* only a link root made may be followed (then inside the root) */
			if (st.st_uid != 0)
				return -ELOOP;
		}
	}
	fd = sys_openat2(rootfd >= 0 ? rootfd : AT_FDCWD, path, O_PATH | O_CLOEXEC, resolve);
	if (fd != -ENOSYS)
		return fd;
	/* fallback: the last component at least is no symlink */
	if (snprintf(full, sizeof(full), "%s%s", root ? root : "", path) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Checks the O_PATH fd, then opens the same inode for reading. Closes pfd. */
static int reopen(int pfd, const struct stat *want, struct stat *out)
{
	char proc[64];
	struct stat st, st2;
	int fd, err = 0;

	if (fstat(pfd, &st))
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else if (want && want->st_ino && (st.st_dev != want->st_dev || st.st_ino != want->st_ino))
		err = -ESTALE;
	if (err) {
		close(pfd);
		return err;
	}
	/* the O_PATH fd pins the inode checked: reopening it through /proc cannot swap it */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, READ_FLAGS);
	err = fd < 0 ? -errno : 0;
	close(pfd);
	if (err)
		return err;
	if (fstat(fd, &st2) || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
		close(fd);
		return -ESTALE;
	}
	if (out)
		*out = st2;
	return fd;
}

int fsafe_open(const char *root, const char *path, unsigned int flags, const struct stat *want,
	       struct stat *st)
{
	int rootfd = -1, pfd;

	if (!path || !*path)
		return -ENOENT;
	if (root && *root) {
		rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return -errno;
	}
	pfd = open_path(rootfd, root && *root ? root : NULL, path, flags);
	if (rootfd >= 0)
		close(rootfd);
	if (pfd < 0)
		return pfd;
	return reopen(pfd, want, st);
}

int fsafe_open_trusted(const char *path, const struct stat *want, struct stat *st)
{
	int pfd = open(path, O_PATH | O_CLOEXEC);

	if (pfd < 0)
		return -errno;
	return reopen(pfd, want, st);
}

int fsafe_pread(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;

	while (len) {
		ssize_t r = pread(fd, p, len, (off_t)off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}
