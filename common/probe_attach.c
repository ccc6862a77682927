// SPDX-License-Identifier: GPL-2.0
/* Per-mechanism attach of probe sets, with cookies or copies, skipping what the kernel refuses. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "feature.h"
#include "linkset.h"
#include "probe_attach.h"
#include "verdict.h"

static const char *const names[PROBE_MECH__COUNT] = {
	[PROBE_MECH_TRACEPOINT] = "tracepoint",
	[PROBE_MECH_KPROBE_MULTI] = "kprobe-multi",
	[PROBE_MECH_FENTRY] = "fentry",
	[PROBE_MECH_KPROBE] = "kprobe",
	[PROBE_MECH_UPROBE_MULTI] = "uprobe-multi",
	[PROBE_MECH_UPROBE] = "uprobe",
	[PROBE_MECH_USDT] = "usdt",
};

/* The verdict table's labels (verdict.c) for each mechanism. */
static const char *const labels[PROBE_MECH__COUNT] = {
	[PROBE_MECH_TRACEPOINT] = "classic tracepoints",
	[PROBE_MECH_KPROBE_MULTI] = "kprobe.multi",
	[PROBE_MECH_FENTRY] = "fentry/fexit",
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
		return m == PROBE_MECH_KPROBE_MULTI || m == PROBE_MECH_FENTRY ||
		       m == PROBE_MECH_KPROBE;
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

bool probe_attach__copies(enum probe_kind kind, enum probe_mech mech)
{
	if (mech == PROBE_MECH_FENTRY)
		return true;
	if (kind == PROBE_USDT || mech == PROBE_MECH_KPROBE_MULTI ||
	    mech == PROBE_MECH_UPROBE_MULTI)
		return false;
	return !features__usable(FEAT_COOKIE);
}

int probe_attach__prepare(const char *applet, const struct probe_set *set,
			  const struct probe_progs *progs, int forced)
{
	struct bpf_program *p;
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
	/* the object's other programs too (another variant of the shells: PROBE_HIT_STEPS) */
	bpf_object__for_each_program(p, *progs->skel->obj)
		bpf_program__set_autoload(p, p == progs->prog[m] &&
					  !probe_attach__copies(set->kind, m));
	return m;
}

struct attach_ctx {
	const struct probe_set *set;
	const struct probe_progs *progs;
	struct bpf_program *prog;
	int pid;
	struct linkset *ls;
	bool *ok;
	size_t attached;
	int first_err;
	bool copies;		/* prog is target i's own copy: no cookie */
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
	/* without cookies libbpf refuses any but 0 */
	uint64_t cookie = c->copies ? 0 : c->set->cookie_base + i;

	switch (mech) {
	case PROBE_MECH_TRACEPOINT: {
		LIBBPF_OPTS(bpf_tracepoint_opts, o, .bpf_cookie = cookie);
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
		LIBBPF_OPTS(bpf_kprobe_opts, o, .bpf_cookie = cookie,
			    .retprobe = c->set->retprobe);

		return bpf_program__attach_kprobe_opts(c->prog, t->name, &o);
	}
	case PROBE_MECH_UPROBE: {
		LIBBPF_OPTS(bpf_uprobe_opts, o, .bpf_cookie = cookie,
			    .retprobe = c->set->retprobe);

		return bpf_program__attach_uprobe_opts(c->prog, c->pid > 0 ? c->pid : -1,
						       c->set->path, t->offset, &o);
	}
	case PROBE_MECH_USDT: {
		LIBBPF_OPTS(bpf_usdt_opts, o, .usdt_cookie = c->set->cookie_base + i);

		return bpf_program__attach_usdt(c->prog, c->pid > 0 ? c->pid : -1, c->set->path,
						t->provider, t->name, &o);
	}
	case PROBE_MECH_FENTRY:
		return bpf_program__attach_trace(c->prog);
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

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* The offset of variable name in obj's .rodata (from its BTF), or -ENOENT. */
static long rodata_off(const struct bpf_object *obj, const char *name)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *v;
	const struct btf_type *t;
	int id;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -ENOENT;
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	v = btf_var_secinfos(t);
	for (int k = 0; k < btf_vlen(t); k++, v++)
		if (!strcmp(btf__name_by_offset(btf, btf__type_by_id(btf, v->type)->name_off), name))
			return v->offset;
	return -ENOENT;
}

/* Marks the object whose .rodata map is ro as serving target id alone (bpf/probe.bpf.h). */
static int mark_one(const struct bpf_object *obj, struct bpf_map *ro, uint32_t id)
{
	long flag = rodata_off(obj, "probe_one"), at = rodata_off(obj, "probe_one_id");
	size_t size;
	char *data = bpf_map__initial_value(ro, &size);

	if (!data || flag < 0 || at < 0 || (size_t)flag >= size || (size_t)at + sizeof(id) > size)
		return -ENOENT;
	data[flag] = 1;
	memcpy(data + at, &id, sizeof(id));
	return 0;
}

int probe_attach__one(struct bpf_object *obj, uint32_t id)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_ARRAY && ends_with(bpf_map__name(m), ".rodata"))
			return mark_one(obj, m, id);
	return -ENOENT;
}

/* The copy's .rodata: the applet's (its options), marked as serving target id alone. */
static int copy_rodata(struct bpf_object *copy, struct bpf_map *m, const struct bpf_map *from,
		       uint32_t id)
{
	size_t size;
	const void *src = bpf_map__initial_value(from, &size);
	int err = src ? bpf_map__set_initial_value(m, src, size) : -ENOENT;

	return err ? err : mark_one(copy, m, id);
}

/*
 * Target i's own copy of the applet's object, loaded: every map but .rodata (and libbpf's
 * .kconfig) is the applet's, so counts, stacks and events land in one place; only mech's
 * program loads, aimed at the target where the kernel fixes that at load (fentry). *prog gets
 * that program. Returns the object, or NULL with errno set.
 */
static struct bpf_object *load_copy(struct attach_ctx *c, enum probe_mech mech, size_t i,
				    struct bpf_program **prog)
{
	const struct bpf_object_skeleton *s = c->progs->skel;
	const struct bpf_object *applet = *s->obj;
	struct bpf_object_open_opts oo = *skel_open_opts();
	const char *want = bpf_program__name(c->progs->prog[mech]);
	struct bpf_object *copy;
	struct bpf_program *p;
	struct bpf_map *m;
	int err = 0;

	oo.object_name = s->name;	/* the applet's map names, to pair the maps by name */
	copy = bpf_object__open_mem(s->data, s->data_sz, &oo);
	if (!copy)
		return NULL;
	bpf_object__for_each_map(m, copy) {
		const struct bpf_map *from = bpf_object__find_map_by_name(applet, bpf_map__name(m));

		if (!from)
			err = -ENOENT;
		else if (ends_with(bpf_map__name(m), ".rodata"))
			err = copy_rodata(copy, m, from, (uint32_t)(c->set->cookie_base + i));
		else if (!ends_with(bpf_map__name(m), ".kconfig"))
			err = bpf_map__reuse_fd(m, bpf_map__fd(from));
		if (err)
			goto fail;
	}
	*prog = NULL;
	bpf_object__for_each_program(p, copy) {
		bool mine = !strcmp(bpf_program__name(p), want);

		bpf_program__set_autoload(p, mine);
		if (mine)
			*prog = p;
	}
	if (!*prog) {
		err = -ENOENT;
		goto fail;
	}
	if (mech == PROBE_MECH_FENTRY) {
		if (c->set->retprobe)
			bpf_program__set_expected_attach_type(*prog, BPF_TRACE_FEXIT);
		if ((err = bpf_program__set_attach_target(*prog, 0, c->set->t[i].name)))
			goto fail;
	}
	if (!(err = bpf_object__load(copy)))
		return copy;
fail:
	bpf_object__close(copy);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

/*
 * Each target in its own copy. Once attached, only the copy's program fd is kept (in ls, as
 * the applet's own programs stay open): the process holds its programs as it does with
 * cookies, for bpftool's and the tests' eyes, at one fd per copy rather than one per map.
 */
static void attach_copies(struct attach_ctx *c, enum probe_mech mech)
{
	for (size_t i = 0; i < c->set->n; i++) {
		struct bpf_object *copy = load_copy(c, mech, i, &c->prog);
		int err = copy ? 0 : -errno;

		if (copy) {
			struct bpf_link *l = attach_one(c, mech, i);

			err = l ? linkset__add(c->ls, l) : (errno ? -errno : -EINVAL);
			/* without it (EMFILE) the link still holds the program */
			if (!err)
				linkset__add_fd(c->ls, fcntl(bpf_program__fd(c->prog),
							     F_DUPFD_CLOEXEC, 3));
			bpf_object__close(copy);
		}
		note(c, i, err);
	}
}

size_t probe_attach(const struct probe_set *set, const struct probe_progs *progs,
		    enum probe_mech mech, int pid, struct linkset *ls, bool *ok, int *first_err)
{
	struct attach_ctx c = { .set = set, .progs = progs, .prog = progs->prog[mech], .pid = pid,
				.ls = ls, .ok = ok, .copies = probe_attach__copies(set->kind, mech) };

	memset(ok, 0, set->n * sizeof(*ok));
	if (c.copies) {
		attach_copies(&c, mech);
	} else if (mech == PROBE_MECH_KPROBE_MULTI || mech == PROBE_MECH_UPROBE_MULTI) {
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
