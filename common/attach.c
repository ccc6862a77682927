// SPDX-License-Identifier: GPL-2.0
/* Loading and attaching skeletons; errors are returned, the applets explain them. */
#include <errno.h>
#include <string.h>

#include "attach.h"
#include "err.h"
#include "kbtf.h"
#include "kfield.h"
#include "opts.h"
#include "tracefs.h"

const struct bpf_object_open_opts *skel_open_opts(void)
{
	static struct bpf_object_open_opts opts = { .sz = sizeof(opts) };

	opts.btf_custom_path = opt_btf;
	return &opts;
}

int skel_load(struct bpf_object_skeleton *s)
{
	/* not bpf_object__load(): libbpf 1.1 maps .bss/.data onto the kernel's maps only here,
	 * and without that skel->bss (e.g. the lost-event counter) never changes */
	/* about one per map and program while loading (libbpf's probes reuse freed ones) */
	int err = fds_check(s->map_cnt + s->prog_cnt);

	if (!err)
		err = kfield__fill(*s->obj);
	/* typing and offsets are done, and libbpf parses its own copy for typed programs
	 * (tp_btf, fentry): freed first, so the peak RSS never holds both */
	kbtf__release();
	return err ? err : bpf_object__load_skeleton(s);
}

int skel_attach(struct bpf_object_skeleton *s, struct linkset *ls,
		const struct bpf_program **failed)
{
	for (int i = 0; i < s->prog_cnt; i++) {
		struct bpf_program *p = *s->progs[i].prog;
		int err;

		if (!bpf_program__autoload(p) || !bpf_program__autoattach(p) ||
		    !strchr(bpf_program__section_name(p), '/'))
			continue;
		err = linkset__add(ls, bpf_program__attach(p));
		if (err) {
			*failed = p;
			return err;
		}
	}
	return 0;
}

void autoload_if_event(struct bpf_program *p, const char *category, const char *name)
{
	if (!tracefs_has_event(category, name)) {
		err_debug("no tracepoint %s:%s on this kernel, skipping it", category, name);
		bpf_program__set_autoload(p, false);
	}
}

int attach_tracepoints(const struct tp_target *t, int n, struct linkset *ls, int *failed)
{
	for (int i = 0; i < n; i++) {
		int err;

		if (t[i].optional && !tracefs_has_event(t[i].category, t[i].name)) {
			err_debug("no tracepoint %s:%s on this kernel, skipping it", t[i].category,
				  t[i].name);
			continue;
		}
		err = linkset__add(ls, bpf_program__attach_tracepoint(t[i].prog, t[i].category,
								      t[i].name));
		if (err) {
			*failed = i;
			return err;
		}
	}
	return 0;
}
