// SPDX-License-Identifier: GPL-2.0
/*
 * Stack output shared by the stack applets (profile, stackcount, trace): symbolizes kernel and
 * user frames and prints BCC's multi-line blocks, folded lines, or with --json one object per
 * stack; optionally feeds a flame graph. Applets hand over addresses, never test the format.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/types.h>

#include "elfsym.h"
#include "err.h"
#include "flamegraph.h"
#include "image.h"
#include "json.h"
#include "ksyms.h"
#include "opts.h"
#include "out.h"
#include "stacks.h"
#include "syms.h"

#define FRAMES_MAX 512		/* comm + user + delimiter + kernel, each capped well below */
#define FRAME_TEXT 1024

struct stacks {
	struct stacks_opts o;
	struct ksyms *ks;
	int ks_status;		/* 1 untried, 0 loaded, -errno */
	struct syms_cache *uc;
	struct elf_syms **symfiles;	/* stacks__add_symfile() */
	size_t nsymfiles;
};

struct frame {
	const char *name;	/* NULL: unknown */
	const char *module;
	uint64_t off, addr;
	bool kernel;
};

struct stacks *stacks__new(const struct stacks_opts *o)
{
	struct stacks *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->o = *o;
	st->ks_status = 1;
	st->uc = syms_cache__new(0);
	if (!st->uc) {
		free(st);
		return NULL;
	}
	return st;
}

void stacks__free(struct stacks *st)
{
	if (!st)
		return;
	ksyms__free(st->ks);
	syms_cache__free(st->uc);
	for (size_t i = 0; i < st->nsymfiles; i++)
		elf_syms__free(st->symfiles[i]);
	free(st->symfiles);
	free(st);
}

int stacks__add_symfile(struct stacks *st, struct elf_syms *es)
{
	struct elf_syms **n = realloc(st->symfiles, (st->nsymfiles + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	st->symfiles = n;
	st->symfiles[st->nsymfiles++] = es;
	return 0;
}

/* The added symbol file with u's build-id, or NULL. */
static struct elf_syms *symfile_of(const struct stacks *st, const struct usym *u)
{
	for (size_t i = 0; u->build_id_len && i < st->nsymfiles; i++) {
		size_t len;
		const uint8_t *id = elf_syms__build_id(st->symfiles[i], &len);

		if (len == u->build_id_len && !memcmp(id, u->build_id, len))
			return st->symfiles[i];
	}
	return NULL;
}

struct syms_cache *stacks__syms(struct stacks *st)
{
	return st->uc;
}

int stacks__kernel_status(const struct stacks *st)
{
	return st->ks_status;
}

static void kresolve(struct stacks *st, uint64_t addr, struct frame *f)
{
	const struct ksym *k = NULL;

	if (st->ks_status == 1) {
		st->ks = ksyms__load();
		st->ks_status = st->ks ? 0 : -errno;
	}
	memset(f, 0, sizeof(*f));
	f->addr = addr;
	f->kernel = true;
	if (st->ks)
		k = ksyms__find(st->ks, addr, &f->off);
	if (k) {
		f->name = k->name;
		f->module = k->module;
	}
}

static void uresolve(struct stacks *st, struct syms *s, uint64_t addr, struct frame *f)
{
	struct elf_syms *es;
	const char *name;
	struct usym u;
	uint64_t off;

	memset(f, 0, sizeof(*f));
	f->addr = addr;
	if (!s || syms__resolve(s, addr, &u))
		return;
	f->name = u.name;
	f->off = u.offset;
	f->module = u.module;
	/* a symbol file of the user's for this build-id knows better than the mapped file */
	if (u.vaddr && (es = symfile_of(st, &u)) && (name = elf_syms__find(es, u.vaddr, &off))) {
		f->name = name;
		f->off = off;
	}
}

/* "name+0xoff [module]", "[unknown] [module]" or "[unknown]", with -A the address first. */
static void frame_text(const struct stacks *st, const struct frame *f, char *buf, size_t size)
{
	int n = 0;

	if (st->o.addresses)
		n = f->kernel ? snprintf(buf, size, "0x%-16" PRIx64 " ", f->addr)
			      : snprintf(buf, size, "0x%016" PRIx64 " ", f->addr);
	if (n < 0 || (size_t)n >= size)
		return;
	if (st->o.no_offsets)
		snprintf(buf + n, size - n, "%s", f->name ? f->name : "[unknown]");
	else if (f->name)
		snprintf(buf + n, size - n, "%s+0x%" PRIx64 " [%s]", f->name, f->off,
			 f->module ? f->module : "unknown");
	else if (f->module)
		snprintf(buf + n, size - n, "[unknown] [%s]", f->module);
	else
		snprintf(buf + n, size - n, "[unknown]");
}

void stacks__kframe(struct stacks *st, uint64_t addr, char *buf, size_t size)
{
	struct frame f;

	kresolve(st, addr, &f);
	frame_text(st, &f, buf, size);
}

void stacks__uframe(struct stacks *st, const struct syms_id *image, uint64_t addr, char *buf,
		    size_t size)
{
	struct frame f;

	uresolve(st, syms_cache__get_id(st->uc, image), addr, &f);
	frame_text(st, &f, buf, size);
}

bool stacks__image_record(struct stacks *st, const void *data, size_t len)
{
	struct image_id img;

	if (len != sizeof(img))
		return false;
	memcpy(&img, data, sizeof(img));	/* ring records are 8-byte aligned; be safe anyway */
	syms_cache__get_id(st->uc, &(struct syms_id){ .pid = (int)img.pid,
						      .start_ns = img.start_ns,
						      .exec_id = img.exec_id });
	/* tests wait for this line before letting a target go (profile-hostile.sh) */
	err_debug("pid %u, start %llu, exec %u: first sample, mappings kept", img.pid,
		  (unsigned long long)img.start_ns, img.exec_id);
	return true;
}

/* Folded lines split on ';' and the last ' ': names must not carry ';' or newlines. */
static void put_folded_name(FILE *out, const char *s)
{
	for (size_t n; (n = strcspn(s, ";")), s[n]; s += n + 1) {
		out_textn(out, s, n);
		fputc(':', out);
	}
	out_text(out, s);
}

/* "    NAME" lines: names come from files other users control, escaped like all text. */
static void put_line(FILE *out, const char *s)
{
	fputs("    ", out);
	out_text(out, s);
	fputc('\n', out);
}

static const char *comm_text(const char *comm)
{
	return comm && comm[0] ? comm : "[unknown]";
}

static void print_multiline(struct stacks *st, const struct stack_entry *e,
			    const struct frame *kf, const struct frame *uf)
{
	FILE *out = out_file();
	char buf[FRAME_TEXT];

	if (e->kerr && e->kerr != -EFAULT)
		fputs("    [Missed Kernel Stack]\n", out);
	for (int i = 0; !e->kerr && i < e->nk; i++) {
		frame_text(st, &kf[i], buf, sizeof(buf));
		put_line(out, buf);
	}
	if (st->o.delimiter && !e->kerr && !e->uerr)
		fputs("    --\n", out);
	if (e->uerr && e->uerr != -EFAULT)
		fputs("    [Missed User Stack]\n", out);
	for (int i = 0; !e->uerr && i < e->nu; i++) {
		frame_text(st, &uf[i], buf, sizeof(buf));
		put_line(out, buf);
	}
	fprintf(out, "    %-16s ", "-");
	out_text(out, comm_text(e->comm));
	fprintf(out, " (%" PRIu32 ")\n", e->pid);
	fprintf(out, "        %" PRIu64 "\n\n", e->count);
}

static void json_stack(struct stacks *st, struct json *j, const char *key, int err,
		       const struct frame *f, int n, const char *missed)
{
	char buf[FRAME_TEXT];

	json_key(j, key);
	json_arr_begin(j);
	if (err && err != -EFAULT)
		json_str(j, missed);
	for (int i = 0; !err && i < n; i++) {
		frame_text(st, &f[i], buf, sizeof(buf));
		json_str(j, buf);
	}
	json_arr_end(j);
}

static void print_json(struct stacks *st, const struct stack_entry *e, const struct frame *kf,
		       const struct frame *uf)
{
	struct json j;

	json_init(&j, out_file());
	json_obj_begin(&j);
	json_key(&j, "pid");
	json_uint(&j, e->pid);
	json_key(&j, "comm");
	json_str(&j, comm_text(e->comm));
	json_key(&j, "count");
	json_uint(&j, e->count);
	json_stack(st, &j, "kernel_stack", e->kerr, kf, e->nk, "[Missed Kernel Stack]");
	json_stack(st, &j, "user_stack", e->uerr, uf, e->nu, "[Missed User Stack]");
	json_obj_end(&j);
}

/* Root first: comm, user frames, the delimiter, kernel frames; the same order for the folded
 * line and the flame graph. */
static int folded_frames(struct stacks *st, const struct stack_entry *e, const struct frame *kf,
			 const struct frame *uf, const char **names, uint8_t *kinds)
{
	int n = 0;

	names[n] = comm_text(e->comm);
	kinds[n++] = FG_COMM;
	if (e->uerr && e->uerr != -EFAULT) {
		names[n] = "[Missed User Stack]";
		kinds[n++] = FG_OTHER;
	}
	for (int i = e->uerr ? 0 : e->nu; i-- > 0 && n < FRAMES_MAX - 2;) {
		names[n] = uf[i].name ? uf[i].name : "[unknown]";
		kinds[n++] = uf[i].name ? FG_USER : FG_OTHER;
	}
	if (st->o.delimiter && !e->kerr && !e->uerr) {
		names[n] = "-";
		kinds[n++] = FG_OTHER;
	}
	if (e->kerr && e->kerr != -EFAULT) {
		names[n] = "[Missed Kernel Stack]";
		kinds[n++] = FG_OTHER;
	}
	for (int i = e->kerr ? 0 : e->nk; i-- > 0 && n < FRAMES_MAX;) {
		names[n] = kf[i].name ? kf[i].name : "[unknown]";
		kinds[n++] = FG_KERNEL;
	}
	return n;
}

static struct frame kf[FRAMES_MAX / 2], uf[FRAMES_MAX / 2];
static const char *names[FRAMES_MAX];
static uint8_t kinds[FRAMES_MAX];

/* Symbolizes e's frames into kf and uf; *c is e with its frame counts capped to them. */
static void resolve(struct stacks *st, const struct stack_entry *e, struct stack_entry *c)
{
	struct syms *us = NULL;

	*c = *e;
	c->nk = e->kerr ? 0 : e->nk;
	c->nu = e->uerr ? 0 : e->nu;
	if (c->nk > FRAMES_MAX / 2 - 1)
		c->nk = FRAMES_MAX / 2 - 1;
	if (c->nu > FRAMES_MAX / 2 - 1)
		c->nu = FRAMES_MAX / 2 - 1;
	for (int i = 0; i < c->nk; i++)
		kresolve(st, e->kips[i], &kf[i]);
	if (c->nu)
		us = e->image ? syms_cache__get_id(st->uc, e->image) :
				syms_cache__get(st->uc, (int)e->pid);
	for (int i = 0; i < c->nu; i++)
		uresolve(st, us, e->uips[i], &uf[i]);
}

/* A stack without a process name (stackcount without -P) starts at its outermost frame. */
static int flame_add(struct stacks *st, const struct stack_entry *c, int n)
{
	int skip = !c->comm || !c->comm[0];

	return flamegraph__add(st->o.fg, names + skip, kinds + skip, n - skip, c->count);
}

int stacks__flame(struct stacks *st, const struct stack_entry *e)
{
	struct stack_entry c;

	if (!st->o.fg)
		return 0;
	resolve(st, e, &c);
	return flame_add(st, &c, folded_frames(st, &c, kf, uf, names, kinds));
}

int stacks__print(struct stacks *st, const struct stack_entry *e)
{
	FILE *out = out_file();
	struct stack_entry c;
	int n, err = 0;

	resolve(st, e, &c);
	if (st->o.fg || (st->o.folded && !opt_json)) {
		n = folded_frames(st, &c, kf, uf, names, kinds);
		if (st->o.fg)
			err = flame_add(st, &c, n);
		if (st->o.folded && !opt_json) {
			for (int i = 0; i < n; i++) {
				if (i)
					fputc(';', out);
				put_folded_name(out, names[i]);
				if (st->o.annotate && kinds[i] == FG_KERNEL)
					fputs("_[k]", out);
			}
			fprintf(out, " %" PRIu64 "\n", e->count);
		}
	}
	if (opt_json)
		print_json(st, &c, kf, uf);
	else if (!st->o.folded)
		print_multiline(st, &c, kf, uf);
	if (err)
		return err;
	return ferror(out) ? -EIO : 0;
}

int stacks__read(int fd, uint64_t hash, uint64_t *ips, int max)
{
	int n = 0;

	if (bpf_map_lookup_elem(fd, &hash, ips))
		return 0;
	while (n < max && ips[n])
		n++;
	return n;
}

int stacks__read_counts(int fd, size_t key_size, void **out, size_t *nout)
{
	size_t rec = key_size + sizeof(uint64_t), n = 0, cap = 0;
	char *v = NULL, *keys, *prev = NULL, *next;
	int err = 0;

	if (!key_size || key_size % sizeof(uint64_t))
		return -EINVAL;
	keys = malloc(2 * key_size);	/* the key to go on from, the next one */
	if (!keys)
		return -ENOMEM;
	next = keys;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		if (n == cap) {
			char *nv;

			cap = cap ? cap * 2 : 1024;
			nv = realloc(v, cap * rec);
			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		if (!bpf_map_lookup_elem(fd, next, v + n * rec + key_size))
			memcpy(v + n++ * rec, next, key_size);
		prev = next;
		next = next == keys ? keys + key_size : keys;
	}
	free(keys);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*nout = n;
	return 0;
}

int stacks__cmp_tuple(const uint64_t *a, const uint64_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}
