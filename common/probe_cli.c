// SPDX-License-Identifier: GPL-2.0
/* The probe engine's front for funccount and stackcount: options, BCC's checks, messages. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "linkset.h"
#include "probe_cli.h"
#include "verdict.h"

const char *probe_cli__parse_mech(const char *arg, void *dst)
{
	int m = probe_mech__parse(arg);

	if (m < 0 || !strstr(" " PROBE_MECH_NAMES " ", arg) || strchr(arg, ' '))
		return "one of: " PROBE_MECH_NAMES;
	*(int *)dst = m;
	return NULL;
}

const char *probe_cli__parse_pid(const char *arg, void *dst)
{
	char *end;
	long v;

	if (*arg < '0' || *arg > '9')
		return "a process id";
	errno = 0;
	v = strtol(arg, &end, 10);
	if (*end || errno || v > INT_MAX)
		return "a process id";
	*(long *)dst = v;
	return NULL;
}

static int fail(struct probe_cli_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return status;
}

static long limit(const struct probe_cli *o)
{
	const char *env = getenv("BCC_PROBE_LIMIT");
	char *end;
	long v;

	if (o->max_probes)
		return o->max_probes;
	if (env && *env) {
		v = strtol(env, &end, 10);
		if (!*end && v > 0)
			return v;
	}
	return PROBE_LIMIT_DEFAULT;
}

static bool pid_exists(long pid)
{
	return !kill((pid_t)pid, 0) || errno == EPERM;
}

int probe_cli__resolve(const struct probe_cli *o, const char *pattern,
		       struct probe_cli_run **out, struct probe_cli_err *err)
{
	struct probe_cli_run *run = calloc(1, sizeof(*run));
	struct probe_spec_err se;
	int rc;

	*out = run;
	if (!run)
		return fail(err, 1, "out of memory");
	if (o->pid >= 0 && (o->pid == 0 || !pid_exists(o->pid)))
		return fail(err, 2, "no process with pid %ld", o->pid);
	if (probe_spec__parse(pattern, o->regex, &run->spec, &se))
		return fail(err, 2, "bad pattern '%.128s' at column %d: %s", pattern, se.pos + 1,
			    se.msg);
	rc = probe_resolve(&run->spec, o->pid > 0 ? (int)o->pid : 0, &run->set);
	if (rc == -ENOENT && (run->spec.kind == PROBE_UFUNC || run->spec.kind == PROBE_USDT))
		return fail(err, 2, "unable to find library %.256s", run->spec.target);
	if (rc == -ENOEXEC)
		return fail(err, 2, "%.256s is not an ELF file", run->set.path);
	if (rc)
		return fail(err, 1, "cannot list the %s: %s",
			    run->spec.kind == PROBE_TP ? "tracepoints (tracefs events/)" :
			    run->spec.kind == PROBE_KFUNC ?
			    "kernel functions (tracefs available_filter_functions)" : "functions",
			    strerror(-rc));
	/* -l lists them: their names are right, only their implementation is unknown */
	if (!o->list)
		probe_set__drop_unresolved(&run->set);
	if (!run->set.n && run->set.evex && !run->set.ifunc_unresolved)
		return fail(err, 1, "%.256s: every function matched starts with an AVX-512 (EVEX) "
			    "instruction, which uprobes execute wrongly: the traced program would "
			    "compute wrong results; probe its callers instead", pattern);
	if (!run->set.n && (run->set.ifunc_unresolved || run->set.evex))
		return fail(err, 1, "%.256s: only GNU IFUNC symbols matched, and which "
			    "implementation they resolve to is unknown: it is read from a process "
			    "that maps %.256s (one of root's, or the -p one)", pattern,
			    run->set.path);
	if (!run->set.n)
		return fail(err, 2, "No functions matched by pattern %.256s", pattern);
	if (!o->list && run->set.n > (size_t)limit(o))
		return fail(err, 2, "maximum of %ld probes allowed, attempted %zu (raise it with "
			    "--max-probes or BCC_PROBE_LIMIT)", limit(o), run->set.n);
	return 0;
}

int probe_cli__left_out(const struct probe_cli_run *run, char *buf, size_t size)
{
	const struct probe_set *s = &run->set;
	int n = 0;

	buf[0] = 0;
	if (s->ifunc_unresolved)
		n = snprintf(buf, size, "%zu GNU IFUNC symbols left out: no implementation found "
			     "(no process of root's or -p maps the binary, or no IRELATIVE slot)",
			     s->ifunc_unresolved);
	if (s->evex && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - n, "%s%zu functions left out: they start with an AVX-512 "
			 "(EVEX) instruction, which uprobes execute wrongly", n ? "; " : "",
			 s->evex);
	return buf[0] != 0;
}

void probe_cli__target_spec(const struct probe_cli_run *run, size_t i, char *buf, size_t size)
{
	const char *name = run->set.t[i].name, *lib = run->spec.target;

	switch (run->spec.kind) {
	case PROBE_KFUNC:
		snprintf(buf, size, "%s", name);
		break;
	case PROBE_TP:
		snprintf(buf, size, "t:%s", name);
		break;
	case PROBE_UFUNC:
		snprintf(buf, size, "%s:%s", lib, name);
		break;
	case PROBE_USDT:
		snprintf(buf, size, "u:%s:%s", lib, name);
		break;
	}
}

static int prepare(const char *applet, const struct probe_cli *o, struct probe_cli_run *run,
		   const struct probe_progs *progs, struct probe_cli_err *err)
{
	int m = probe_attach__prepare(applet, &run->set, progs, o->mechanism);
	if (m == -EINVAL)
		return fail(err, 2, "--mechanism %s cannot attach to %s",
			    probe_mech__name(o->mechanism), run->spec.kind == PROBE_KFUNC ?
			    "kernel functions" : "this kind of probe");
	if (m < 0)
		return fail(err, 1, "this kernel offers no way to attach to %s (see "
			    "'bpfbox check-config')", run->spec.kind == PROBE_KFUNC ?
			    "kernel functions" : run->spec.kind == PROBE_TP ? "tracepoints" :
			    "user functions");
	run->mech = m;
	run->copies = probe_attach__copies(run->set.kind, run->mech);
	if (run->copies && !o->list && run->set.n > PROBE_COPIES_MAX)
		return fail(err, 2, run->mech == PROBE_MECH_FENTRY ?
			    "fentry loads one BPF program per function, at most %d, attempted %zu: "
			    "narrow the pattern or choose another --mechanism" :
			    "without BPF cookies (Linux 5.15) each probe needs its own BPF program, "
			    "at most %d, attempted %zu: narrow the pattern", PROBE_COPIES_MAX,
			    run->set.n);
	run->ok = calloc(run->set.n, sizeof(*run->ok));
	run->links = linkset__new();
	if (!run->ok || !run->links)
		return fail(err, 1, "out of memory");
	return 0;
}

int probe_cli__prepare(const char *applet, const struct probe_cli *o, struct probe_cli_run *run,
		       const struct probe_progs *progs, struct probe_cli_err *err)
{
	int rc = prepare(applet, o, run, progs, err);

	/* the object is this run's alone: one target needs no cookie */
	if (!rc && run->set.n == 1 && probe_attach__one(*progs->skel->obj, run->set.cookie_base))
		return fail(err, 1, "the BPF object has no probe knobs");
	return rc;
}

int probe_cli__prepare_shared(const char *applet, const struct probe_cli *o,
			      struct probe_cli_run *run, const struct probe_progs *progs,
			      bool used[PROBE_MECH__COUNT], struct probe_cli_err *err)
{
	int rc = prepare(applet, o, run, progs, err);

	if (rc)
		return rc;
	used[run->mech] |= !run->copies;	/* a copy loads its own */
	for (int m = 0; m < PROBE_MECH__COUNT; m++)
		bpf_program__set_autoload(progs->prog[m], used[m]);
	return 0;
}

int probe_cli__attach(const struct probe_cli *o, struct probe_cli_run *run,
		      const struct probe_progs *progs, struct probe_cli_err *err)
{
	run->attached = probe_attach(&run->set, progs, run->mech, o->pid > 0 ? (int)o->pid : 0,
				     run->links, run->ok, &run->first_err);
	if (!run->attached)
		/* the first attach of a tracepoint is its feature probe too (feature.h) */
		return fail(err, 1, "cannot attach to any of the %zu %s matched (%s): %s (see "
			    "'bpfbox check-config')", run->set.n, run->set.n == 1 ? "probe" :
			    "probes", probe_mech__name(run->mech), strerror(-run->first_err));
	return 0;
}

const char *probe_cli__mode(const struct probe_cli_run *run)
{
	if (!run->copies)
		return "";
	return run->mech == PROBE_MECH_FENTRY ? ", fentry (one program per function)" :
	       ", this kernel without BPF cookies (one program per probe)";
}

void probe_cli__free(struct probe_cli_run *run)
{
	if (!run)
		return;
	linkset__free(run->links);
	probe_set__free(&run->set);
	probe_spec__free(&run->spec);
	free(run->ok);
	free(run);
}
