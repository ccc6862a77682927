/* SPDX-License-Identifier: GPL-2.0 */
/*
 * First sight of process images, for the applets that print user stacks (profile,
 * stackcount, trace): each new image is announced on the events ring before the record that
 * needs its mappings, so user space reads them while the process lives. The includer has
 * included common.bpf.h.
 */
#ifndef BPFBOX_IMAGE_BPF_H
#define BPFBOX_IMAGE_BPF_H

#include "image.h"

/* Images already announced, by tgid. LRU: a full table must not turn every later hit into an
 * announcement. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct image_id);
} seen_images SEC(".maps");

KFIELD(task_group_leader);
KFIELD(task_start_boottime);
KFIELD(task_self_exec_id);
KFIELD(task_mm);
KFIELD(mm_start_code);

/* The current task's image; pid 0 (and nothing else set) for the idle task. */
static __always_inline void image_current(struct image_id *img)
{
	void *t = (void *)bpf_get_current_task();

	img->pid = bpf_get_current_pid_tgid() >> 32;
	img->start_ns = 0;
	img->exec_id = 0;
	if (!img->pid)
		return;
	/* a thread that execs takes over its leader's start time (de_thread) */
	img->start_ns = kread(__u64, kread(void *, t, kf_task_group_leader),
			      kf_task_start_boottime);
	img->exec_id = (__u32)kread(__u64, t, kf_task_self_exec_id);
}

/* Announces img unless it was the last image announced for its tgid. */
static __always_inline void image_announce(const struct image_id *img)
{
	struct image_id *old;

	if (!img->pid)
		return;
	old = bpf_map_lookup_elem(&seen_images, &img->pid);
	if (old && old->start_ns == img->start_ns && old->exec_id == img->exec_id)
		return;
	/* Mid-exec, the task has its new exec id and mm before the loader maps the program;
	 * mm->start_code is set once it has. A snapshot taken earlier would hold no text. */
	if (!kread(__u64, kread(void *, (void *)bpf_get_current_task(), kf_task_mm),
		   kf_mm_start_code))
		return;
	/* a lost announcement (ring full) is retried at the next hit */
	if (!emit((void *)img, sizeof(*img)))
		bpf_map_update_elem(&seen_images, &img->pid, img, BPF_ANY);
}

#endif
