// SPDX-License-Identifier: GPL-2.0
/* Exec scenarios for the execsnoop tests: plain, failing, from a thread, as another user, no argv. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char **target;

static void *exec_from_thread(void *arg)
{
	execv(target[0], target);
	perror("execv");
	exit(127);
}

static void *idle_thread(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 2)
		return 2;
	target = argv + 2;
	if (!strcmp(argv[1], "noop"))
		return 0;
	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "exec")) {		/* exec PATH ARGS... */
		execv(target[0], target);
	} else if (!strcmp(argv[1], "at")) {	/* at PATH ARGS...: execveat(dirfd of PATH, name) */
		char dir[4096], name[4096];
		int fd;

		snprintf(dir, sizeof(dir), "%s", target[0]);
		snprintf(name, sizeof(name), "%s", target[0]);
		fd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			perror(dir);
		syscall(SYS_execveat, fd, basename(name), target, NULL, 0);
	} else if (!strcmp(argv[1], "noargv")) {	/* noargv PATH ENV...: an empty argv */
		char *none[] = { NULL };

		execve(target[0], none, argv + 3);
	} else if (!strcmp(argv[1], "fail")) {	/* fail PATH ARGS...: PATH must not exist */
		execv(target[0], target);
		return errno == ENOENT ? 0 : 1;
	} else if (!strcmp(argv[1], "thread")) {	/* a non-leader thread execs */
		pthread_create(&t, NULL, exec_from_thread, NULL);
		for (;;)
			pause();
	} else if (!strcmp(argv[1], "mt")) {	/* the leader execs while another thread runs */
		pthread_create(&t, NULL, idle_thread, NULL);
		usleep(10000);
		execv(target[0], target);
	} else if (!strcmp(argv[1], "asuser")) {	/* drop to uid 65534, then exec */
		if (setgid(65534) || setuid(65534))
			return 1;
		execv(target[0], target);
	} else if (!strcmp(argv[1], "child")) {	/* a child execs, so its parent is this process */
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execv(target[0], target);
			_exit(127);
		}
		waitpid(pid, &st, 0);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	} else if (!strcmp(argv[1], "loop")) {	/* loop N PATH ARGS...: exec N children */
		int n = atoi(argv[2]);

		target = argv + 3;
		for (int i = 0; i < n; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				execv(target[0], target);
				_exit(127);
			}
			waitpid(pid, NULL, 0);
			usleep(20000);
		}
		return 0;
	}
	perror("execv");
	return 127;
}
