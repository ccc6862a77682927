// SPDX-License-Identifier: GPL-2.0
/* Per-mechanism attach of probe sets, with cookies, skipping what the kernel refuses. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "linkset.h"
#include "probe_attach.h"
#include "verdict.h"

static const char *const names[PROBE_MECH__COUNT] = {
	[PROBE_MECH_TRACEPOINT] = "tracepoint",
	[PROBE_MECH_KPROBE_MULTI] = "kprobe-multi",
	[PROBE_MECH_KPROBE] = "kprobe",
	[PROBE_MECH_UPROBE_MULTI] = "uprobe-multi",
	[PROBE_MECH_UPROBE] = "uprobe",
	[PROBE_MECH_USDT] = "usdt",
};

/* The verdict table's labels (verdict.c) for each mechanism. */
static const char *const labels[PROBE_MECH__COUNT] = {
	[PROBE_MECH_TRACEPOINT] = "classic tracepoints",
	[PROBE_MECH_KPROBE_MULTI] = "kprobe.multi",
	[PROBE_MECH_KPROBE] = "kprobe",
	[PROBE_MECH_UPROBE_MULTI] = "uprobe.multi",
	[PROBE_MECH_UPROBE] = "uprobe",
	[PROBE_MECH_USDT] = "USDT (uprobes)",
};

const char *probe_mech__name(enum probe_mech m)
{
	return (unsigned int)m < PROBE_MECH__COUNT ? names[m] : "?";
}

int probe_mech__parse(const char *name)
{
	for (int m = 0; m < PROBE_MECH__COUNT; m++)
		if (!strcmp(names[m], name))
			return m;
	return -EINVAL;
}

static bool fits(enum probe_kind kind, int m)
{
	switch (kind) {
	case PROBE_KFUNC:
		return m == PROBE_MECH_KPROBE_MULTI || m == PROBE_MECH_KPROBE;
	case PROBE_UFUNC:
		return m == PROBE_MECH_UPROBE_MULTI || m == PROBE_MECH_UPROBE;
	case PROBE_TP:
		return m == PROBE_MECH_TRACEPOINT;
	case PROBE_USDT:
		return m == PROBE_MECH_USDT;
	}
	return false;
}

static const char *role(enum probe_kind kind)
{
	switch (kind) {
	case PROBE_KFUNC:
		return "kernel functions";
	case PROBE_UFUNC:
		return "user functions";
	case PROBE_TP:
		return "tracepoints";
	case PROBE_USDT:
		return "USDT probes";
	}
	return "";
}

int probe_attach__prepare(const char *applet, const struct probe_set *set,
			  const struct probe_progs *progs, int forced)
{
	const char *label;
	int m = forced;

	if (m >= 0 && !fits(set->kind, m))
		return -EINVAL;
	if (m < 0) {
		if (verdict__pick(applet, role(set->kind), &label) < 0)
			return -EOPNOTSUPP;
		for (m = 0; m < PROBE_MECH__COUNT; m++)
			if (!strcmp(labels[m], label))
				break;
		if (m == PROBE_MECH__COUNT)
			return -EOPNOTSUPP;
	}
	for (int i = 0; i < PROBE_MECH__COUNT; i++)
		if (progs->prog[i])
			bpf_program__set_autoload(progs->prog[i], i == m);
	return m;
}

struct attach_ctx {
	const struct probe_set *set;
	struct bpf_program *prog;
	int pid;
	struct linkset *ls;
	bool *ok;
	size_t attached;
	int first_err;
};

static void note(struct attach_ctx *c, size_t i, int err)
{
	if (!err) {
		c->ok[i] = true;
		c->attached++;
	} else if (!c->first_err) {
		c->first_err = err;
	}
}

static struct bpf_link *attach_one(struct attach_ctx *c, enum probe_mech mech, size_t i)
{
	const struct probe_target *t = &c->set->t[i];

	switch (mech) {
	case PROBE_MECH_TRACEPOINT: {
		LIBBPF_OPTS(bpf_tracepoint_opts, o, .bpf_cookie = c->set->cookie_base + i);
		char cat[256];
		const char *colon = strchr(t->name, ':');

		if (!colon || (size_t)(colon - t->name) >= sizeof(cat)) {
			errno = EINVAL;
			return NULL;
		}
		memcpy(cat, t->name, (size_t)(colon - t->name));
		cat[colon - t->name] = '\0';
		return bpf_program__attach_tracepoint_opts(c->prog, cat, colon + 1, &o);
	}
	case PROBE_MECH_KPROBE: {
		LIBBPF_OPTS(bpf_kprobe_opts, o, .bpf_cookie = c->set->cookie_base + i,
			    .retprobe = c->set->retprobe);

		return bpf_program__attach_kprobe_opts(c->prog, t->name, &o);
	}
	case PROBE_MECH_UPROBE: {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .bpf_cookie = c->set->cookie_base + i,
			    .retprobe = c->set->retprobe);

		return bpf_program__attach_uprobe_opts(c->prog, c->pid > 0 ? c->pid : -1,
						       c->set->path, t->offset, &o);
	}
	case PROBE_MECH_USDT: {
		LIBBPF_OPTS(bpf_usdt_opts, o, .usdt_cookie = c->set->cookie_base + i);

		return bpf_program__attach_usdt(c->prog, c->pid > 0 ? c->pid : -1, c->set->path,
						t->provider, t->name, &o);
	}
	default:
		errno = EINVAL;
		return NULL;
	}
}

/* One multi-link for targets [lo, hi): kprobe.multi by names, uprobe.multi by offsets. */
static struct bpf_link *multi_link(struct attach_ctx *c, enum probe_mech mech, size_t lo,
				   size_t hi, const char **syms, unsigned long *offs, uint64_t *cookies)
{
	if (mech == PROBE_MECH_KPROBE_MULTI) {
		LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .syms = syms + lo,
			    .cookies = (__u64 *)cookies + lo, .cnt = hi - lo,
			    .retprobe = c->set->retprobe);

		return bpf_program__attach_kprobe_multi_opts(c->prog, NULL, &o);
	} else {
		LIBBPF_OPTS(bpf_uprobe_multi_opts, o, .offsets = offs + lo,
			    .cookies = (__u64 *)cookies + lo, .cnt = hi - lo,
			    .retprobe = c->set->retprobe);

		return bpf_program__attach_uprobe_multi(c->prog, c->pid > 0 ? c->pid : -1,
							c->set->path, NULL, &o);
	}
}

/*
 * One multi-link for targets [lo, hi). The kernel refuses the whole link when one target
 * cannot be probed (e.g. -ENOTSUPP, 524, for a libc function uprobes cannot handle): then
 * each half is tried on its own, down to the offenders, so k offenders among n cost
 * O(k log n) attempts and links rather than n single probes or a failed run.
 */
static void attach_multi(struct attach_ctx *c, enum probe_mech mech, size_t lo, size_t hi,
			 const char **syms, unsigned long *offs, uint64_t *cookies)
{
	struct bpf_link *l = multi_link(c, mech, lo, hi, syms, offs, cookies);
	int err = l ? linkset__add(c->ls, l) : -errno;

	if (!err) {
		for (size_t i = lo; i < hi; i++)
			note(c, i, 0);
		return;
	}
	if (hi - lo == 1 || err == -ENOMEM) {
		for (size_t i = lo; i < hi; i++)
			note(c, i, err);
		return;
	}
	attach_multi(c, mech, lo, lo + (hi - lo) / 2, syms, offs, cookies);
	attach_multi(c, mech, lo + (hi - lo) / 2, hi, syms, offs, cookies);
}

size_t probe_attach(const struct probe_set *set, const struct probe_progs *progs,
		    enum probe_mech mech, int pid, struct linkset *ls, bool *ok, int *first_err)
{
	struct attach_ctx c = { .set = set, .prog = progs->prog[mech], .pid = pid, .ls = ls,
				.ok = ok };

	memset(ok, 0, set->n * sizeof(*ok));
	if (mech == PROBE_MECH_KPROBE_MULTI || mech == PROBE_MECH_UPROBE_MULTI) {
		const char **syms = calloc(set->n, sizeof(*syms));
		unsigned long *offs = calloc(set->n, sizeof(*offs));
		uint64_t *cookies = calloc(set->n, sizeof(*cookies));

		if (syms && offs && cookies) {
			for (size_t i = 0; i < set->n; i++) {
				syms[i] = set->t[i].name;
				offs[i] = (unsigned long)set->t[i].offset;
				cookies[i] = set->cookie_base + i;
			}
			if (set->n)
				attach_multi(&c, mech, 0, set->n, syms, offs, cookies);
		} else {
			c.first_err = -ENOMEM;
		}
		free(syms);
		free(offs);
		free(cookies);
	} else {
		for (size_t i = 0; i < set->n; i++) {
			struct bpf_link *l = attach_one(&c, mech, i);

			note(&c, i, l ? linkset__add(ls, l) : (errno ? -errno : -EINVAL));
		}
	}
	*first_err = c.first_err;
	return c.attached;
}
