/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stacks stored under a 64-bit hash of their frames (profile, stackcount), not under BPF stack
 * map ids: a stack map keeps one stack per hash bucket and loses the second of two colliding
 * stacks (-EEXIST), which with BCC's sizes happens a few times in a run of a few hundred.
 * The includer has included common.bpf.h; user space sizes `stacks` (entries, and a value of
 * depth * 8 bytes) and sets stack_bytes to match before load.
 */
#ifndef BPFBOX_STACKHASH_BPF_H
#define BPFBOX_STACKHASH_BPF_H

#define STACKHASH_DEPTH_DEFAULT 127	/* kernel.perf_event_max_stack's default */
#define STACKHASH_DEPTH_LIMIT 1024	/* a power of two: indexes are masked with it */

#define EFAULT_ 14
#define ENOMEM_ 12
#define EEXIST_ 17

const volatile __u32 stack_bytes = STACKHASH_DEPTH_DEFAULT * sizeof(__u64);	/* depth * 8 */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__uint(value_size, STACKHASH_DEPTH_DEFAULT * sizeof(__u64));
} stacks SEC(".maps");

/* Where a stack is taken before it is hashed and stored. */
struct stackhash_frames {
	__u64 ips[STACKHASH_DEPTH_LIMIT];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stackhash_frames);
} scratch SEC(".maps");

/*
 * Takes the current stack (user with BPF_F_USER_STACK, else kernel) into the stacks table;
 * sets *hash, returns 0 or -errno: -EFAULT no such stack (the user stack of a kernel thread),
 * -ENOMEM the table is full.
 */
static __always_inline int take_stack(void *ctx, __u64 flags, __u64 *hash)
{
	__u32 zero = 0, n;
	struct stackhash_frames *f = bpf_map_lookup_elem(&scratch, &zero);
	__u64 h = 0xcbf29ce484222325ull;
	long len;
	int err;

	if (!f)
		return -ENOMEM_;
	/* the helper zeroes the buffer past the frames it copies: equal stacks, equal bytes */
	len = bpf_get_stack(ctx, f->ips, stack_bytes, flags);
	if (len <= 0)
		return len < 0 ? (int)len : -EFAULT_;
	n = (__u32)len / sizeof(__u64);
	for (__u32 i = 0; i < STACKHASH_DEPTH_LIMIT; i++) {
		__u64 x;

		if (i >= n)
			break;
		/* a 64-bit mix per frame: collisions of distinct stacks are out of reach */
		x = f->ips[i & (STACKHASH_DEPTH_LIMIT - 1)] ^ h;
		x ^= x >> 33;
		x *= 0xff51afd7ed558ccdull;
		x ^= x >> 33;
		h = x * 0xc4ceb9fe1a85ec53ull + i;
	}
	h ^= n;
	*hash = h;
	if (bpf_map_lookup_elem(&stacks, &h))
		return 0;
	err = bpf_map_update_elem(&stacks, &h, f->ips, BPF_NOEXIST);
	/* -EEXIST: another CPU stored the same stack meanwhile */
	if (err && err != -EEXIST_)
		return -ENOMEM_;
	return 0;
}

__u64 hash_full = 0;		/* hits dropped: the counts table was full */

/* Adds one to key's count in counts, a hash of __u64 values; counts a drop when it is full. */
static __always_inline void count_key(void *counts, const void *key)
{
	__u64 *val, one = 1;

	val = bpf_map_lookup_elem(counts, key);
	if (val) {
		__sync_fetch_and_add(val, 1);
		return;
	}
	if (!bpf_map_update_elem(counts, key, &one, BPF_NOEXIST))
		return;
	/* another CPU may have added the key in between */
	val = bpf_map_lookup_elem(counts, key);
	if (val)
		__sync_fetch_and_add(val, 1);
	else
		__sync_fetch_and_add(&hash_full, 1);
}

#endif
