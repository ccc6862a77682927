// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile-input helper for the e2e tests (no libbpf: raw syscalls, static, runs in the VMs).
 *   hostile open PATH...            open (and close) each path, then exit
 *   hostile comm NAME PATH          set this thread's comm to NAME (prctl), then open PATH
 *   hostile exec NAME PROG ARGS...  set comm to NAME, then exec PROG with ARGS
 *   hostile pinmap PATH hash|array KEYSIZE VALSIZE [KEY...]
 *                                   create a map of that shape, pin it at PATH, add the u64
 *                                   KEYs (decimal; value all ones)
 *   hostile pinprog PATH            pin a trivial socket filter program at PATH
 *   hostile cgid DIR                print the cgroup v2 id of cgroup directory DIR
 *   hostile asuser UID PROG ARGS... drop to UID (and its gid) and exec PROG
 *   hostile evilsym DIR             copy this program to DIR with its spinning function renamed
 *                                   to control characters and invalid UTF-8, and run it spinning
 * Arguments are taken as raw bytes; "\xHH", "\n" and "\e" in them are decoded first, so the
 * shell scripts can pass control characters without quoting tricks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *decode(const char *s)
{
	char *out = malloc(strlen(s) + 1), *p = out;

	if (!out)
		exit(1);
	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };

			*p++ = (char)strtoul(hex, NULL, 16);
			s += 3;
		} else if (s[0] == '\\' && s[1] == 'n') {
			*p++ = '\n';
			s++;
		} else if (s[0] == '\\' && s[1] == 'e') {
			*p++ = 0x1b;
			s++;
		} else {
			*p++ = *s;
		}
	}
	*p = 0;
	return out;
}

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(__NR_bpf, cmd, a, sizeof(*a));
}

static int pin(int fd, const char *path)
{
	union bpf_attr a = {};

	a.pathname = (uintptr_t)path;
	a.bpf_fd = fd;
	if (sys_bpf(BPF_OBJ_PIN, &a)) {
		fprintf(stderr, "hostile: pinning %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static int pinmap(int argc, char **argv)
{
	union bpf_attr a = {};
	unsigned char key[64] = {}, val[64];
	int fd;

	if (argc < 6)
		return 2;
	a.map_type = strcmp(argv[3], "array") ? BPF_MAP_TYPE_HASH : BPF_MAP_TYPE_ARRAY;
	a.key_size = (unsigned)atoi(argv[4]);
	a.value_size = (unsigned)atoi(argv[5]);
	a.max_entries = 1024;
	if (a.key_size > sizeof(key) || a.value_size > sizeof(val))
		return 2;
	fd = sys_bpf(BPF_MAP_CREATE, &a);
	if (fd < 0) {
		fprintf(stderr, "hostile: creating the map: %s\n", strerror(errno));
		return 1;
	}
	memset(val, 0xff, sizeof(val));
	for (int i = 6; i < argc; i++) {
		uint64_t k = strtoull(argv[i], NULL, 10);
		union bpf_attr u = {};

		memcpy(key, &k, a.key_size < 8 ? a.key_size : 8);
		u.map_fd = (unsigned)fd;
		u.key = (uintptr_t)key;
		u.value = (uintptr_t)val;
		if (sys_bpf(BPF_MAP_UPDATE_ELEM, &u)) {
			fprintf(stderr, "hostile: adding %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
	}
	return pin(fd, argv[2]);
}

static int pinprog(const char *path)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a = {};
	int fd;

	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uintptr_t)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0) {
		fprintf(stderr, "hostile: loading a program: %s\n", strerror(errno));
		return 1;
	}
	return pin(fd, path);
}

/* A cgroup v2 id is the id of its directory's kernfs node, i.e. its file handle. */
static int cgid(const char *dir)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mnt;

	if (name_to_handle_at(AT_FDCWD, dir, &h.fh, &mnt, 0)) {
		fprintf(stderr, "hostile: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	printf("%llu\n", (unsigned long long)h.id);
	return 0;
}

/* Same length as the name it replaces: "ev ESC[2J LF CR il TAB sym DEL 0xff abc". */
#define EVIL_NAME "ev\x1b[2J\n\ril\tsym\x7f\xff" "abc"
void evil_spin(void) __asm__("bpfboxEVILSYMmarker");
__attribute__((noinline)) void evil_spin(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

static int evilsym(const char *dir)
{
	static char buf[16 << 20];
	const char marker[] = "bpfboxEVILSYMmarker";
	char path[4096];
	ssize_t n, k = 0;
	int in = open("/proc/self/exe", O_RDONLY), out;

	_Static_assert(sizeof(marker) == sizeof(EVIL_NAME), "same length");
	while (in >= 0 && (n = read(in, buf + k, sizeof(buf) - (size_t)k)) > 0)
		k += n;
	for (char *p = buf; (p = memmem(p, (size_t)(buf + k - p), marker, sizeof(marker) - 1));)
		memcpy(p, EVIL_NAME, sizeof(marker) - 1);
	snprintf(path, sizeof(path), "%s/evilsym-bin", dir);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	if (out < 0 || write(out, buf, (size_t)k) != k || close(out)) {
		fprintf(stderr, "hostile: writing %s: %s\n", path, strerror(errno));
		return 1;
	}
	execl(path, path, "spin", (char *)NULL);
	return 127;
}

int main(int argc, char **argv)
{
	/* kernels before 5.11 charge BPF maps to RLIMIT_MEMLOCK */
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };

	setrlimit(RLIMIT_MEMLOCK, &unlimited);
	if (argc == 2 && !strcmp(argv[1], "spin"))
		evil_spin();
	if (argc >= 4 && !strcmp(argv[1], "asuser")) {
		unsigned int id = (unsigned int)atoi(argv[2]);

		if (setgroups(0, NULL) || setgid(id) || setuid(id)) {
			fprintf(stderr, "hostile: becoming %u: %s\n", id, strerror(errno));
			return 1;
		}
		execv(argv[3], argv + 3);
		return 127;
	}
	if (argc == 3 && !strcmp(argv[1], "evilsym"))
		return evilsym(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "open")) {
		for (int i = 2; i < argc; i++) {
			int fd = open(decode(argv[i]), O_RDONLY);

			if (fd >= 0)
				close(fd);
		}
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "comm")) {
		int fd;

		prctl(PR_SET_NAME, decode(argv[2]));
		fd = open(decode(argv[3]), O_RDONLY);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "exec")) {
		prctl(PR_SET_NAME, decode(argv[2]));
		for (int i = 4; i < argc; i++)
			argv[i] = decode(argv[i]);
		execv(argv[3], argv + 3);
		return 127;
	}
	if (argc >= 3 && !strcmp(argv[1], "pinmap"))
		return pinmap(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "pinprog"))
		return pinprog(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "cgid"))
		return cgid(argv[2]);
	fprintf(stderr, "usage: see tests/progs/hostile.c\n");
	return 2;
}
