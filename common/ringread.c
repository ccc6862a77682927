// SPDX-License-Identifier: GPL-2.0
/* BPF ring buffer reader with the data mapped once (see ringread.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ringread.h"

/*
 * The ring's layout, as the kernel maps it from offset 0: a page holding the consumer
 * position (the only part the reader may write), a page holding the producer position, then
 * the data. Each record is an 8-byte header (length, with a busy and a discard bit, then the
 * kernel's page offset) and the record, padded to 8 bytes; positions only grow.
 */
struct ringread {
	unsigned long *consumer;
	const unsigned long *producer;	/* producer page, the data following it */
	const char *data;
	size_t size, page;
	char *copy;			/* a wrapping record, put together */
	size_t copy_size;
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
	r->size = info.max_entries;
	r->page = sysconf(_SC_PAGESIZE);
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->consumer = p;
	p = mmap(NULL, r->page + r->size, PROT_READ, MAP_SHARED, map_fd, r->page);
	if (p == MAP_FAILED)
		goto fail;
	r->producer = p;
	r->data = (const char *)p + r->page;
	*rp = r;
	return 0;
fail:
	err = -errno;
	ringread__free(r);
	return err;
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

/* The record of LEN bytes at data offset OFF, in one piece: in place, or copied when it wraps. */
static void *record_at(struct ringread *r, size_t off, size_t len)
{
	size_t first = r->size - off;

	if (len <= first)
		return (void *)(r->data + off);
	if (len > r->copy_size) {
		char *c = realloc(r->copy, len);

		if (!c)
			return NULL;
		r->copy = c;
		r->copy_size = len;
	}
	memcpy(r->copy, r->data + off, first);
	memcpy(r->copy + first, r->data, len - first);
	return r->copy;
}

int ringread__consume(struct ringread *r, ringread_fn fn, void *ctx)
{
	unsigned long cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE), prod;
	size_t mask = r->size - 1;

	while (cons < (prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE))) {
		while (cons < prod) {
			const __u32 *hdr = (const __u32 *)(r->data + (cons & mask));
			__u32 word = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t len = word & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			int rc = 0;

			if (word & BPF_RINGBUF_BUSY_BIT)
				return 0;	/* still being written: the rest waits for it */
			if (len > r->size - BPF_RINGBUF_HDR_SZ)
				return -EINVAL;
			if (!(word & BPF_RINGBUF_DISCARD_BIT)) {
				void *rec = record_at(r, (cons + BPF_RINGBUF_HDR_SZ) & mask, len);

				if (!rec)
					return -ENOMEM;
				rc = fn(ctx, rec, len);
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
		munmap((void *)r->producer, r->page + r->size);
	free(r->copy);
	free(r);
}
