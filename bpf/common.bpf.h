/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel-side pieces every applet shares: the event ring buffer and its lost counter. */
#ifndef BPFBOX_COMMON_BPF_H
#define BPFBOX_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* User space sizes it before load (bpf_map__set_max_entries). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* Records that did not fit in the ring buffer; read and reported by the run loop. */
__u64 lost_events = 0;

/*
 * Records go in without waking the reader, which drains every few milliseconds; a wake-up
 * per record costs more than the record. Past a quarter of the ring the reader is woken at
 * once so bursts do not overflow.
 */
static __always_inline __u64 ringbuf_wake_flag(void)
{
	__u64 size = bpf_ringbuf_query(&events, BPF_RB_RING_SIZE);

	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > size / 4 ? BPF_RB_FORCE_WAKEUP
									 : BPF_RB_NO_WAKEUP;
}

/* Copies len bytes of data into the ring; counts the loss when it is full. */
static __always_inline int emit(void *data, __u64 len)
{
	if (bpf_ringbuf_output(&events, data, len, ringbuf_wake_flag())) {
		__sync_fetch_and_add(&lost_events, 1);
		return -1;
	}
	return 0;
}

static __always_inline void *reserve(__u64 len)
{
	void *p = bpf_ringbuf_reserve(&events, len, 0);

	if (!p)
		__sync_fetch_and_add(&lost_events, 1);
	return p;
}

static __always_inline void submit(void *p)
{
	bpf_ringbuf_submit(p, ringbuf_wake_flag());
}

#endif
