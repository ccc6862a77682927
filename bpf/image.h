/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process image as the kernel names it, shared by both sides: the stack applets announce
 * each image whose user stacks they record (bpf/image.bpf.h), so that user space snapshots its
 * mappings while it lives (stacks__image_record) and symbolizes its stacks after it exited.
 */
#ifndef BPFBOX_IMAGE_H
#define BPFBOX_IMAGE_H

/*
 * One image: the tgid, the start time of its thread-group leader (boot time, ns; pid reuse
 * tells apart) and its exec count (self_exec_id; each exec its own mappings). Sent on the
 * applet's ring at the image's first user stack; 16 bytes, a size no other record has.
 */
struct image_id {
	__u64 start_ns;
	__u32 pid;
	__u32 exec_id;
};

#endif
