// SPDX-License-Identifier: GPL-2.0
/*
 * Measures how long a tracer takes from its start to its first event line: starts the
 * command with stdout and stderr on pipes, execs a trigger program every millisecond until
 * a stdout line names the trigger, and prints the elapsed microseconds, then those until
 * "Ready." appeared on stderr (-1 when it did not; bpfbox says it under BPFBOX_READY=1),
 * then the tracer's peak RSS in kB (VmHWM) and the microseconds from SIGINT to its exit.
 *
 *   firstevent [-i INTERVAL_US] [-t TIMEOUT_MS] TRIGGER CMD [ARG...]
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* One pipe read line by line; a line that matches stamps the time. */
struct stream {
	int fd;
	const char *match;
	bool echo;		/* copy the other lines to our stderr */
	long long at;		/* -1 until a line matched */
	size_t used;
	char buf[8192];
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void usage(void)
{
	fputs("usage: firstevent [-i INTERVAL_US] [-t TIMEOUT_MS] TRIGGER CMD [ARG...]\n", stderr);
	exit(2);
}

/* Reads what is there; returns false at end of file. */
static bool stream_read(struct stream *s, long long start)
{
	ssize_t n = read(s->fd, s->buf + s->used, sizeof(s->buf) - 1 - s->used);
	char *nl;

	if (n <= 0)
		return n < 0 && errno == EINTR;
	s->used += n;
	s->buf[s->used] = 0;
	while ((nl = strchr(s->buf, '\n'))) {
		*nl = 0;
		if (s->at < 0 && strstr(s->buf, s->match))
			s->at = now_us() - start;
		else if (s->echo)
			fprintf(stderr, "%s\n", s->buf);
		s->used -= nl + 1 - s->buf;
		memmove(s->buf, nl + 1, s->used + 1);
	}
	if (s->used == sizeof(s->buf) - 1)
		s->used = 0;	/* a line this long names nothing we wait for */
	return true;
}

/* Reaps finished triggers; returns true once the tracer itself has exited. */
static bool reap(pid_t tracer)
{
	bool gone = false;
	pid_t p;

	while ((p = waitpid(-1, NULL, WNOHANG)) > 0)
		if (p == tracer)
			gone = true;
	return gone;
}

/* VmHWM of PID in kB, or -1. */
static long peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	long interval_us = 1000, timeout_ms = 10000;
	struct stream out = { .match = NULL, .at = -1 };
	struct stream err = { .match = "Ready.", .echo = true, .at = -1 };
	char *trigger_argv[3];
	int c, o[2], e[2];
	bool gone = false, open_err = true;
	long long start, next;
	pid_t tracer, p;
	long long exit_us = -1;
	long hwm;

	while ((c = getopt(argc, argv, "+i:t:")) != -1) {
		if (c == 'i')
			interval_us = atol(optarg);
		else if (c == 't')
			timeout_ms = atol(optarg);
		else
			usage();
	}
	if (argc - optind < 2 || interval_us <= 0 || timeout_ms <= 0)
		usage();
	trigger_argv[0] = argv[optind];
	trigger_argv[1] = "firstevent";
	trigger_argv[2] = NULL;
	out.match = strrchr(trigger_argv[0], '/');
	out.match = out.match ? out.match + 1 : trigger_argv[0];
	if (pipe(o) || pipe(e))
		return perror("pipe"), 1;

	start = now_us();
	tracer = fork();
	if (tracer < 0)
		return perror("fork"), 1;
	if (!tracer) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(o[1]);
		close(e[0]);
		close(e[1]);
		execvp(argv[optind + 1], &argv[optind + 1]);
		perror(argv[optind + 1]);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	out.fd = o[0];
	err.fd = e[0];

	next = start + interval_us;
	while (out.at < 0 && !gone && now_us() - start < timeout_ms * 1000LL) {
		struct pollfd pfd[2] = { { .fd = out.fd, .events = POLLIN },
					 { .fd = open_err ? err.fd : -1, .events = POLLIN } };
		long long wait = next - now_us();

		if (poll(pfd, 2, wait > 0 ? (int)((wait + 999) / 1000) : 0) > 0) {
			if (pfd[0].revents && !stream_read(&out, start))
				break;
			if (pfd[1].revents && !stream_read(&err, start))
				open_err = false;
		}
		if (out.at < 0 && now_us() >= next) {
			if (posix_spawn(&p, trigger_argv[0], NULL, NULL, trigger_argv, environ))
				return perror(trigger_argv[0]), 1;
			next += interval_us;
		}
		gone = reap(tracer);
	}
	/* SIGINT to exit, with the pipes still read so that output cannot block it */
	hwm = peak_rss_kb(tracer);
	if (!gone) {
		long long sent = now_us();

		kill(tracer, SIGINT);
		while (!(gone = reap(tracer)) && now_us() - sent < 3000000) {
			struct pollfd pfd[2] = { { .fd = out.fd, .events = POLLIN },
						 { .fd = err.fd, .events = POLLIN } };
			char sink[4096];

			if (poll(pfd, 2, 1) > 0) {
				if (pfd[0].revents && read(out.fd, sink, sizeof(sink)) <= 0)
					out.fd = -1;
				if (pfd[1].revents && read(err.fd, sink, sizeof(sink)) <= 0)
					err.fd = -1;
			}
		}
		exit_us = gone ? now_us() - sent : -1;
		if (!gone && !kill(tracer, SIGKILL))
			waitpid(tracer, NULL, 0);
	}
	close(o[0]);
	close(e[0]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	if (out.at < 0) {
		fprintf(stderr, "firstevent: no line naming %s from %s\n", out.match, argv[optind + 1]);
		return 1;
	}
	printf("%lld %lld %ld %lld\n", out.at, err.at, hwm, exit_us);
	return 0;
}
