// SPDX-License-Identifier: GPL-2.0
/* Per-applet requirements (data) and the verdict they give on the features probed here. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verdict.h"

/*
 * Needs shared by several applets, preferred mechanism first (DESIGN §3). Only what the
 * applets implement: they ask verdict__pick() which alternative to use, so this table is
 * both check-config's answer and the applets' choice.
 */
#define NEED_RINGBUF \
	{ "event output", NEED_REQUIRED, { { "ring buffer", FEAT_BIT(RINGBUF) } } }
/*
 * The probe engine's applets (probe_attach.c maps each label to its mechanism). fentry, a
 * program per function, for funccount and stackcount only: trace and argdist on fentry hung
 * a 5.10 guest in argdist's tests (not understood yet; 5.10's trampolines have no recursion
 * guard, and argdist's entry saves allocate), so they stay on kprobes.
 */
#define NEED_KFUNCS_FENTRY \
	{ "kernel functions", NEED_PROBE_KIND, { \
		{ "kprobe.multi", FEAT_BIT(KPROBE_MULTI) }, \
		{ "fentry/fexit", FEAT_BIT(FENTRY) }, \
		{ "kprobe", FEAT_BIT(KPROBE) } } }
#define NEED_KFUNCS \
	{ "kernel functions", NEED_PROBE_KIND, { \
		{ "kprobe.multi", FEAT_BIT(KPROBE_MULTI) }, \
		{ "kprobe", FEAT_BIT(KPROBE) } } }
#define NEED_PROBES \
	{ "user functions", NEED_PROBE_KIND, { \
		{ "uprobe.multi", FEAT_BIT(UPROBE_MULTI) }, \
		{ "uprobe", FEAT_BIT(UPROBE) } } }, \
	{ "tracepoints", NEED_PROBE_KIND, { { "classic tracepoints", FEAT_BIT(TRACEPOINT) } } }, \
	{ "USDT probes", NEED_PROBE_KIND, { { "USDT (uprobes)", FEAT_BIT(UPROBE) } } }, \
	/* one program serves every target of a mechanism, told apart by cookie; else a copy \
	 * of the object per target, its index in rodata (probe_attach__copies) */ \
	{ "probe ids", NEED_REQUIRED, { { "BPF cookies", FEAT_BIT(COOKIE) }, \
		{ "one program per probe", 0 } } }
#define NEED_KSYMS \
	{ "kernel symbols", NEED_OPTIONAL, { { "/proc/kallsyms", FEAT_BIT(KALLSYMS) } } }

/* The applets of main.c's table, no others. */
const struct verdict_applet verdict_applets[] = {
	/* raw sys_enter/sys_exit tracepoints: released without a grace period each */
	{ "execsnoop", {
		{ "exec events", NEED_REQUIRED, {
			{ "raw syscall tracepoints", FEAT_BIT(RAW_TP) } } },
		NEED_RINGBUF } },
	{ "opensnoop", {
		{ "open events", NEED_REQUIRED, {
			{ "tp_btf + raw syscall tracepoints", FEAT_BIT(TP_BTF) | FEAT_BIT(RAW_TP) },
			{ "raw syscall tracepoints", FEAT_BIT(RAW_TP) } } },
		NEED_RINGBUF } },
	{ "biosnoop", {
		{ "block events", NEED_REQUIRED, {
			{ "raw_tp", FEAT_BIT(RAW_TP) | FEAT_BIT(BLOCK_TP) } } },
		NEED_RINGBUF } },
	/* stacks come from bpf_get_stack() (4.18) into a hash map, new pids by ring buffer */
	{ "profile", {
		{ "sampling", NEED_REQUIRED, { { "cpu-clock perf events", FEAT_BIT(PERF_EVENT) } } },
		NEED_RINGBUF, NEED_KSYMS } },
	{ "funccount", { NEED_KFUNCS_FENTRY, NEED_PROBES } },
	/* stacks from bpf_get_stack() (4.18), stored by hash; new pids by ring buffer */
	{ "stackcount", { NEED_KFUNCS_FENTRY, NEED_PROBES, NEED_RINGBUF, NEED_KSYMS } },
	/* the expression VM steps with bpf_loop, else a bounded loop of global-function calls */
	{ "trace", { NEED_KFUNCS, NEED_PROBES, NEED_RINGBUF,
		{ "expressions", NEED_REQUIRED, {
			{ "bpf_loop", FEAT_BIT(BPF_LOOP) }, { "bounded loop", 0 } } } } },
	{ "argdist", { NEED_KFUNCS, NEED_PROBES,
		{ "expressions", NEED_REQUIRED, {
			{ "bpf_loop", FEAT_BIT(BPF_LOOP) }, { "bounded loop", 0 } } } } },
};

const int verdict_napplets = sizeof(verdict_applets) / sizeof(verdict_applets[0]);

struct buf {
	char *s;
	size_t n, len;
};

static void add(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->len >= b->n)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->s + b->len, b->n - b->len, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->len = b->len + w < b->n ? b->len + w : b->n - 1;
}

/* First feature of mask that does not work, or -1. */
static int first_missing(uint64_t mask, const struct feature_result *res)
{
	for (int i = 0; i < FEAT__COUNT; i++)
		if ((mask & (1ULL << i)) && res[i].status != FEATURE_WORKS)
			return i;
	return -1;
}

/* Names of the features of mask that do not work, comma separated. */
static void add_missing(struct buf *b, uint64_t mask, const struct feature_result *res,
			bool *first)
{
	for (int i = 0; i < FEAT__COUNT; i++) {
		if (!(mask & (1ULL << i)) || res[i].status == FEATURE_WORKS)
			continue;
		add(b, "%s%s", *first ? "" : ", ", features__name(i));
		*first = false;
	}
}

static void cannot(struct verdict *v, const char *role, int feat, const struct feature_result *res)
{
	v->kind = VERDICT_CANNOT;
	snprintf(v->detail, sizeof(v->detail), "cannot run: %s%s%s: %s", role ? role : "",
		 role ? ": " : "", features__name(feat), res[feat].reason);
}

void verdict__eval(const struct verdict_applet *a, const struct feature_result *res,
		   struct verdict *v)
{
	struct buf b = { v->detail, sizeof(v->detail), 0 };
	int f, kinds = 0, kinds_met = 0, first_unmet = -1;

	v->detail[0] = 0;
	v->kind = VERDICT_WORKS;
	f = first_missing(VERDICT_BASE, res);
	if (f >= 0) {
		cannot(v, NULL, f, res);
		return;
	}
	for (int n = 0; n < VERDICT_NEEDS && a->needs[n].role; n++) {
		const struct verdict_need *need = &a->needs[n];
		int i;

		for (i = 0; i < VERDICT_ALTS && need->alts[i].label; i++)
			if (first_missing(need->alts[i].needs, res) < 0)
				break;
		kinds += need->kind == NEED_PROBE_KIND;
		if (i < VERDICT_ALTS && need->alts[i].label) {
			kinds_met += need->kind == NEED_PROBE_KIND;
			add(&b, "%s%s", b.len ? ", " : "", need->alts[i].label);
			if (i > 0) {
				bool first = true;

				add(&b, " (no ");
				for (int j = 0; j < i; j++)
					add_missing(&b, need->alts[j].needs, res, &first);
				add(&b, ")");
				if (v->kind < VERDICT_FALLBACK)
					v->kind = VERDICT_FALLBACK;
			}
			continue;
		}
		if (need->kind == NEED_REQUIRED) {
			cannot(v, need->role, first_missing(need->alts[0].needs, res), res);
			return;
		}
		if (first_unmet < 0 && need->kind == NEED_PROBE_KIND)
			first_unmet = n;
		{
			bool first = true;

			add(&b, "%sno %s (", b.len ? ", " : "", need->role);
			for (int j = 0; j < VERDICT_ALTS && need->alts[j].label; j++)
				add_missing(&b, need->alts[j].needs, res, &first);
			add(&b, " missing)");
		}
		v->kind = VERDICT_LIMITED;
	}
	if (kinds && !kinds_met) {
		const struct verdict_need *need = &a->needs[first_unmet];

		v->kind = VERDICT_CANNOT;
		snprintf(v->detail, sizeof(v->detail),
			 "cannot run: no probe kind works; %s: %s: %s", need->role,
			 features__name(first_missing(need->alts[0].needs, res)),
			 res[first_missing(need->alts[0].needs, res)].reason);
	}
}

const struct verdict_applet *verdict__find(const char *applet)
{
	for (int i = 0; i < verdict_napplets; i++)
		if (!strcmp(verdict_applets[i].applet, applet))
			return &verdict_applets[i];
	return NULL;
}

int verdict__live(const char *applet, struct verdict *v)
{
	static struct feature_result res[FEAT__COUNT];
	const struct verdict_applet *a = verdict__find(applet);

	if (!a)
		return -ENOENT;
	for (int i = 0; i < FEAT__COUNT; i++)
		res[i] = *features__probe(i);
	verdict__eval(a, res, v);
	return 0;
}

int verdict__pick(const char *applet, const char *role, const char **label)
{
	const struct verdict_applet *a = verdict__find(applet);

	if (!a)
		return -ENOENT;
	for (int n = 0; n < VERDICT_NEEDS && a->needs[n].role; n++) {
		const struct verdict_need *need = &a->needs[n];

		if (strcmp(need->role, role))
			continue;
		for (int i = 0; i < VERDICT_ALTS && need->alts[i].label; i++) {
			bool ok = true;

			for (int f = 0; f < FEAT__COUNT && ok; f++)
				if (need->alts[i].needs & (1ULL << f))
					ok = features__usable(f);
			if (ok) {
				if (label)
					*label = need->alts[i].label;
				return i;
			}
		}
		return -EOPNOTSUPP;
	}
	return -ENOENT;
}

const char *verdict__kind_str(enum verdict_kind k)
{
	static const char *const s[] = { "works", "fallback", "limited", "cannot" };

	return (unsigned)k <= VERDICT_CANNOT ? s[k] : "?";
}
