/* SPDX-License-Identifier: GPL-2.0 */
/* argdist, both sides: the aggregation key and per-probe settings. */
#ifndef BPFBOX_ARGDIST_H
#define BPFBOX_ARGDIST_H

#define AGG_VALS 4		/* key values of one specifier */
#define AGG_STR 80		/* bytes of a string key part (-z at most) */

struct agg_key {
	__u32 probe;		/* the specifier (not the target): the cookie's owner */
	__u32 pad;
	__u64 val[AGG_VALS];	/* -H: val[0] is the log2 slot */
	char str[AGG_STR];	/* the string part, when the specifier has one */
};

struct agg_probe {
	__u32 spec;		/* the specifier this target belongs to */
	__u32 hist;		/* -H */
	__s32 str_slot;		/* value that is a string, or -1 */
	__u32 nvals;		/* values in the key (the rest stay 0) */
	__u32 entry;		/* 1: an entry probe saving for its return probe ($latency, $entry);
				 * 2: a return probe that uses the save */
	__u32 pad;
};

#endif
