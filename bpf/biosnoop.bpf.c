// SPDX-License-Identifier: GPL-2.0
/*
 * biosnoop, kernel side: who submitted each request (block_io_start from 6.5, else
 * block_rq_insert, else the issuing task), its issue and its completion, all as raw tracepoints
 * keyed by the request pointer. Requests issued before we attached have no issue record and
 * are skipped, so they never print a made-up latency.
 */
#include "common.bpf.h"
#include "biosnoop.h"

const volatile __s64 filter_dev = -1;
const volatile bool filter_cgroup = false;	/* -c: the submitter must be under cgroup[0] */
const volatile __u64 min_lat_ns = 0;		/* -m */

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup SEC(".maps");

/* The current task (the submitter) passes -c. */
static __always_inline bool in_cgroup(void)
{
	return !filter_cgroup || bpf_current_task_under_cgroup(&cgroup, 0) == 1;
}

KFIELD(rq_q);
KFIELD(rq_start_time_ns);
KFIELD(rq_sector);
KFIELD(rq_data_len);
KFIELD(rq_cmd_flags);
/* a request named its disk itself until 5.16 removed rq_disk; since then only its queue does */
KFIELD(rq_rq_disk);
KFIELD(queue_disk);
KFIELD(disk_major);
KFIELD(disk_first_minor);

struct who {
	__u64 gen;		/* rq->start_time_ns when recorded: a reused request differs */
	__u64 ts;
	__u32 pid;
	__u32 keep;		/* passes -c */
	char comm[BIOSNOOP_COMM_LEN];
};

struct issue {
	__u64 gen;
	__u64 ts;
	__u64 queue_start;	/* 0: unknown */
	__u64 sector;
	__u32 dev;
	__u32 bytes;
	__u32 pid;
	__u32 cmd_flags;
	__u32 keep;		/* passes -c */
	__u32 pad;
	char comm[BIOSNOOP_COMM_LEN];
};

/*
 * Submitters of requests not yet issued. LRU: a request merged into another is freed without
 * an issue, and its entry must age out rather than fill the map.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct who);
} whos SEC(".maps");

/* Requests issued and not yet completed. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct issue);
} issues SEC(".maps");

static __always_inline __u32 rq_dev(void *rq)
{
	void *disk;

	if (kf_rq_rq_disk != KFIELD_ABSENT)
		disk = kread(void *, rq, kf_rq_rq_disk);
	else if (kf_queue_disk != KFIELD_ABSENT)
		disk = kread(void *, kread(void *, rq, kf_rq_q), kf_queue_disk);
	else
		return 0;
	if (!disk)
		return 0;
	return (kread(__u32, disk, kf_disk_major) << 20) | kread(__u32, disk, kf_disk_first_minor);
}

/* The current task submitted rq; an existing record of the same request wins unless told. */
static __always_inline int record_who(void *rq, bool overwrite)
{
	__u64 key = (__u64)rq, gen = kread(__u64, rq, kf_rq_start_time_ns);
	struct who w = { .gen = gen }, *old;

	if (filter_dev >= 0 && rq_dev(rq) != filter_dev)
		return 0;
	if (!overwrite) {
		old = bpf_map_lookup_elem(&whos, &key);
		if (old && old->gen == gen)
			return 0;
	}
	w.ts = bpf_ktime_get_ns();
	w.pid = bpf_get_current_pid_tgid() >> 32;
	w.keep = in_cgroup();
	bpf_get_current_comm(w.comm, sizeof(w.comm));
	bpf_map_update_elem(&whos, &key, &w, BPF_ANY);
	return 0;
}

static __always_inline int on_issue(void *rq)
{
	__u64 key = (__u64)rq, gen = kread(__u64, rq, kf_rq_start_time_ns);
	struct issue i = { .gen = gen }, *prev;
	struct who *w;
	__u32 dev = rq_dev(rq);

	if (filter_dev >= 0 && dev != filter_dev)
		return 0;
	i.ts = bpf_ktime_get_ns();
	i.dev = dev;
	i.sector = kread(__u64, rq, kf_rq_sector);
	i.bytes = kread(__u32, rq, kf_rq_data_len);
	i.cmd_flags = kread(__u32, rq, kf_rq_cmd_flags);
	/* start_time_ns is when the request was made (0 if the queue keeps no time stamps) */
	i.queue_start = gen && gen <= i.ts ? gen : 0;

	w = bpf_map_lookup_elem(&whos, &key);
	prev = bpf_map_lookup_elem(&issues, &key);
	if (w && (w->gen == gen || !gen)) {
		i.pid = w->pid;
		i.keep = w->keep;
		__builtin_memcpy(i.comm, w->comm, sizeof(i.comm));
		if (!i.queue_start)
			i.queue_start = w->ts;
	} else if (prev && prev->gen == gen && gen) {
		/* issued again after a requeue: same submitter, same start */
		i.pid = prev->pid;
		i.keep = prev->keep;
		__builtin_memcpy(i.comm, prev->comm, sizeof(i.comm));
		i.queue_start = prev->queue_start;
	} else {
		/* issued directly by its submitter, or made before we attached */
		i.pid = bpf_get_current_pid_tgid() >> 32;
		i.keep = in_cgroup();
		bpf_get_current_comm(i.comm, sizeof(i.comm));
	}
	if (w)
		bpf_map_delete_elem(&whos, &key);
	if (bpf_map_update_elem(&issues, &key, &i, BPF_ANY))
		__sync_fetch_and_add(&lost_events, 1);
	return 0;
}

static __always_inline int on_complete(void *rq)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_ns();
	struct biosnoop_event *e;
	struct issue *i;

	i = bpf_map_lookup_elem(&issues, &key);
	if (!i)
		return 0;	/* issued before we attached, or filtered */
	if (!i->keep || now - i->ts < min_lat_ns)
		goto out;
	e = reserve(sizeof(*e));
	if (e) {
		e->ts = now;
		e->sector = i->sector;
		e->lat_ns = now - i->ts;
		e->queue_ns = i->queue_start ? i->ts - i->queue_start : BIOSNOOP_NO_QUEUE;
		e->dev = i->dev;
		e->bytes = i->bytes;
		e->pid = i->pid;
		e->cmd_flags = i->cmd_flags;
		__builtin_memcpy(e->comm, i->comm, sizeof(e->comm));
		submit(e);
	}
out:
	/* a partial completion fires again for the rest: one line per request */
	bpf_map_delete_elem(&issues, &key);
	return 0;
}

/*
 * 5.10 passes (q, rq) to the block_rq_{insert,issue} tracepoints, 5.11+ only rq. User space
 * reads the running kernel's signature from BTF and loads the matching program: a raw
 * tracepoint program may not read past the tracepoint's arguments.
 */
#define RQ_PROG(prog, tp, call)						\
	SEC("raw_tp/" tp)							\
	int prog(struct bpf_raw_tracepoint_args *ctx)				\
	{									\
		return call;							\
	}

RQ_PROG(io_start, "block_io_start", record_who((void *)ctx->args[0], true))
RQ_PROG(rq_insert, "block_rq_insert", record_who((void *)ctx->args[0], false))
RQ_PROG(rq_insert_q, "block_rq_insert", record_who((void *)ctx->args[1], false))
RQ_PROG(rq_issue, "block_rq_issue", on_issue((void *)ctx->args[0]))
RQ_PROG(rq_issue_q, "block_rq_issue", on_issue((void *)ctx->args[1]))
RQ_PROG(rq_complete, "block_rq_complete", on_complete((void *)ctx->args[0]))
