// SPDX-License-Identifier: GPL-2.0
/* Pinned filter maps: open, check the shape, swap in. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pinmap.h"

static const char *type_name(enum bpf_map_type t)
{
	const char *s = libbpf_bpf_map_type_str(t);

	return s ? s : "unknown";
}

/* Programs and links are pinned the same way: only a map's fd is "anon_inode:bpf-map". */
static bool is_map_fd(int fd)
{
	char link[64], target[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return true;	/* no /proc: let the info call decide */
	target[n] = 0;
	return !strcmp(target, "anon_inode:bpf-map");
}

int pinmap__reuse(struct bpf_map *m, const char *path, char *why, size_t n)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	enum bpf_map_type want = bpf_map__type(m);
	__u32 ks = bpf_map__key_size(m), vs = bpf_map__value_size(m);
	struct statfs fs;
	struct stat st;
	int fd, err;

	/* a plain stat first, so that a missing file is not reported as a BPF failure */
	if (stat(path, &st) || statfs(path, &fs)) {
		err = -errno;
		snprintf(why, n, "%s", strerror(-err));
		return err;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(why, n, "%s", strerror(EISDIR));
		return -EISDIR;
	}
	if (fs.f_type != BPF_FS_MAGIC) {
		snprintf(why, n, "not a pinned BPF map (not on a BPF file system such as "
			 "/sys/fs/bpf)");
		return -EINVAL;
	}
	fd = bpf_obj_get(path);
	if (fd < 0) {
		err = -errno;
		snprintf(why, n, "%s", strerror(-err));
		return err;
	}
	if (!is_map_fd(fd) || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		snprintf(why, n, "the pinned object is not a BPF map");
		return -EINVAL;
	}
	if (info.type != want || info.key_size != ks || info.value_size != vs) {
		close(fd);
		snprintf(why, n, "the map has type %s, %u-byte keys and %u-byte values; expected "
			 "type %s, %u-byte keys and %u-byte values", type_name(info.type),
			 info.key_size, info.value_size, type_name(want), ks, vs);
		return -EINVAL;
	}
	err = bpf_map__reuse_fd(m, fd);
	close(fd);
	if (err)
		snprintf(why, n, "%s", strerror(-err));
	return err;
}

static int reuse_opt(struct bpf_map *m, const char *opt, const char *path, char *why, size_t n)
{
	char buf[512];
	int err = pinmap__reuse(m, path, buf, sizeof(buf));

	if (err)
		snprintf(why, n, "--%s %s: %s", opt, path, buf);
	return err;
}

int pinmap__containers(const struct pinmap_containers *c, struct bpf_map *cgroupset,
		       bool *cgroup_on, struct bpf_map *mntnsset, bool *mntns_on, char *why,
		       size_t n)
{
	int err;

	*cgroup_on = c->cgroupmap != NULL;
	*mntns_on = c->mntnsmap != NULL;
	if (c->cgroupmap && (err = reuse_opt(cgroupset, "cgroupmap", c->cgroupmap, why, n)))
		return err;
	if (c->mntnsmap && (err = reuse_opt(mntnsset, "mntnsmap", c->mntnsmap, why, n)))
		return err;
	return 0;
}
