// SPDX-License-Identifier: GPL-2.0
/*
 * Opens for the opensnoop tests, each through the raw syscall so that the flags are exactly
 * these: usage `opener DIR` (DIR holds a file "exist" and a directory "sub" with a file "rel").
 * Waits for a byte on stdin first, so the tracer can be attached to its PID, then prints one
 * line per open: "SYSCALL PATH FD ERR TID" (FD -1 and ERR = errno on failure).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define LONG_PATH 5000	/* past PATH_MAX: fails with ENAMETOOLONG, longer than any capture */

static char dir[1024];

static long report_keep(const char *call, const char *path, long fd)
{
	int err = fd < 0 ? errno : 0;

	printf("%s %s %ld %d %ld\n", call, path, fd < 0 ? -1 : fd, err, (long)syscall(SYS_gettid));
	return fd;
}

static void report(const char *call, const char *path, long fd)
{
	if (report_keep(call, path, fd) >= 0)
		close(fd);
}

static void at(const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", dir, name);
}

static void *thread_open(void *arg)
{
	char p[1100];

	at("thread", p, sizeof(p));
	report("openat", p, syscall(SYS_openat, AT_FDCWD, p, O_RDONLY | O_CREAT, 0600));
	return NULL;
}

int main(int argc, char **argv)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC };
	char p[1100], *longp;
	pthread_t t;
	long dfd;

	if (argc != 2 || strlen(argv[1]) >= sizeof(dir) || chdir(argv[1]) ||
	    !getcwd(dir, sizeof(dir))) {
		fprintf(stderr, "usage: opener DIR (an existing directory)\n");
		return 2;
	}
	/* wait for the tracer: EOF or a byte, whichever comes */
	if (read(0, p, 1) < 0)
		return 1;

	at("exist", p, sizeof(p));
	report("openat", p, syscall(SYS_openat, AT_FDCWD, p, O_RDONLY));
	at("missing", p, sizeof(p));
	report("openat", p, syscall(SYS_openat, AT_FDCWD, p, O_RDONLY));
	at("created", p, sizeof(p));
	report("openat", p, syscall(SYS_openat, AT_FDCWD, p, O_WRONLY | O_CREAT | O_TRUNC, 0640));

	/* openat2 relative to a directory fd that is not the cwd */
	at("sub", p, sizeof(p));
	dfd = report_keep("openat", p, syscall(SYS_openat, AT_FDCWD, p, O_RDONLY | O_DIRECTORY));
	report("openat2", "rel", syscall(SYS_openat2, dfd, "rel", &how, sizeof(how)));
	close(dfd);

	/* relative to the cwd, for -F */
	report("openat", "sub/rel", syscall(SYS_openat, AT_FDCWD, "sub/rel", O_RDONLY));

	longp = malloc(LONG_PATH + 1);
	if (!longp)
		return 1;
	memset(longp, 'L', LONG_PATH);
	longp[0] = '/';
	longp[LONG_PATH] = 0;
	report("openat", "LONG", syscall(SYS_openat, AT_FDCWD, longp, O_RDONLY));

	/* an empty name (ENOENT) and a bad pointer (EFAULT), both relative to nothing */
	report("openat", "EMPTY", syscall(SYS_openat, AT_FDCWD, "", O_RDONLY));
	report("openat", "FAULT", syscall(SYS_openat, AT_FDCWD, (char *)8, O_RDONLY));

#ifdef SYS_open
	at("exist", p, sizeof(p));
	report("open", p, syscall(SYS_open, p, O_RDONLY | O_NONBLOCK));
#endif
#ifdef SYS_creat
	at("creat", p, sizeof(p));
	report("creat", p, syscall(SYS_creat, p, 0600));
#endif
	if (pthread_create(&t, NULL, thread_open, NULL) || pthread_join(t, NULL))
		return 1;
	return 0;
}
