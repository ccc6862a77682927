// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolizer benchmark: the report of a profile with N unique stacks from P processes, i.e.
 * snapshot the processes at first sight, then resolve and print every frame (kernel and user)
 * through the same code as profile's report, output to /dev/null. Prints the time, the CPU
 * time, the ELF files read against those seen, and the peak RSS.
 * usage: symbench [STACKS [PROCS [FRAMES]]]   (defaults 10000 20 24: half user, half kernel)
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "stacks.h"
#include "syms.h"

struct range {
	uint64_t start, end;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The executable file mappings of pid: where its user frames are drawn from. */
static int exec_ranges(int pid, struct range *r, int max)
{
	char path[64], line[4352];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long long a, b;
		char perms[8];

		if (sscanf(line, "%llx-%llx %7s", &a, &b, perms) == 3 && perms[2] == 'x' &&
		    strchr(line, '/'))
			r[n++] = (struct range){ a, b };
	}
	fclose(f);
	return n;
}

static uint64_t rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ull;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static long rss_hwm_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	int nstacks = argc > 1 ? atoi(argv[1]) : 10000, nprocs = argc > 2 ? atoi(argv[2]) : 20;
	int depth = argc > 3 ? atoi(argv[3]) : 24, half = depth / 2;
	/* a mix of programs, each mapping its own ELF files and sharing libc */
	const char *const progs[] = { "/bin/sleep", "/bin/cat", "/usr/bin/tail", "/bin/sh" };
	struct range (*ranges)[64];
	int *nranges, *pids;
	uint64_t *kips, *uips, kstart = 0, kend = 0;
	struct syms_stats st;
	struct stacks *s;
	FILE *kallsyms;
	char line[512];
	double t0, c0, t1, c1;
	FILE *null;

	if (nstacks <= 0 || nprocs <= 0 || nprocs > 1000 || depth < 2 || depth > 254)
		return fprintf(stderr, "usage: symbench [STACKS [PROCS [FRAMES]]]\n"), 2;
	ranges = calloc((size_t)nprocs, sizeof(*ranges));
	nranges = calloc((size_t)nprocs, sizeof(*nranges));
	pids = calloc((size_t)nprocs, sizeof(*pids));
	kips = calloc((size_t)half, sizeof(*kips));
	uips = calloc((size_t)(depth - half), sizeof(*uips));
	if (!ranges || !nranges || !pids || !kips || !uips)
		return 1;

	/* kernel frames land anywhere in the core kernel's text */
	kallsyms = fopen("/proc/kallsyms", "r");
	while (kallsyms && fgets(line, sizeof(line), kallsyms) && !(kstart && kend)) {
		unsigned long long a;
		char name[128];

		if (sscanf(line, "%llx %*c %127s", &a, name) != 2)
			continue;
		if (!strcmp(name, "_stext"))
			kstart = a;
		else if (!strcmp(name, "_etext"))
			kend = a;
	}
	if (kallsyms)
		fclose(kallsyms);
	if (kend <= kstart)
		kend = 0;
	if (!kend)
		fprintf(stderr, "symbench: no kernel text range (kptr_restrict?): user frames only\n");

	for (int i = 0; i < nprocs; i++) {
		const char *prog = progs[i % 4];
		int in[2];

		/* each child blocks reading a pipe we hold: alive until we close it */
		if (pipe(in))
			return 1;
		pids[i] = fork();
		if (!pids[i]) {
			dup2(in[0], 0);
			close(in[1]);
			if (i % 4 == 0)
				execl(prog, "sleep", "600", (char *)NULL);
			else if (i % 4 == 3)
				execl(prog, "sh", "-c", "read x", (char *)NULL);
			else
				execl(prog, prog, (char *)NULL);
			_exit(127);
		}
		close(in[0]);
		/* in[1] stays open: the children (cat, tail, sh) wait on their stdin */
	}
	usleep(200000);
	for (int i = 0; i < nprocs; i++)
		nranges[i] = exec_ranges(pids[i], ranges[i], 64);

	null = fopen("/dev/null", "w");
	out_init(null);
	t0 = now_s();
	c0 = cpu_s();
	s = stacks__new(&(struct stacks_opts){ 0 });
	/* first sight, as profile does while collecting */
	for (int i = 0; i < nprocs; i++)
		syms_cache__get(stacks__syms(s), pids[i]);
	/* then every process is gone before the report */
	for (int i = 0; i < nprocs; i++)
		kill(pids[i], SIGKILL);
	for (int i = 0; i < nprocs; i++)
		waitpid(pids[i], NULL, 0);
	t1 = now_s();
	c1 = cpu_s();
	printf("snapshot: %d processes in %.1f ms (%.1f ms CPU)\n", nprocs, (t1 - t0) * 1e3,
	       (c1 - c0) * 1e3);

	t0 = now_s();
	c0 = cpu_s();
	for (int i = 0; i < nstacks; i++) {
		int p = i % nprocs;
		struct stack_entry e = {
			.comm = "bench", .pid = (uint32_t)pids[p], .count = (uint64_t)i + 1,
			.kips = kips, .nk = kend ? half : 0, .kerr = kend ? 0 : -EFAULT,
			.uips = uips, .nu = depth - half,
		};

		/* random frames: every stack is a new one, every frame a new lookup */
		for (int k = 0; k < e.nk; k++)
			kips[k] = kstart + rnd() % (kend - kstart);
		for (int u = 0; u < e.nu; u++) {
			const struct range *r = &ranges[p][rnd() % (uint64_t)(nranges[p] ? nranges[p] : 1)];

			uips[u] = nranges[p] ? r->start + rnd() % (r->end - r->start) : 0;
		}
		stacks__print(s, &e);
	}
	t1 = now_s();
	c1 = cpu_s();
	syms_cache__stats(stacks__syms(s), &st);
	printf("symbolize: %d stacks, %d frames each, from %d exited processes: %.0f ms "
	       "(%.0f ms CPU)\n", nstacks, depth, nprocs, (t1 - t0) * 1e3, (c1 - c0) * 1e3);
	printf("files: %u ELF files seen, %u read (each at most once), %u with debug files\n",
	       st.files, st.files_read, st.debug_files);
	printf("memory: %zu KB held by symbol tables, peak RSS %ld KB\n", st.mem >> 10,
	       rss_hwm_kb());
	stacks__free(s);
	fclose(null);
	return 0;
}
