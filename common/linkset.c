// SPDX-License-Identifier: GPL-2.0
/* One owned set of links and fds, released concurrently (see linkset.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "linkset.h"

/* Threads besides the caller: enough to overlap waits, few enough to start in microseconds. */
#define LINKSET_THREADS 7
#define LINKSET_STACK (64 * 1024)

struct member {
	struct bpf_link *link;	/* NULL: a bare fd */
	int fd;
};

struct linkset {
	struct member *m;
	size_t n, cap;
	size_t next;		/* next member to release, taken atomically by the workers */
};

struct linkset *linkset__new(void)
{
	return calloc(1, sizeof(struct linkset));
}

static int push(struct linkset *s, struct member m)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct member *nm = realloc(s->m, cap * sizeof(*nm));

		if (!nm)
			return -ENOMEM;
		s->m = nm;
		s->cap = cap;
	}
	s->m[s->n++] = m;
	return 0;
}

int linkset__add(struct linkset *s, struct bpf_link *link)
{
	int err;

	if (!link)
		return errno ? -errno : -EINVAL;
	err = push(s, (struct member){ .link = link, .fd = -1 });
	if (err)
		bpf_link__destroy(link);
	return err;
}

int linkset__add_fd(struct linkset *s, int fd)
{
	int err;

	if (fd < 0)
		return -EBADF;
	err = push(s, (struct member){ .fd = fd });
	if (err)
		close(fd);
	return err;
}

size_t linkset__count(const struct linkset *s)
{
	return s ? s->n : 0;
}

static void *worker(void *arg)
{
	struct linkset *s = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED)) < s->n) {
		if (s->m[i].link)
			bpf_link__destroy(s->m[i].link);
		else
			close(s->m[i].fd);
	}
	return NULL;
}

void linkset__release(struct linkset *s)
{
	pthread_t t[LINKSET_THREADS];
	pthread_attr_t attr;
	int started = 0;

	if (!s || !s->n)
		return;
	s->next = 0;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, LINKSET_STACK);
	/* one member needs no helper; a thread that fails to start leaves its share to the rest */
	for (size_t k = 1; k < s->n && started < LINKSET_THREADS; k++)
		if (!pthread_create(&t[started], &attr, worker, s))
			started++;
	pthread_attr_destroy(&attr);
	worker(s);
	while (started)
		pthread_join(t[--started], NULL);
	s->n = 0;
}

void linkset__free(struct linkset *s)
{
	if (!s)
		return;
	linkset__release(s);
	free(s->m);
	free(s);
}
