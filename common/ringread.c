// SPDX-License-Identifier: GPL-2.0
/* BPF ring buffer reader with the data mapped once (see ringread.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ringread.h"

/*
 * The ring's layout, as the kernel maps it from offset 0: a page holding the consumer
 * position (the only part the reader may write), a page holding the producer position, then
 * the data, which the kernel's own mapping holds twice in a row, so that a record that wraps
 * around the end continues in the second copy. Each record is an 8-byte header (length, with
 * a busy and a discard bit, then the kernel's page offset) and the record, padded to 8
 * bytes; positions only grow.
 *
 * The kernel puts every page of a mapping in place at mmap time, so whatever is mapped
 * counts in the resident size. Only a window of the data is mapped, from the record being
 * read onwards, into address space reserved for the largest record; when a record runs past
 * it, the window moves (one mmap over the old one).
 */
#define WINDOW (64u << 10)

struct ringread {
	unsigned long *consumer;
	const unsigned long *producer;
	char *area;			/* reserved: area_len bytes, the window at its start */
	size_t size, page, area_len;
	size_t win_off, win_len;	/* data offsets mapped at area (in the doubled data) */
	int fd;
};

int ringread__open(struct ringread **rp, int map_fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct ringread *r;
	void *p;
	int err;

	if (bpf_map_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->fd = map_fd;
	r->size = info.max_entries;
	r->page = sysconf(_SC_PAGESIZE);
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->consumer = p;
	p = mmap(NULL, r->page, PROT_READ, MAP_SHARED, map_fd, r->page);
	if (p == MAP_FAILED)
		goto fail;
	r->producer = p;
	/* address space only: nothing resident until a window is mapped over it; a record
	 * (at most size bytes with its header) may start anywhere in its first page */
	r->area_len = r->size + r->page;
	p = mmap(NULL, r->area_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->area = p;
	*rp = r;
	return 0;
fail:
	err = -errno;
	ringread__free(r);
	return err;
}

/*
 * The LEN bytes at data offset OFF (below size; LEN at most size), mapped: moves the window
 * to start at OFF's page when they are not all inside it. Returns them or NULL (errno set).
 */
static const char *window(struct ringread *r, size_t off, size_t len)
{
	size_t start = off & ~(r->page - 1), need = off + len - start, map_len = WINDOW;
	void *p;

	if (off >= r->win_off && off + len <= r->win_off + r->win_len)
		return r->area + (off - r->win_off);
	if (map_len < need)
		map_len = (need + r->page - 1) & ~(r->page - 1);
	if (map_len > r->area_len)
		map_len = r->area_len;
	/* the old window's pages past the new one go back to reserved address space */
	if (r->win_len > map_len &&
	    mmap(r->area + map_len, r->win_len - map_len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		return NULL;
	r->win_len = 0;
	p = mmap(r->area, map_len, PROT_READ, MAP_SHARED | MAP_FIXED, r->fd,
		 2 * r->page + start);
	if (p == MAP_FAILED)
		return NULL;
	r->win_off = start;
	r->win_len = map_len;
	return r->area + (off - start);
}

size_t ringread__size(const struct ringread *r)
{
	return r->size;
}

size_t ringread__avail(const struct ringread *r)
{
	return __atomic_load_n(r->producer, __ATOMIC_ACQUIRE) -
	       __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
}

int ringread__consume(struct ringread *r, ringread_fn fn, void *ctx)
{
	unsigned long cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE), prod;
	size_t mask = r->size - 1;

	while (cons < (prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE))) {
		while (cons < prod) {
			const char *rec = window(r, cons & mask, BPF_RINGBUF_HDR_SZ);
			__u32 word;
			size_t len;
			int rc = 0;

			if (!rec)
				return -errno;
			word = __atomic_load_n((const __u32 *)rec, __ATOMIC_ACQUIRE);
			len = word & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			if (word & BPF_RINGBUF_BUSY_BIT)
				return 0;	/* still being written: the rest waits for it */
			if (len > r->size - BPF_RINGBUF_HDR_SZ)
				return -EINVAL;
			if (!(word & BPF_RINGBUF_DISCARD_BIT)) {
				rec = window(r, cons & mask, BPF_RINGBUF_HDR_SZ + len);
				if (!rec)
					return -errno;
				rc = fn(ctx, (void *)(rec + BPF_RINGBUF_HDR_SZ), len);
			}
			cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
			__atomic_store_n(r->consumer, cons, __ATOMIC_RELEASE);
			if (rc)
				return rc;
		}
	}
	return 0;
}

void ringread__free(struct ringread *r)
{
	if (!r)
		return;
	if (r->consumer)
		munmap(r->consumer, r->page);
	if (r->producer)
		munmap((void *)r->producer, r->page);
	if (r->area)
		munmap(r->area, r->area_len);
	free(r);
}
