// SPDX-License-Identifier: GPL-2.0
/* One kernel BTF per process, and a validator for BTF files from users (see kbtf.h). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include <linux/btf.h>

#include "kbtf.h"
#include "opts.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
/* More types than any kernel has (6.x: ~150k), small enough to index with 32 bits. */
#define KBTF_TYPES_MAX (1u << 24)

static int fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Reads a u32 at P (the blob may be unaligned in an ELF section). */
static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

struct blob {
	const unsigned char *types;	/* the type section */
	uint32_t types_len, str_len, n;	/* n: types, ids 1..n */
	uint32_t *off;			/* off[id]: offset of type id in the type section */
};

/* Bytes that follow a type's 12-byte header, or -1 for an unknown kind. */
static long extra_size(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return 12;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC: case BTF_KIND_ENUM64:
		return 12l * vlen;
	case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
		return 8l * vlen;
	}
	return -1;
}

static bool name_ok(const struct blob *b, uint32_t off)
{
	return off < b->str_len;
}

/*
 * The references that can never close a loop in valid BTF, as an edge list per type: a
 * loop needs a struct, union or function prototype on the way (struct list_head's next).
 * Returns how many of type ID's references are stored in OUT (at most 2, DATASEC excepted:
 * its variables are walked through index I instead, see ref_at()).
 */
static uint32_t nrefs(const struct blob *b, uint32_t id)
{
	const unsigned char *t = b->types + b->off[id];
	uint32_t info = rd32(t + 4), kind = BTF_INFO_KIND(info);

	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		return 1;
	case BTF_KIND_ARRAY:
		return 2;
	case BTF_KIND_DATASEC:
		return BTF_INFO_VLEN(info);
	}
	return 0;
}

static uint32_t ref_at(const struct blob *b, uint32_t id, uint32_t i)
{
	const unsigned char *t = b->types + b->off[id];

	switch (BTF_INFO_KIND(rd32(t + 4))) {
	case BTF_KIND_ARRAY:
		return rd32(t + 12 + 4 * i);	/* elem type, index type */
	case BTF_KIND_DATASEC:
		return rd32(t + 12 + 12 * i);	/* btf_var_secinfo.type */
	}
	return rd32(t + 8);
}

/* Checks one type's names and the ids it refers to. */
static int check_type(const struct blob *b, uint32_t id, char *why, size_t len)
{
	const unsigned char *t = b->types + b->off[id], *x = t + 12;
	uint32_t info = rd32(t + 4), kind = BTF_INFO_KIND(info), vlen = BTF_INFO_VLEN(info);
	uint32_t max = b->n;

	if (!name_ok(b, rd32(t)))
		return fail(why, len, "type [%u] has its name outside the string section", id);
	switch (kind) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		for (uint32_t i = 0; i < vlen; i++, x += 12) {
			if (!name_ok(b, rd32(x)))
				return fail(why, len, "member %u of type [%u] has its name outside "
					    "the string section", i, id);
			if (rd32(x + 4) > max)
				return fail(why, len, "member %u of type [%u] refers to type %u, "
					    "past the last type (%u)", i, id, rd32(x + 4), max);
		}
		return 0;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		for (uint32_t i = 0; i < vlen; i++, x += kind == BTF_KIND_ENUM ? 8 : 12)
			if (!name_ok(b, rd32(x)))
				return fail(why, len, "enumerator %u of type [%u] has its name outside "
					    "the string section", i, id);
		return 0;
	case BTF_KIND_FUNC_PROTO:
		if (rd32(t + 8) > max)
			return fail(why, len, "type [%u] returns type %u, past the last type (%u)",
				    id, rd32(t + 8), max);
		for (uint32_t i = 0; i < vlen; i++, x += 8) {
			if (!name_ok(b, rd32(x)))
				return fail(why, len, "parameter %u of type [%u] has its name outside "
					    "the string section", i, id);
			if (rd32(x + 4) > max)
				return fail(why, len, "parameter %u of type [%u] refers to type %u, "
					    "past the last type (%u)", i, id, rd32(x + 4), max);
		}
		return 0;
	}
	for (uint32_t i = 0; i < nrefs(b, id); i++)
		if (ref_at(b, id, i) > max)
			return fail(why, len, "type [%u] refers to type %u, past the last type (%u)",
				    id, ref_at(b, id, i), max);
	return 0;
}

/*
 * Finds a loop among the references of nrefs()/ref_at() with an iterative depth-first walk
 * (no recursion: a hostile chain can be millions long).
 */
static int check_loops(const struct blob *b, char *why, size_t len)
{
	unsigned char *state = calloc(b->n + 1, 1);	/* 0 new, 1 on the path, 2 done */
	struct frame { uint32_t id, next; } *stack = malloc((b->n + 1) * sizeof(*stack));
	int err = 0;

	if (!state || !stack) {
		err = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto out;
	}
	for (uint32_t root = 1; root <= b->n && !err; root++) {
		uint32_t depth = 0;

		if (state[root])
			continue;
		stack[depth++] = (struct frame){ root, 0 };
		state[root] = 1;
		while (depth && !err) {
			struct frame *f = &stack[depth - 1];
			uint32_t to;

			if (f->next == nrefs(b, f->id)) {
				state[f->id] = 2;
				depth--;
				continue;
			}
			to = ref_at(b, f->id, f->next++);
			if (!to || state[to] == 2)
				continue;
			if (state[to] == 1)
				err = fail(why, len, "type [%u] refers back to itself through type [%u] "
					   "(a loop of typedefs, modifiers, pointers or arrays)", to,
					   f->id);
			else {
				/* each type is pushed once: the stack never outgrows n */
				state[to] = 1;
				stack[depth++] = (struct frame){ to, 0 };
			}
		}
	}
out:
	free(state);
	free(stack);
	return err;
}

int kbtf__check(const void *data, size_t size, char *why, size_t len)
{
	const unsigned char *p = data;
	struct btf_header h;
	struct blob b = { 0 };
	uint64_t type_end, str_end;
	uint32_t pos, cap;
	int err = 0;

	if (size < sizeof(h))
		return fail(why, len, "too short for a BTF header (%zu bytes)", size);
	memcpy(&h, p, sizeof(h));
	if (h.magic == 0x9feb)
		return fail(why, len, "BTF of the other byte order");
	if (h.magic != BTF_MAGIC)
		return fail(why, len, "not BTF (no 0xeb9f magic)");
	if (h.version != BTF_VERSION)
		return fail(why, len, "BTF version %u, not %u", h.version, BTF_VERSION);
	if (h.hdr_len < sizeof(h) || h.hdr_len > size)
		return fail(why, len, "header length %u out of range (file of %zu bytes)",
			    h.hdr_len, size);
	type_end = (uint64_t)h.hdr_len + h.type_off + h.type_len;
	str_end = (uint64_t)h.hdr_len + h.str_off + h.str_len;
	if (type_end > size || str_end > size)
		return fail(why, len, "truncated: its sections end at byte %llu, the file at %zu",
			    (unsigned long long)(type_end > str_end ? type_end : str_end), size);
	/* types are read in place as 32-bit words: their start must be aligned in the file */
	if ((h.hdr_len + h.type_off) % 4)
		return fail(why, len, "type section at a misaligned offset (%u)",
			    h.hdr_len + h.type_off);
	if (!h.str_len || p[h.hdr_len + h.str_off] || p[str_end - 1])
		return fail(why, len, "the string section does not start and end with a NUL");
	b.types = p + h.hdr_len + h.type_off;
	b.types_len = h.type_len;
	b.str_len = h.str_len;

	/* pass 1: every record lies within the type section; note where each starts */
	cap = 1024;
	b.off = malloc(cap * sizeof(*b.off));
	for (pos = 0; b.off && pos < b.types_len;) {
		uint32_t info;
		long extra;

		if (b.types_len - pos < 12) {
			err = fail(why, len, "truncated: type [%u] is cut off", b.n + 1);
			goto out;
		}
		info = rd32(b.types + pos + 4);
		extra = extra_size(BTF_INFO_KIND(info), BTF_INFO_VLEN(info));
		if (extra < 0) {
			err = fail(why, len, "type [%u] has an unknown kind %u", b.n + 1,
				   BTF_INFO_KIND(info));
			goto out;
		}
		if (b.types_len - pos - 12 < (uint64_t)extra) {
			err = fail(why, len, "truncated: type [%u] is cut off", b.n + 1);
			goto out;
		}
		if (b.n + 1 >= KBTF_TYPES_MAX) {
			err = fail(why, len, "more than %u types", KBTF_TYPES_MAX);
			goto out;
		}
		if (b.n + 1 == cap) {
			uint32_t *o = realloc(b.off, 2 * cap * sizeof(*o));

			if (!o)
				break;
			b.off = o;
			cap *= 2;
		}
		b.off[++b.n] = pos;
		pos += 12 + extra;
	}
	if (!b.off || pos < b.types_len) {
		err = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto out;
	}
	/* pass 2: names and type ids; pass 3: loops */
	for (uint32_t id = 1; id <= b.n && !err; id++)
		err = check_type(&b, id, why, len);
	if (!err)
		err = check_loops(&b, why, len);
out:
	free(b.off);
	return err;
}

/* The .BTF section of an ELF image in memory. */
static int elf_btf(const void *data, size_t size, const void **btf, size_t *btf_size)
{
	Elf *e;
	Elf_Scn *s = NULL;
	size_t shstrndx;
	int err = -ENOENT;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	e = elf_memory((char *)data, size);
	if (!e)
		return -EINVAL;
	if (elf_getshdrstrndx(e, &shstrndx)) {
		elf_end(e);
		return -EINVAL;
	}
	while ((s = elf_nextscn(e, s))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(s, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			continue;
		if (strcmp(name, ".BTF"))
			continue;
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > size || sh.sh_size > size - sh.sh_offset)
			err = -EINVAL;
		else {
			*btf = (const char *)data + sh.sh_offset;
			*btf_size = sh.sh_size;
			err = 0;
		}
		break;
	}
	elf_end(e);
	return err;
}

/* Valid BTF of a program is not a kernel's: struct offsets would then fail in ways that mislead. */
static int check_kernel(const void *data, size_t size, char *why, size_t len)
{
	struct btf *btf = btf__new(data, size);
	int id;

	if (!btf) {
		int err = -errno;

		snprintf(why, len, "libbpf cannot parse it: %s", strerror(-err));
		return err;
	}
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	btf__free(btf);
	return id > 0 ? 0 : fail(why, len, "not a kernel's BTF (no struct task_struct)");
}

int kbtf__check_file(const char *path, char *why, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	const void *btf;
	size_t btf_size, got = 0;
	unsigned char *buf = NULL;
	struct stat st;
	int err;

	if (fd < 0) {
		err = -errno;
		snprintf(why, len, "%s", strerror(-err));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		err = fail(why, len, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > KBTF_FILE_MAX) {
		err = fail(why, len, "larger than %u MiB", KBTF_FILE_MAX >> 20);
		goto out;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf) {
		err = -ENOMEM;
		snprintf(why, len, "out of memory");
		goto out;
	}
	/* read, not mapped: the owner may truncate it under us */
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	if (got >= 4 && !memcmp(buf, ELFMAG, SELFMAG)) {
		err = elf_btf(buf, got, &btf, &btf_size);
		if (err) {
			snprintf(why, len, err == -ENOENT ? "an ELF file without a .BTF section"
							  : "a damaged ELF file");
			err = -EINVAL;
			goto out;
		}
	} else {
		btf = buf;
		btf_size = got;
	}
	err = kbtf__check(btf, btf_size, why, len);
	if (!err)
		err = check_kernel(btf, btf_size, why, len);
out:
	free(buf);
	close(fd);
	return err;
}

static struct btf *kbtf;

const char *kbtf__path(void)
{
	return opt_btf ? opt_btf : VMLINUX_BTF;
}

const struct btf *kbtf__get(void)
{
	if (kbtf)
		return kbtf;
	if (!opt_btf && access(VMLINUX_BTF, R_OK))
		return NULL;	/* errno from access(): ENOENT without CONFIG_DEBUG_INFO_BTF */
	kbtf = opt_btf ? btf__parse(opt_btf, NULL) : btf__load_vmlinux_btf();
	return kbtf;
}

void kbtf__release(void)
{
	btf__free(kbtf);
	kbtf = NULL;
}

static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static int member_at(const struct btf *btf, __u32 id, const char *name, __u32 *off,
		     __u32 *type, bool *bitfield, int depth)
{
	const struct btf_type *t = skip_mods(btf, id);
	const struct btf_member *m;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)) || depth > 8)
		return -ENOENT;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		__u32 bits = btf_member_bit_offset(t, (__u32)i);

		if (mn && !strcmp(mn, name)) {
			*off = bits / 8;
			*type = m->type;
			*bitfield = btf_member_bitfield_size(t, (__u32)i) || bits % 8;
			return 0;
		}
		if ((!mn || !*mn) &&
		    !member_at(btf, m->type, name, off, type, bitfield, depth + 1)) {
			*off += bits / 8;
			return 0;
		}
	}
	return -ENOENT;
}

int kbtf__member(const struct btf *btf, __u32 id, const char *name, __u32 *off, __u32 *type,
		 bool *bitfield)
{
	return member_at(btf, id, name, off, type, bitfield, 0);
}

int kbtf__tp_arg_index(const char *tp, const char *struct_name)
{
	const struct btf *btf = kbtf__get();
	const struct btf_type *t;
	const struct btf_param *p;
	char name[128];
	int id;

	if (!btf)
		return -ENODATA;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -ENOENT;
	/* typedef void (*btf_trace_TP)(void *__data, ARGS...) */
	t = skip_mods(btf, id);
	if (!t || !btf_is_ptr(t) || !(t = skip_mods(btf, t->type)) || !btf_is_func_proto(t))
		return -ENOENT;
	p = btf_params(t);
	for (int i = 1; i < btf_vlen(t); i++) {
		const struct btf_type *a = skip_mods(btf, p[i].type);

		if (!a || !btf_is_ptr(a) || !(a = skip_mods(btf, a->type)) || !btf_is_struct(a))
			continue;
		if (!strcmp(btf__name_by_offset(btf, a->name_off), struct_name))
			return i - 1;
	}
	return -ENOENT;
}
