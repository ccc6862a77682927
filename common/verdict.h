/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-applet requirements and the verdict they give on this kernel: what each applet needs,
 * the mechanisms it can use for each need in order of preference, and which one it will use.
 * The evaluation takes feature results as input, so tests can feed it any kernel.
 */
#ifndef BPFBOX_VERDICT_H
#define BPFBOX_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

#include "feature.h"

#define VERDICT_ALTS	4
#define VERDICT_NEEDS	7

#define FEAT_BIT(x)	(1ULL << FEAT_##x)

/* One way to meet a need: usable when every feature in `needs` works (0: always usable). */
struct verdict_alt {
	const char *label;	/* the mechanism, e.g. "fentry/fexit" */
	uint64_t needs;		/* FEAT_BIT() mask */
};

enum verdict_need_kind {
	NEED_REQUIRED,		/* missing: the applet cannot run */
	NEED_OPTIONAL,		/* missing: the applet runs without it ("limited") */
	NEED_PROBE_KIND,	/* optional, but one probe kind of the applet must be usable */
};

struct verdict_need {
	const char *role;	/* e.g. "kernel functions" */
	enum verdict_need_kind kind;
	struct verdict_alt alts[VERDICT_ALTS];	/* preferred first, label NULL ends */
};

struct verdict_applet {
	const char *applet;
	struct verdict_need needs[VERDICT_NEEDS];	/* role NULL ends */
};

enum verdict_kind {
	VERDICT_WORKS,		/* every need met by its preferred mechanism */
	VERDICT_FALLBACK,	/* some need met by a later alternative */
	VERDICT_LIMITED,	/* an optional need cannot be met */
	VERDICT_CANNOT,		/* a required need cannot be met */
};

struct verdict {
	enum verdict_kind kind;
	char detail[512];	/* the mechanisms used, or what is missing and why */
};

/* Every applet's requirements; the attach layer and applets follow the same preferences. */
extern const struct verdict_applet verdict_applets[];
extern const int verdict_napplets;

/*
 * Features every applet needs before anything else: privileges, BTF, and a kernel not locked
 * down for confidentiality (it refuses bpf_probe_read_kernel, which reads of kernel
 * structs compile to, as well as tracefs and perf events).
 */
#define VERDICT_BASE	(FEAT_BIT(PRIVILEGES) | FEAT_BIT(BTF) | FEAT_BIT(LOCKDOWN))

/*
 * Verdict for a, given the result of every feature (res[FEAT__COUNT]). Pure: no probing.
 */
void verdict__eval(const struct verdict_applet *a, const struct feature_result *res,
		   struct verdict *v);
/* The requirements of applet, or NULL. */
const struct verdict_applet *verdict__find(const char *applet);
/* The same on live probes. Returns -ENOENT for an unknown applet. */
int verdict__live(const char *applet, struct verdict *v);
/*
 * Which alternative of applet's role is usable here, preferred first: its index in alts[], or
 * -ENOENT (no such applet/role) or -EOPNOTSUPP (none usable). label (optional) gets its label.
 */
int verdict__pick(const char *applet, const char *role, const char **label);

/* "works", "fallback", "limited", "cannot". */
const char *verdict__kind_str(enum verdict_kind k);

#endif
